"""Small text tables of results (printed by tools/test.py; tools/leaderboard.py builds the full
markdown tables, :mod:`srbench.apis.leaderboard`). Both use the table model of :mod:`srbench.apis.tables`."""
from __future__ import annotations

from .tables import Cell, Row, Table, Value, decimals_of, render


def results_summary(results) -> Table:
    """The table of one results file (a :class:`srbench.results.Results`, a results dict from
    :func:`srbench.apis.test`, or a path): one row per (data set, scale) in the order they were run, the
    number of images, and every metric of the file (the means, ``<metric>_num_inf`` counts included)."""
    from ..results import as_results
    res = as_results(results)
    keys: list = []
    for r in res.results:
        keys += [k for k in r.metrics if k not in keys]
    rows = [Row(r.dataset, [r.scale], [[Cell(r.dataset, r.scale, k, [Value('ours', r.metrics.get(k))])]
                                       for k in keys], num_images=[r.num_images]) for r in res.results]
    return Table(metrics=keys, rows=rows, decimals=decimals_of(keys), images=True)


def results_table(results, tablefmt: str = 'github') -> str:
    """One row per (data set, scale) of a results file (see :func:`results_summary`), under a title line
    naming the model, with the protocol of the numbers on the last line."""
    from ..results import as_results
    from .leaderboard import describe_protocol, entries_of
    res = as_results(results)
    m = res.model
    title = f'{m.generator} ({m.plugin or "no plugin"})'
    text = title + '\n' + render(results_summary(res), tablefmt)
    protocols = list(dict.fromkeys(describe_protocol(e) for e in entries_of(res)))
    return text + ''.join(f'\nProtocol: {p}' for p in protocols)
