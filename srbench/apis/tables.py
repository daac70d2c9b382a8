"""The table model of srbench's result tables (the leaderboard, the summary ``tools/test.py`` prints).

Building and rendering are separate steps:

1. *build*: a :class:`Table` -- rows (a data set at one or more scales) of :class:`Cell` s (one metric of
   one data set and scale), each holding its numbers as data: ours first, then one :class:`Value` per
   reference label, with the marks that apply (the reference's protocol differs from ours, declares none,
   or carries a note). Nothing is formatted here, so a table can be rendered in any form, summarised, or
   merged with another one.
2. *render*: :func:`render` turns a table into text with tabulate (markdown by default): numbers with the
   decimals of their metric class (:func:`srbench.metrics.metric_decimals`), the values of a cell joined
   by ``/``, the scales of a row stacked with ``<br />``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

MISMATCH = '†'
STACK = '<br />'


@dataclass(frozen=True)
class Value:
    """One number of a cell: ours (``source='ours'``) or a reference's (``source`` = its label).

    ``mismatch``: how the reference's declared protocol differs from ours (``''``: it does not);
    ``undeclared``: the reference declares no protocol; ``note``: the reference row's note. The marks are
    only set where the reference has a number."""
    source: str
    value: float | str | None
    mismatch: str = ''
    undeclared: bool = False
    note: str = ''


@dataclass
class Cell:
    """The numbers of one metric for one (data set, scale): ``values[0]`` is ours."""
    dataset: str
    scale: int
    metric: str
    values: list[Value]


@dataclass
class Row:
    """One line of a table: a data set at one or more scales (several: the seed's stacked layout).
    ``cells[i]`` are the cells of metric column ``i``, one per scale; ``num_images`` one per scale."""
    dataset: str
    scales: list[int]
    cells: list[list[Cell]]
    num_images: list = field(default_factory=list)


@dataclass
class Table:
    """A table of results: metric columns, reference labels, rows, and how to print each metric.

    ``decimals``: per metric column; ``images``: an ``Images`` column after ``Scale``;
    ``ref_source``: where the reference numbers come from (for the notes)."""
    metrics: list[str]
    rows: list[Row]
    decimals: dict
    labels: list[str] = field(default_factory=list)
    images: bool = False
    ref_source: str | None = None

    def cells(self) -> Iterator[Cell]:
        """Every cell in reading order: row by row, column by column, the scales of a row top to bottom."""
        for r in self.rows:
            for col in r.cells:
                yield from col


def fmt_value(metric: str, v, decimals: int | None = None) -> str:
    """A metric value as the tables print it (``'-'`` when missing; strings as they are; ``decimals``
    default: the metric class's, :func:`srbench.metrics.metric_decimals`)."""
    if v is None:
        return '-'
    if isinstance(v, str):
        return v
    if v != v:   # NaN
        return 'nan'
    if v in (float('inf'), float('-inf')):
        return 'inf' if v > 0 else '-inf'
    if decimals is None:
        from ..metrics import metric_decimals
        decimals = metric_decimals(metric)
    return f'{v:.{decimals}f}'


def decimals_of(metrics) -> dict:
    """``{metric: decimals}`` for table columns (one registry lookup for all of them)."""
    from ..metrics import DEFAULT_DECIMALS, decimals_table
    table = decimals_table()
    return {m: table.get(str(m).split('/')[-1], DEFAULT_DECIMALS) for m in metrics}


def render_cell(cell: Cell, decimals: int) -> str:
    """``ours/ref1/ref2``, a reference number computed under another protocol marked with :data:`MISMATCH`."""
    return '/'.join(fmt_value(cell.metric, v.value, decimals) + (MISMATCH if v.mismatch else '')
                    for v in cell.values)


def headers(table: Table) -> list[str]:
    """The column headers: ``Dataset | Scale [| Images] | <metric> (ours/<label>/...)``."""
    suffix = f' ({"/".join(["ours"] + table.labels)})' if table.labels else ''
    return ['Dataset', 'Scale'] + (['Images'] if table.images else []) \
        + [f'{m}{suffix}' for m in table.metrics]


def render_rows(table: Table) -> list[list[str]]:
    """The table as rows of strings (the cells of stacked scales joined by ``<br />``)."""
    out = []
    for r in table.rows:
        line = [r.dataset, STACK.join(f'x{s}' for s in r.scales)]
        if table.images:
            line.append(STACK.join('' if n is None else str(n) for n in r.num_images))
        line += [STACK.join(render_cell(c, table.decimals[m]) for c in col)
                 for m, col in zip(table.metrics, r.cells)]
        out.append(line)
    return out


def render(table: Table, tablefmt: str = 'github') -> str:
    """The table as text (tabulate's ``tablefmt``; markdown by default)."""
    from tabulate import tabulate
    return tabulate(render_rows(table), headers=headers(table), tablefmt=tablefmt, disable_numparse=True)
