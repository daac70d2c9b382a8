"""Small text tables of results (printed by tools/test.py; tools/leaderboard.py builds the full
markdown tables, :mod:`srbench.apis.leaderboard`)."""
from __future__ import annotations


def results_table(results: dict, tablefmt: str = 'github') -> str:
    """One row per (data set, scale) of a results dict from :func:`srbench.apis.test`, with the
    protocol of the numbers on the last line."""
    from tabulate import tabulate

    from .leaderboard import describe_protocol, entries_of, fmt_value
    rows, keys = [], []
    for r in results.get('results', []):
        for k in r['metrics']:
            if k not in keys:
                keys.append(k)
    for r in results.get('results', []):
        rows.append([r['dataset'], f'x{r["scale"]}', r['num_images']]
                    + [fmt_value(k, r['metrics'].get(k)) for k in keys])
    m = results.get('model', {})
    title = f'{m.get("generator")} ({m.get("plugin") or "no plugin"})'
    text = title + '\n' + tabulate(rows, headers=['Dataset', 'Scale', 'Images'] + keys, tablefmt=tablefmt,
                                   disable_numparse=True)
    entries = entries_of(results) if results.get('results') else []
    protocols = list(dict.fromkeys(describe_protocol(e) for e in entries))
    return text + ''.join(f'\nProtocol: {p}' for p in protocols)
