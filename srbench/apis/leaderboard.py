"""The leaderboard: markdown tables (tabulate) of results JSONs written by ``tools/test.py``, in the
seed README's layout -- ``Dataset | Scale | PSNR | SSIM | IFC``, one row per data set with the scales
stacked in the cell (``x2<br />x3<br />x4``), and ``ours/paper`` where the model's plugin has
reference numbers (``plugins/<name>/paper.json``, read through ``Plugin.reference_numbers()``).

Everything is driven by the data: the metric columns are the metrics present in the results (or in
the references), ordered by :data:`METRIC_ORDER`, formatted by :data:`METRIC_DECIMALS`; data sets are
ordered by :data:`DATASET_ORDER`; reference columns are the reference labels found for the model.

Numbers of different protocols are never compared silently:

* results are grouped by model *and* protocol signature (every metric's protocol name, channel and
  crop border, and the data's LR protocol): two protocols give two tables;
* a reference row may declare its protocol (``"protocol": {...}`` at the top of paper.json or in the
  row: ``name``, ``channel``, ``crop_border`` (``"scale"`` or a number), ``lr_protocol``); a declared
  field that differs from ours marks the number with ``†`` and a footnote says how it differs.
  References that declare nothing are listed as "protocol not declared" under the table.
"""
from __future__ import annotations

import fnmatch
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError, DataError, PluginError
from ..utils.atomic import write_text_atomic

RESULTS_FORMAT_PREFIX = 'srbench-results/'
METRIC_ORDER = ['PSNR', 'SSIM', 'IFC']
METRIC_DECIMALS = {'PSNR': 2, 'SSIM': 4, 'IFC': 2}
DEFAULT_DECIMALS = 4
DATASET_ORDER = ['Set5', 'Set14', 'BSD100', 'Urban100', 'Manga109', 'BSD200', 'General100', 'DIV2K']
DATASET_ALIASES = {'b100': 'bsd100', 'bsds100': 'bsd100', 'urban': 'urban100', 'u100': 'urban100'}
PROTOCOL_FIELDS = ('name', 'channel', 'crop_border', 'lr_protocol')
MISMATCH = '†'


def fmt_value(metric: str, v) -> str:
    """A metric value as the tables print it ('-' when missing)."""
    if v is None:
        return '-'
    if isinstance(v, str):
        return v
    if v != v:   # NaN
        return 'nan'
    if v in (float('inf'), float('-inf')):
        return 'inf' if v > 0 else '-inf'
    return f'{v:.{METRIC_DECIMALS.get(metric.split("/")[-1], DEFAULT_DECIMALS)}f}'


def _norm_dataset(name: str) -> str:
    n = str(name).lower()
    return DATASET_ALIASES.get(n, n)


def _dataset_rank(name: str):
    order = [_norm_dataset(d) for d in DATASET_ORDER]
    n = _norm_dataset(name)
    return (order.index(n), '') if n in order else (len(order), n)


@dataclass
class Entry:
    """One (model, data set, scale) result of a results JSON."""
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


def load_results(path) -> dict:
    """A results JSON of ``tools/test.py``, checked; one DataError naming the file otherwise."""
    p = Path(os.path.expanduser(str(path)))
    if not p.is_file():
        raise DataError(f'results file does not exist: {p}')
    try:
        with open(p, encoding='utf-8') as f:
            r = json.load(f)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise DataError(f'results file {p} is not valid JSON: {e}') from None
    fmt = r.get('format') if isinstance(r, dict) else None
    if not isinstance(fmt, str) or not fmt.startswith(RESULTS_FORMAT_PREFIX):
        raise DataError(f'{p} is not an srbench results file (expected "format": "{RESULTS_FORMAT_PREFIX}1", '
                        f'the JSON that tools/test.py writes)')
    if not isinstance(r.get('results'), list) or not isinstance(r.get('model'), dict):
        raise DataError(f'results file {p} has no "model" / "results" list')
    return r


def _norm_border(v, scale):
    if v in (None, 'scale') or (isinstance(v, (int, float)) and scale is not None and v == scale):
        return 'scale'
    return v


def entries_of(results: dict, source: str = '?') -> list[Entry]:
    """The (data set, scale) entries of one results dict."""
    m = results['model']
    out = []
    for i, row in enumerate(results['results']):
        try:
            ds, scale, metrics = row['dataset'], int(row['scale']), dict(row['metrics'])
        except (KeyError, TypeError, ValueError):
            raise DataError(f'results file {source}: results[{i}] lacks dataset / scale / metrics') from None
        prot = row.get('protocol') or {}
        data = prot.get('data') or {}
        per_metric = {}
        for k, p in (prot.get('metrics') or {}).items():
            per_metric[k] = dict(name=p.get('name'), channel=p.get('channel'),
                                 crop_border=_norm_border(p.get('crop_border'), scale),
                                 lr_protocol=data.get('lr_protocol'))
        metrics = {k: (float(v) if isinstance(v, (int, float)) else v) for k, v in metrics.items()
                   if not k.endswith('_num_inf')}
        out.append(Entry(model=m.get('generator') or m.get('type') or '?', plugin=m.get('plugin'), dataset=ds,
                         scale=scale, metrics=metrics, protocol=per_metric, data_protocol=data, source=source,
                         date=str(results.get('date') or '')))
    return out


def protocol_signature(e: Entry) -> tuple:
    """What must be equal for two entries to share a table."""
    return tuple(sorted((k, tuple(str(p.get(f)) for f in PROTOCOL_FIELDS)) for k, p in e.protocol.items())) \
        + (('lr', str(e.data_protocol.get('lr_protocol'))),)


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
    if lr:
        desc += f'; LR `{lr}`'
        if e.data_protocol.get('lr'):
            desc += f' ({e.data_protocol["lr"]})'
    return desc


def reference_rows(plugin: str | None, model: str) -> tuple[list[dict], str | None]:
    """(rows, source) of the plugin's reference numbers that apply to ``model``; each row carries
    its full declared protocol (top level merged with the row's own)."""
    if not plugin:
        return [], None
    from ..lookup import get_plugin
    try:
        ref = get_plugin(plugin).reference_numbers() or {}
    except (PluginError, KeyError, LookupError):
        return [], None
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
    if not ref_prot or not ours:
        return []
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


def build_table(entries: list[Entry], metrics=None, refs=None, merge_scales: bool = True,
                tablefmt: str = 'github') -> tuple[str, list[str]]:
    """(markdown table, notes) of the entries of one model under one protocol."""
    from tabulate import tabulate
    e0 = entries[0]
    rows_ref, ref_source = reference_rows(e0.plugin, e0.model)
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
    notes, undeclared = {}, set()
    mismatches: dict = {}     # (label, differences, note) -> ({'Set5 x2', ...}, {metric, ...})

    def cell(e: Entry, metric: str) -> str:
        vals = [fmt_value(metric, e.metrics.get(metric))]
        for lb in labels:
            r = ref_at.get((lb, _norm_dataset(e.dataset), e.scale))
            v = (r or {}).get('metrics', {}).get(metric)
            s = fmt_value(metric, v)
            if r is not None and v is not None:
                if not r['protocol']:
                    undeclared.add(lb)
                ours = e.protocol.get(metric) or next(iter(e.protocol.values()), None)
                diff = _protocol_mismatch(r['protocol'], ours)
                if diff:
                    s += MISMATCH
                    where, ms = mismatches.setdefault((lb, '; '.join(diff), r.get('note') or ''), ({}, {}))
                    where[f'{e.dataset} x{e.scale}'] = ms[metric] = None
                elif r.get('note'):
                    notes[f'{lb}, {e.dataset} x{e.scale}: {r["note"]}'] = None
            vals.append(s)
        return '/'.join(vals)

    by_set: dict = {}
    for e in entries:
        by_set.setdefault(e.dataset, []).append(e)
    table = []
    for ds in sorted(by_set, key=_dataset_rank):
        es = sorted(by_set[ds], key=lambda x: x.scale)
        if merge_scales:
            table.append([ds, '<br />'.join(f'x{e.scale}' for e in es)]
                         + ['<br />'.join(cell(e, m) for e in es) for m in cols])
        else:
            table.extend([ds, f'x{e.scale}'] + [cell(e, m) for m in cols] for e in es)
    suffix = f' ({"/".join(["ours"] + labels)})' if labels else ''
    headers = ['Dataset', 'Scale'] + [f'{m}{suffix}' for m in cols]
    md = tabulate(table, headers=headers, tablefmt=tablefmt, disable_numparse=True)
    out = []
    if labels:
        src = f' from {ref_source}' if ref_source else ''
        out.append(f'Reference numbers ({", ".join(labels)}){src}.')
    out += [f'{lb}: protocol not declared by the plugin (as published).' for lb in sorted(undeclared)]
    out += list(notes)
    for (lb, diff, note), (where, ms) in mismatches.items():
        out.append(f'{MISMATCH} {lb}, {", ".join(where)} ({", ".join(ms)}): computed under another protocol: '
                   f'{diff}' + (f' -- {note}' if note else ''))
    return md, out


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


def build_leaderboard(results, metrics=None, refs=None, merge_scales: bool = True, tablefmt: str = 'github',
                      title: str = 'Leaderboard') -> str:
    """Markdown of one or more results (paths of results JSONs, or dicts as ``srbench.apis.test``
    returns them). ``metrics``: metric columns (default: all found); ``refs``: reference labels or
    glob patterns to show (default: all; ``'none'``: none); ``merge_scales``: the seed's layout
    (scales stacked in one row per data set) or one row per scale."""
    entries = []
    for i, r in enumerate(results if isinstance(results, (list, tuple)) else [results]):
        if isinstance(r, dict):
            entries += entries_of(r, source=str(r.get('out') or f'results[{i}]'))
        else:
            entries += entries_of(load_results(r), source=str(r))
    if not entries:
        raise DataError('the results hold no (data set, scale) result to tabulate')
    groups, notes = group_entries(entries)
    counts: dict = {}
    for g in groups:
        counts[(g[0].model, g[0].plugin)] = counts.get((g[0].model, g[0].plugin), 0) + 1
    out = [f'# {title}', '']
    for g in groups:
        e0 = g[0]
        head = f'## {e0.model}' + (f' (plugin `{e0.plugin}`)' if e0.plugin else '')
        if counts[(e0.model, e0.plugin)] > 1:
            head += f' -- protocol `{next(iter(e0.protocol.values()), {}).get("name")}`, ' \
                    f'LR `{e0.data_protocol.get("lr_protocol")}`'
        md, tnotes = build_table(g, metrics, refs, merge_scales, tablefmt)
        sources = ', '.join(dict.fromkeys(e.source for e in g))
        out += [head, '', f'Protocol: {describe_protocol(e0)}.', '', md, '']
        out += [f'- {n}' for n in tnotes] + ([''] if tnotes else [])
        out += [f'Results: {sources}.', '']
    if notes:
        out += ['## Notes', ''] + [f'- {n}' for n in notes] + ['']
    return '\n'.join(out).rstrip() + '\n'


def leaderboard(results, out=None, **kwargs) -> str:
    """What ``tools/leaderboard.py`` calls: the markdown (also written to ``out`` if given)."""
    md = build_leaderboard(results, **kwargs)
    if out:
        write_text_atomic(md, out)
    return md
