"""The leaderboard: markdown tables (tabulate) of results JSONs written by ``tools/test.py``, in the
seed README's layout -- ``Dataset | Scale | PSNR | SSIM | IFC``, one row per data set with the scales
stacked in the cell (``x2<br />x3<br />x4``), and ``ours/paper`` where the model's plugin has
reference numbers (``plugins/<name>/paper.json``, read through ``Plugin.reference_numbers()``).

Everything is driven by the data: the metric columns are the metrics present in the results (or in
the references), ordered by :data:`METRIC_ORDER`, printed with the decimals of their metric class
(``decimals``, :func:`srbench.metrics.metric_decimals`); data sets are ordered by :data:`DATASET_ORDER`;
reference columns are the reference labels found for the model.

Numbers of different protocols are never compared silently:

* results are grouped by model *and* protocol signature (every metric's protocol name, channel and
  crop border, and the data's LR protocol): two protocols give two tables;
* a reference row may declare its protocol (``"protocol": {...}`` at the top of paper.json or in the
  row: ``name``, ``channel``, ``crop_border`` (``"scale"`` or a number), ``lr_protocol``); a declared
  field that differs from ours marks the number with ``†`` and a footnote says how it differs.
  References that declare nothing are listed as "protocol not declared" under the table.

Building and rendering are separate: :func:`build_board` reads the results (:mod:`srbench.results`) into a
:class:`Board` (sections of :class:`srbench.apis.tables.Table`; the notes under each table are computed
from its cells by :func:`table_notes`), and :func:`render_board` writes it as markdown.
"""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field

from ..errors import ConfigError, DataError, PluginError
from ..results import Results, as_results, load_results  # noqa: F401
from ..utils.atomic import write_text_atomic
from .tables import MISMATCH, Cell, Row, Table, Value, decimals_of, fmt_value, render  # noqa: F401

METRIC_ORDER = ['PSNR', 'SSIM', 'IFC']
DATASET_ORDER = ['Set5', 'Set14', 'BSD100', 'Urban100', 'Manga109', 'BSD200', 'General100', 'DIV2K']
DATASET_ALIASES = {'b100': 'bsd100', 'bsds100': 'bsd100', 'urban': 'urban100', 'u100': 'urban100'}
PROTOCOL_FIELDS = ('name', 'channel', 'crop_border', 'lr_protocol')


def _norm_dataset(name: str) -> str:
    n = str(name).lower()
    return DATASET_ALIASES.get(n, n)


def _dataset_rank(name: str):
    order = [_norm_dataset(d) for d in DATASET_ORDER]
    n = _norm_dataset(name)
    return (order.index(n), '') if n in order else (len(order), n)


@dataclass
class Entry:
    """One (model, data set, scale) result of a results file, as the leaderboard compares it."""
    model: str
    plugin: str | None
    dataset: str
    scale: int
    metrics: dict
    protocol: dict            # {'PSNR': {'name', 'channel', 'crop_border', 'lr_protocol'}, ...}
    data_protocol: dict
    source: str
    date: str = ''
    extra: dict = field(default_factory=dict)


def _norm_border(v, scale):
    if v in (None, 'scale') or (isinstance(v, (int, float)) and scale is not None and v == scale):
        return 'scale'
    return v


def _other_json(path) -> bool:
    """True for a JSON file that is well-formed but plainly not a results file (no ``srbench-results``
    format field); a malformed one is False, so that loading it reports the problem."""
    import json
    try:
        obj = json.loads(path.read_text(encoding='utf-8'))
    except (OSError, ValueError):
        return False
    return not (isinstance(obj, dict) and str(obj.get('format', '')).startswith('srbench-results'))


def expand_results(results) -> list:
    """``results`` (one or a list of paths, :class:`srbench.results.Results` or dicts) with every folder
    replaced by the results JSONs under it (``*.json``, recursively, sorted; other JSON files in it are
    passed over): ``srbench leaderboard docs/results``. A folder without one is a DataError naming it."""
    from pathlib import Path
    out = []
    for r in results if isinstance(results, (list, tuple)) else [results]:
        if isinstance(r, (str, Path)) and Path(r).is_dir():
            found = [f for f in sorted(Path(r).rglob('*.json')) if not _other_json(f)]
            if not found:
                raise DataError(f'{r}: a folder with no results JSON (*.json, format srbench-results) in it')
            out += [str(f) for f in found]
        else:
            out.append(r)
    return out


def entries_of(results, source: str = '?') -> list[Entry]:
    """The (data set, scale) entries of one :class:`srbench.results.Results` (or results dict)."""
    res = as_results(results, source=f'results {source}')
    out = []
    for row in res.results:
        data = row.protocol.data
        per_metric = {k: dict(name=p.get('name'), channel=p.get('channel'),
                              crop_border=_norm_border(p.get('crop_border'), row.scale),
                              lr_protocol=data.get('lr_protocol'))
                      for k, p in row.protocol.metrics.items()}
        metrics = {k: v for k, v in row.metrics.items() if not k.endswith('_num_inf')}
        # weights converted from an author's release: one model per released file, compared with the
        # numbers its declaration cites
        weights = ((res.checkpoint.converted or {}).get('weights') if res.checkpoint else None) or None
        out.append(Entry(model=f'{res.model.name} ({weights})' if weights else res.model.name,
                         plugin=res.model.plugin, dataset=row.dataset, scale=row.scale,
                         metrics=metrics, protocol=per_metric, data_protocol=data, source=source,
                         date=str(res.date or ''), extra=dict(weights=weights) if weights else {}))
    return out


def protocol_signature(e: Entry) -> tuple:
    """What must be equal for two entries to share a table."""
    return tuple(sorted((k, tuple(str(p.get(f)) for f in PROTOCOL_FIELDS)) for k, p in e.protocol.items())) \
        + (('lr', str(e.data_protocol.get('lr_protocol'))),) \
        + ((('eval', str(e.data_protocol['eval_protocol'])),) if e.data_protocol.get('eval_protocol') else ())


def describe_protocol(e: Entry) -> str:
    """One line: the protocol of an entry's metrics and data."""
    groups: dict = {}
    for k, p in e.protocol.items():
        key = (p.get('name'), p.get('channel'), p.get('crop_border'))
        groups.setdefault(key, []).append(k)
    parts = []
    for (name, ch, cb), ks in groups.items():
        border = 'border = scale' if cb == 'scale' else f'border = {cb}'
        parts.append(f'{", ".join(ks)}: protocol `{name}`, {str(ch).upper() if ch else "?"}, {border}')
    lr = e.data_protocol.get('lr_protocol')
    desc = '; '.join(parts) or 'protocol not recorded'
    if e.data_protocol.get('eval_protocol'):
        desc = f"the authors' protocol `{e.data_protocol['eval_protocol']}`: " + desc
    if lr:
        desc += f'; LR `{lr}`'
        if e.data_protocol.get('lr'):
            desc += f' ({e.data_protocol["lr"]})'
    return desc


def reference_rows(plugin: str | None, model: str,
                   weights: str | None = None) -> tuple[list[dict], str | None]:
    """(rows, source) of the plugin's reference numbers that apply to ``model``; each row carries
    its full declared protocol (top level merged with the row's own). For weights converted from an
    author's release (``weights``: the declaration's name) the references are the numbers the declaration
    cites for that very model (:class:`srbench.spec.Weights`), labelled ``paper``."""
    if not plugin:
        return [], None
    from ..lookup import get_plugin
    try:
        pl = get_plugin(plugin)
        ref = pl.reference_numbers() or {}
    except (PluginError, KeyError, LookupError):
        return [], None
    if weights:
        w = next((w for w in getattr(pl, 'weights', []) if w.name == weights), None)
        if w is None:
            return [], None
        rows = [dict(label='paper', dataset=n.dataset, scale=n.scale, metrics=dict(n.metrics), note=n.table,
                     protocol=dict(channel='y', crop_border='scale')) for n in w.numbers]
        return rows, f"the numbers plugin {plugin!r} declares for its released weights {weights!r}"
    top = ref.get('protocol') or {}
    rows = []
    for r in ref.get('results') or []:
        if not isinstance(r, dict) or 'dataset' not in r or 'scale' not in r:
            continue
        if r.get('model') and r['model'] != model:
            continue
        rows.append(dict(r, protocol={**top, **(r.get('protocol') or {})}))
    return rows, ref.get('source')


def _protocol_mismatch(ref_prot: dict, ours: dict | None) -> list[str]:
    if not ref_prot:
        return []
    if not ours or all(ours.get(f) is None for f in PROTOCOL_FIELDS):
        return ['our result records no protocol']    # a results file without one: never beside them silently
    out = []
    for f in PROTOCOL_FIELDS:
        if f in ref_prot and ours.get(f) is not None and str(ref_prot[f]) != str(ours.get(f)):
            out.append(f'{f} {ref_prot[f]} (ours: {ours.get(f)})')
    return out


def _select_labels(labels: list[str], refs) -> list[str]:
    if refs is None:
        return labels
    pats = [refs] if isinstance(refs, str) else list(refs)
    if any(p.lower() == 'none' for p in pats):
        return []
    return [lb for lb in labels if any(fnmatch.fnmatchcase(lb, p) or lb == p for p in pats)]


def leaderboard_table(entries: list[Entry], metrics=None, refs=None, merge_scales: bool = True) -> Table:
    """The table of the entries of one model under one protocol: metric columns, one row per data set
    (``merge_scales``: the scales stacked in it) or per (data set, scale), each cell ours and then the
    selected references' numbers, marked where a reference's protocol differs or is not declared."""
    e0 = entries[0]
    rows_ref, ref_source = reference_rows(e0.plugin, e0.model, e0.extra.get('weights'))
    have = {k for e in entries for k in e.metrics}
    cols = [m for m in METRIC_ORDER if m in have] + sorted(have - set(METRIC_ORDER))
    if metrics:
        in_refs = {k for r in rows_ref for k in r.get('metrics', {})}
        unknown = [m for m in metrics if m not in have and m not in in_refs]
        if unknown:
            raise ConfigError(f'--metrics: {", ".join(unknown)} not in the results of {e0.model} '
                              f'(they have: {", ".join(cols) or "none"})')
        cols = list(metrics)
    ours_sets = {(_norm_dataset(e.dataset), e.scale) for e in entries}
    rows_ref = [r for r in rows_ref if (_norm_dataset(r['dataset']), int(r['scale'])) in ours_sets]
    labels = _select_labels(list(dict.fromkeys(r.get('label', 'paper') for r in rows_ref)), refs)
    ref_at = {}
    for r in rows_ref:
        ref_at.setdefault((r.get('label', 'paper'), _norm_dataset(r['dataset']), int(r['scale'])), r)

    def cell(e: Entry, metric: str) -> Cell:
        values = [Value('ours', e.metrics.get(metric))]
        for lb in labels:
            r = ref_at.get((lb, _norm_dataset(e.dataset), e.scale))
            v = (r or {}).get('metrics', {}).get(metric)
            if r is None or v is None:
                values.append(Value(lb, v))
                continue
            ours = e.protocol.get(metric) or next(iter(e.protocol.values()), None)
            values.append(Value(lb, v, mismatch='; '.join(_protocol_mismatch(r['protocol'], ours)),
                                undeclared=not r['protocol'], note=r.get('note') or ''))
        return Cell(e.dataset, e.scale, metric, values)

    by_set: dict = {}
    for e in entries:
        by_set.setdefault(e.dataset, []).append(e)
    rows = []
    for ds in sorted(by_set, key=_dataset_rank):
        es = sorted(by_set[ds], key=lambda x: x.scale)
        for group in ([es] if merge_scales else [[e] for e in es]):
            rows.append(Row(ds, [e.scale for e in group], [[cell(e, m) for e in group] for m in cols]))
    return Table(metrics=cols, rows=rows, decimals=decimals_of(cols), labels=labels, ref_source=ref_source)


def table_notes(table: Table) -> list[str]:
    """The notes under a leaderboard table, from its cells: where the references come from, which
    declare no protocol, their notes, and every number computed under another protocol (†)."""
    out = []
    if table.labels:
        src = f' from {table.ref_source}' if table.ref_source else ''
        out.append(f'Reference numbers ({", ".join(table.labels)}){src}.')
    undeclared = {v.source for c in table.cells() for v in c.values[1:] if v.undeclared}
    out += [f'{lb}: protocol not declared by the plugin (as published).' for lb in sorted(undeclared)]
    notes: dict = {}
    mismatches: dict = {}     # (label, differences, note) -> ({'Set5 x2', ...}, {metric, ...})
    for c in table.cells():
        for v in c.values[1:]:
            if v.mismatch:
                where, ms = mismatches.setdefault((v.source, v.mismatch, v.note), ({}, {}))
                where[f'{c.dataset} x{c.scale}'] = ms[c.metric] = None
            elif v.note:
                notes[f'{v.source}, {c.dataset} x{c.scale}: {v.note}'] = None
    out += list(notes)
    for (lb, diff, note), (where, ms) in mismatches.items():
        out.append(f'{MISMATCH} {lb}, {", ".join(where)} ({", ".join(ms)}): computed under another protocol: '
                   f'{diff}' + (f' -- {note}' if note else ''))
    return out


def group_entries(entries: list[Entry]) -> tuple[list[list[Entry]], list[str]]:
    """Entries grouped by (model, plugin, protocol signature); within a group one entry per
    (data set, scale) -- the newest when several files have it (noted)."""
    groups: dict = {}
    notes = []
    for e in entries:
        g = groups.setdefault((e.model, e.plugin, protocol_signature(e)), {})
        key = (_norm_dataset(e.dataset), e.scale)
        old = g.get(key)
        if old is not None:
            keep, drop = (e, old) if e.date >= old.date else (old, e)
            notes.append(f'{e.model} {e.dataset} x{e.scale}: results in {old.source} and {e.source}; '
                         f'showing the newer ({keep.source}, {keep.date})')
            g[key] = keep
        else:
            g[key] = e
    return [list(g.values()) for g in groups.values()], notes


@dataclass
class Section:
    """One model under one protocol: its table and what is said around it."""
    model: str
    plugin: str | None
    protocol: str                  # describe_protocol() of its entries
    protocol_name: str | None      # of its first metric (shown in the heading when a model has several)
    lr_protocol: str | None
    several_protocols: bool        # the model has other sections (other protocols)
    table: Table
    sources: list[str]             # the results files of its entries
    eval_protocol: str | None = None   # the authors' protocol by name (shown in the heading when several)


@dataclass
class Board:
    """A leaderboard: a section per (model, protocol), and notes about the results as a whole."""
    title: str
    sections: list[Section]
    notes: list[str] = field(default_factory=list)


def build_board(results, metrics=None, refs=None, merge_scales: bool = True,
                title: str = 'Leaderboard') -> Board:
    """The leaderboard of one or more results (paths of results JSONs, :class:`srbench.results.Results`,
    or dicts as ``srbench.apis.test`` returns them). ``metrics``: metric columns (default: all found);
    ``refs``: reference labels or glob patterns to show (default: all; ``'none'``: none);
    ``merge_scales``: the seed's layout (scales stacked in one row per data set) or one row per scale."""
    entries = []
    for i, r in enumerate(expand_results(results)):
        if isinstance(r, (dict, Results)):
            out = r.get('out') if isinstance(r, dict) else r.extra.get('out')
            source = str(out or f'results[{i}]')
            entries += entries_of(as_results(r, source=f'results {source}'), source=source)
        else:
            entries += entries_of(load_results(r), source=str(r))
    if not entries:
        raise DataError('the results hold no (data set, scale) result to tabulate')
    groups, notes = group_entries(entries)
    counts: dict = {}
    for g in groups:
        counts[(g[0].model, g[0].plugin)] = counts.get((g[0].model, g[0].plugin), 0) + 1
    sections = []
    for g in groups:
        e0 = g[0]
        sections.append(Section(
            model=e0.model, plugin=e0.plugin, protocol=describe_protocol(e0),
            protocol_name=next(iter(e0.protocol.values()), {}).get('name'),
            lr_protocol=e0.data_protocol.get('lr_protocol'),
            several_protocols=counts[(e0.model, e0.plugin)] > 1,
            table=leaderboard_table(g, metrics, refs, merge_scales),
            sources=list(dict.fromkeys(e.source for e in g)),
            eval_protocol=e0.data_protocol.get('eval_protocol')))
    return Board(title=title, sections=sections, notes=notes)


def render_board(board: Board, tablefmt: str = 'github') -> str:
    """The leaderboard as markdown: a heading per section, its protocol, table, notes and sources."""
    out = [f'# {board.title}', '']
    for s in board.sections:
        head = f'## {s.model}' + (f' (plugin `{s.plugin}`)' if s.plugin else '')
        if s.several_protocols:
            head += (f" -- the authors' protocol `{s.eval_protocol}`" if s.eval_protocol
                     else f' -- protocol `{s.protocol_name}`, LR `{s.lr_protocol}`')
        tnotes = table_notes(s.table)
        out += [head, '', f'Protocol: {s.protocol}.', '', render(s.table, tablefmt), '']
        out += [f'- {n}' for n in tnotes] + ([''] if tnotes else [])
        out += [f'Results: {", ".join(s.sources)}.', '']
    if board.notes:
        out += ['## Notes', ''] + [f'- {n}' for n in board.notes] + ['']
    return '\n'.join(out).rstrip() + '\n'


def build_leaderboard(results, metrics=None, refs=None, merge_scales: bool = True, tablefmt: str = 'github',
                      title: str = 'Leaderboard') -> str:
    """Markdown of one or more results: :func:`build_board`, then :func:`render_board`."""
    return render_board(build_board(results, metrics, refs, merge_scales, title), tablefmt)


def leaderboard(results, out=None, **kwargs) -> str:
    """What ``tools/leaderboard.py`` calls: the markdown (also written to ``out`` if given)."""
    md = build_leaderboard(results, **kwargs)
    if out:
        write_text_atomic(md, out)
    return md


# -- summary tables: one per (data set, scale, protocol), one row per model ---------------------------------
SUMMARY_BEGIN = '<!-- srbench:leaderboard:begin -->'
SUMMARY_END = '<!-- srbench:leaderboard:end -->'
HIGHER_IS_BETTER = ('PSNR', 'SSIM', 'IFC', 'MS-SSIM', 'VIF', 'FSIM')
FORMATS = ('md', 'csv', 'json')


@dataclass
class SummaryRow:
    """One model on one (data set, scale) under one protocol, with its cost and how it was trained."""
    model: str
    plugin: str | None
    metrics: dict
    params: int | None = None
    macs: int | None = None            # per 720p output (complexity.macs_for), this scale
    runtime: float | None = None       # seconds per image (median)
    device: str | None = None
    train_data: str | None = None
    iters: int | None = None
    source: str = ''
    paper: dict | None = None          # the paper's numbers of this data set and scale (_paper_numbers)


@dataclass
class SummaryTable:
    """The models on one data set at one scale under one protocol (numbers of different protocols never
    share a table: two protocols give two tables)."""
    dataset: str
    scale: int
    protocol: str
    metrics: list
    rows: list
    decimals: dict
    macs_for: list | None = None
    paper: bool = False                # a Paper column (build_summary(paper=True))
    eval_protocol: str | None = None   # the authors' protocol by name, when the results name one

    def best(self, metric: str):
        """The best value of a metric column (max for the metrics in :data:`HIGHER_IS_BETTER`, else min);
        None when no row has a number."""
        vals = [r.metrics.get(metric) for r in self.rows]
        vals = [v for v in vals if isinstance(v, float) and v == v]
        if not vals:
            return None
        return max(vals) if str(metric).split('/')[-1] in HIGHER_IS_BETTER else min(vals)


def _match(value, patterns) -> bool:
    return any(fnmatch.fnmatchcase(str(value).lower(), str(p).lower()) for p in patterns)


def _summary_extras(res) -> dict:
    """params, MACs per scale, training data and iterations of a results file (None where absent)."""
    cx = res.complexity or {}
    tr = res.training or {}
    return dict(params=cx.get('params', res.model.params), macs=cx.get('macs') or {},
                macs_for=cx.get('macs_for'), train_data=tr.get('data'), iters=tr.get('iters'))


def _released_trained_on(plugin: str | None, weights: str | None) -> str | None:
    """The training data a plugin declares for its released weights ``weights`` (``Weights.trained_on``)."""
    if not (plugin and weights):
        return None
    from ..lookup import get_plugin
    try:
        pl = get_plugin(plugin)
    except (PluginError, KeyError, LookupError):
        return None
    w = next((w for w in getattr(pl, 'weights', []) if w.name == weights), None)
    return (w.trained_on or None) if w is not None else None


def _is_paper_label(label: str) -> bool:
    """``paper``, or ``paper (<variant>)`` as plugins label their papers' rows (``'paper (91 images)'``)."""
    return label == 'paper' or label.startswith('paper ') or label.startswith('paper(')


def _paper_numbers(e: Entry, cache: dict) -> dict | None:
    """The paper's numbers for an entry's (data set, scale): for released weights those their declaration
    cites, else the first row of the plugin's paper.json for the model whose label is ``paper`` or
    ``paper (...)``. ``{'metrics', 'label', 'mismatch' (how its declared protocol differs from ours, '' if
    not), 'undeclared' (it declares none)}``; None when there is none."""
    key = (e.plugin, e.model, e.extra.get('weights'))
    if key not in cache:
        cache[key] = reference_rows(*key)[0]
    for r in cache[key]:
        label = str(r.get('label', 'paper'))
        if not _is_paper_label(label) or (_norm_dataset(r['dataset']), int(r['scale'])) != \
                (_norm_dataset(e.dataset), e.scale):
            continue
        ms = {k: v for k, v in (r.get('metrics') or {}).items() if isinstance(v, (int, float))}
        if not ms:
            continue
        ours = next(iter(e.protocol.values()), None)
        return dict(metrics=ms, label=label, undeclared=not r['protocol'],
                    mismatch='; '.join(_protocol_mismatch(r['protocol'], ours)) if r['protocol'] else '')
    return None


def build_summary(results, datasets=None, scales=None, models=None, metrics=None,
                  paper: bool = False) -> list[SummaryTable]:
    """Summary tables of one or more results (as :func:`build_board` takes them): one per (data set, scale,
    protocol), one row per model (the newest result when several files have it). ``datasets``, ``models``:
    names or glob patterns (case-insensitive); ``scales``: integers; ``metrics``: the metric columns;
    ``paper``: add the paper's numbers of each model (:func:`_paper_numbers`) in a Paper column. Released
    weights without recorded training data get the training data their declaration names."""
    loaded = []
    for i, r in enumerate(expand_results(results)):
        if isinstance(r, (dict, Results)):
            out = r.get('out') if isinstance(r, dict) else r.extra.get('out')
            source = str(out or f'results[{i}]')
            loaded.append((as_results(r, source=f'results {source}'), source))
        else:
            loaded.append((load_results(r), str(r)))
    groups: dict = {}
    ref_cache: dict = {}
    for res, source in loaded:
        extras = _summary_extras(res)
        by_key = {(row.dataset, row.scale): row for row in res.results}
        for e in entries_of(res, source=source):
            if datasets and not (_match(e.dataset, datasets)
                                 or _norm_dataset(e.dataset) in {_norm_dataset(d) for d in datasets}):
                continue
            if scales and e.scale not in {int(s) for s in scales}:
                continue
            if models and not _match(e.model, models):
                continue
            rt = by_key[(e.dataset, e.scale)].runtime or {}
            train_data = extras['train_data']
            if train_data is None and e.extra.get('weights'):
                trained_on = _released_trained_on(e.plugin, e.extra['weights'])
                train_data = f'released: {trained_on}' if trained_on else None
            row = SummaryRow(model=e.model, plugin=e.plugin, metrics=e.metrics, params=extras['params'],
                             macs=extras['macs'].get(str(e.scale)), runtime=rt.get('seconds_per_image'),
                             device=rt.get('device'), train_data=train_data, iters=extras['iters'],
                             source=source)
            if paper:
                row.paper = _paper_numbers(e, ref_cache)
            key = (_norm_dataset(e.dataset), e.scale, protocol_signature(e))
            g = groups.setdefault(key, dict(entry=e, rows={}, macs_for=extras['macs_for']))
            old = g['rows'].get(e.model)
            if old is None or e.date >= old[0]:
                g['rows'][e.model] = (e.date, row)
    if not groups:
        raise DataError('no result matches the filters' if (datasets or scales or models)
                        else 'the results hold no (data set, scale) result to tabulate')
    tables = []
    # data sets in DATASET_ORDER, scales ascending; of the protocols of one (data set, scale), the one with
    # the most models first
    for key in sorted(groups, key=lambda k: (_dataset_rank(groups[k]['entry'].dataset), k[1],
                                             -len(groups[k]['rows']))):
        g = groups[key]
        rows = [r for _, r in g['rows'].values()]
        have = {m for r in rows for m in r.metrics}
        cols = list(metrics) if metrics else \
            [m for m in METRIC_ORDER if m in have] + sorted(have - set(METRIC_ORDER))

        def first(r):
            v = r.metrics.get(cols[0]) if cols else None
            return v if isinstance(v, float) and v == v else float('-inf')
        rows.sort(key=lambda r: (-first(r), r.model))
        e = g['entry']
        tables.append(SummaryTable(dataset=e.dataset, scale=e.scale, protocol=describe_protocol(e),
                                   metrics=cols, rows=rows, decimals=decimals_of(cols),
                                   macs_for=g['macs_for'], paper=bool(paper),
                                   eval_protocol=e.data_protocol.get('eval_protocol')))
    return tables


def _fmt_count(n, unit: str) -> str:
    """12464 -> '12.5K', 526385152 -> '0.53G' style (K for parameters, G for MACs)."""
    if n is None:
        return '-'
    if unit == 'G':
        return f'{n / 1e9:.2f}G'
    return f'{n / 1e6:.2f}M' if n >= 1e6 else (f'{n / 1e3:.1f}K' if n >= 1e3 else str(n))


def summary_header(t: SummaryTable) -> list[str]:
    macs = 'MACs' + (f' ({t.macs_for[1]}x{t.macs_for[0]} out)' if t.macs_for else '')
    paper = [f'Paper {" / ".join(t.metrics)}'] if t.paper else []
    return ['Model'] + list(t.metrics) + paper + ['Params', macs, 'Runtime (s/img)', 'Training data',
                                                  'Iterations']


def paper_cell(t: SummaryTable, row: SummaryRow) -> str:
    """The paper's numbers of a row, ``/``-joined in the order of the metric columns ('-' where the paper
    gives none), marked with a dagger where the paper's declared protocol differs from ours."""
    if not row.paper:
        return '-'
    ms = row.paper['metrics']
    s = ' / '.join(fmt_value(m, ms[m], t.decimals[m]) if ms.get(m) is not None else '-' for m in t.metrics)
    return s + (f' {MISMATCH}' if row.paper['mismatch'] else '')


def summary_cells(t: SummaryTable, row: SummaryRow, bold: bool) -> list[str]:
    cells = [row.model]
    for m in t.metrics:
        v = row.metrics.get(m)
        s = fmt_value(m, v, t.decimals[m])
        cells.append(f'**{s}**' if bold and v is not None and v == t.best(m) and len(t.rows) > 1 else s)
    if t.paper:
        cells.append(paper_cell(t, row))
    cells += [_fmt_count(row.params, 'K'), _fmt_count(row.macs, 'G'),
              '-' if row.runtime is None else f'{row.runtime:.3g}', row.train_data or '-',
              '-' if row.iters is None else str(row.iters)]
    return cells


def summary_notes(t: SummaryTable) -> list[str]:
    """The lines under a summary table: its protocol, and the devices the runtimes were measured on."""
    out = [f'Protocol: {t.protocol}.']
    if t.paper:
        out.append('Paper: the numbers the model\'s plugin cites (released weights: their declaration\'s, '
                   '`srbench convert --list`); - where it cites none.')
        for r in t.rows:
            if not r.paper:
                continue
            said = [f'its plugin\'s row {r.paper["label"]!r}'] if r.paper['label'] != 'paper' else []
            if r.paper['mismatch']:
                said.append(f'under another protocol: {r.paper["mismatch"]}')
            elif r.paper['undeclared']:
                said.append('protocol not declared by the plugin (as published)')
            if said:
                mark = f'{MISMATCH} ' if r.paper['mismatch'] else ''
                out.append(f'{mark}{r.model}, Paper: {"; ".join(said)}.')
    devices = sorted({r.device for r in t.rows if r.device})
    if devices:
        out.append('Runtime: network forward per image, median, on ' + '; '.join(devices)
                   + (' (different devices: not comparable)' if len(devices) > 1 else '') + '.')
    return out


def render_summary(tables: list[SummaryTable], fmt: str = 'md', title: str | None = 'Summary') -> str:
    """The summary tables as markdown (best values in bold, the protocol under every table), CSV (one header,
    a row per model, data set, scale; the protocol in a column) or JSON."""
    if fmt not in FORMATS:
        raise ConfigError(f'--format must be one of {", ".join(FORMATS)}, got {fmt!r}')
    if fmt == 'json':
        import json
        obj = [dict(dataset=t.dataset, scale=t.scale, protocol=t.protocol, metrics=t.metrics,
                    macs_for=t.macs_for, best={m: t.best(m) for m in t.metrics},
                    rows=[dict(model=r.model, plugin=r.plugin,
                               metrics={m: r.metrics.get(m) for m in t.metrics}, params=r.params,
                               macs=r.macs, runtime=r.runtime, device=r.device,
                               train_data=r.train_data, iters=r.iters, source=r.source,
                               **(dict(paper=r.paper) if t.paper else {})) for r in t.rows])
               for t in tables]
        from ..results import json_safe
        return json.dumps(json_safe(obj), indent=1) + '\n'
    if fmt == 'csv':
        import csv
        import io
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator='\n')
        metrics = list(dict.fromkeys(m for t in tables for m in t.metrics))
        paper = [f'paper_{m}' for m in metrics] if any(t.paper for t in tables) else []
        w.writerow(['dataset', 'scale', 'model'] + metrics + paper
                   + ['params', 'macs', 'macs_for', 'runtime_s', 'device', 'train_data', 'iters', 'protocol'])
        for t in tables:
            for r in t.rows:
                w.writerow([t.dataset, t.scale, r.model]
                           + [fmt_value(m, r.metrics.get(m), t.decimals[m]) if m in t.metrics else ''
                              for m in metrics]
                           + [fmt_value(m, r.paper['metrics'][m], t.decimals[m])
                              if m in t.metrics and r.paper and r.paper['metrics'].get(m) is not None else ''
                              for m in (metrics if paper else [])]
                           + ['' if r.params is None else r.params, '' if r.macs is None else r.macs,
                              'x'.join(str(v) for v in reversed(t.macs_for)) if t.macs_for else '',
                              '' if r.runtime is None else f'{r.runtime:.6g}', r.device or '',
                              r.train_data or '', '' if r.iters is None else r.iters, t.protocol])
        return buf.getvalue()
    from tabulate import tabulate
    out = [f'# {title}', ''] if title else []
    counts: dict = {}
    for t in tables:
        counts[(t.dataset, t.scale)] = counts.get((t.dataset, t.scale), 0) + 1
    seen: dict = {}
    for t in tables:
        n = seen[(t.dataset, t.scale)] = seen.get((t.dataset, t.scale), 0) + 1
        several = counts[(t.dataset, t.scale)] > 1
        head = f'## {t.dataset} x{t.scale}' + (
            '' if not several else f' (protocol `{t.eval_protocol}`)' if t.eval_protocol
            else f' (protocol {n} of {counts[(t.dataset, t.scale)]})')
        out += [head, '', tabulate([summary_cells(t, r, True) for r in t.rows], headers=summary_header(t),
                                   tablefmt='github', disable_numparse=True), '']
        out += summary_notes(t) + ['']
    return '\n'.join(out).rstrip() + '\n'


def replace_marked_section(text: str, section: str, begin: str = SUMMARY_BEGIN, end: str = SUMMARY_END,
                           name: str = 'file') -> str:
    """``text`` with what lies between the ``begin`` and ``end`` marker lines replaced by ``section`` (the
    markers stay); a missing, repeated or misordered marker is a DataError naming ``name``."""
    nb, ne = text.count(begin), text.count(end)
    if nb != 1 or ne != 1:
        raise DataError(f'{name}: expected one {begin} and one {end} line (the section to update), found '
                        f'{nb} and {ne}')
    i, j = text.index(begin), text.index(end)
    if j < i:
        raise DataError(f'{name}: {end} comes before {begin}')
    return text[:i + len(begin)] + '\n' + section.rstrip('\n') + '\n' + text[j:]


def update_markdown(path, section: str) -> None:
    """Rewrite the marked section of a markdown file in place, atomically (:func:`replace_marked_section`)."""
    from pathlib import Path
    p = Path(path)
    if not p.is_file():
        raise DataError(f'--update: {p} does not exist')
    write_text_atomic(replace_marked_section(p.read_text(encoding='utf-8'), section, name=str(p)), p)


def summary(results, fmt: str = 'md', out=None, datasets=None, scales=None, models=None, metrics=None,
            update=None, title: str | None = 'Summary', paper: bool = False) -> str:
    """What ``tools/leaderboard.py --summary`` calls: the summary tables as ``fmt`` (md, csv, json), written
    to ``out`` (atomically) or, with ``update``, into the marked section of that markdown file (md only)."""
    text = render_summary(build_summary(results, datasets, scales, models, metrics, paper=paper), fmt,
                          title=None if update else title)
    if update:
        if fmt != 'md':
            raise ConfigError('--update rewrites a markdown section: use --format md')
        update_markdown(update, text)
    if out:
        write_text_atomic(text, out)
    return text
