"""The results JSON that ``tools/test.py`` writes and ``tools/leaderboard.py`` reads: its one definition.

A results file is one test run of one model (format ``srbench-results/1``)::

    {"format": "srbench-results/1",            # name/version of this schema (FORMAT_NAME/FORMAT_VERSION)
     "srbench_version": "0.1.0", "date": "2026-11-30T23:03:00+00:00",   # ISO 8601, UTC
     "git_commit": "<sha>[-dirty]" | null, "config_path": "/abs/path/config.py",
     "model": {"type", "generator", "plugin", "plugin_version", "distribution",
               "input_kind", "channels", "scales": [...], "multiscale", "params"},
     "checkpoint": {"path", "sha256"} | null,  # null for weight-free models (Bicubic)
     "results": [                              # one per (data set, scale) that was evaluated
        {"dataset": "Set5", "scale": 2, "num_images": 5,
         "metrics": {"PSNR": 33.64, "SSIM": 0.9292, ...},       # data-set means (+ "<m>_num_inf")
         "protocol": {"metrics": {"PSNR": {"name", "channel", "crop_border", ...}, ...},
                      "data": {"lr_protocol", "lr", "hr", "channels", "input"}},
         "per_image": [{"name": "baby", "PSNR": 37.03, ...}, ...],
         "runtime": {"seconds_per_image", "mean", "per_image": [...], "device", "images", "measures"}
                    | absent},              # network forward time per image (optional, new in 0.1)
     "inference": {"tile", "tile_overlap", "self_ensemble"} | absent,   # how the network ran (optional)
     "complexity": {"params", "weights", "macs": {"2": n, ...}, "macs_for", "counter"} | absent,
     "training": {"data", "iters", "max_iters"} | absent,      # what the weights were trained on (optional)
     "skipped": ["BSD100 x2", ...],            # test sets that were missing (skip_missing)
     "config": {...}}                          # the full config as run

Non-finite numbers are written as the strings ``"inf"``, ``"-inf"``, ``"nan"`` (JSON has no such numbers);
reading turns them back into floats in ``metrics`` (:meth:`SetResult.values` does it for per-image rows).

Compatibility rule:

* Readers accept ``srbench-results/N`` for every N from 1 to :data:`FORMAT_VERSION` (older shapes are
  upgraded on reading) and refuse a newer N (a DataError saying srbench is too old).
* Adding a field does not change the version: a new field gets a default (old files read with it), and
  fields this srbench does not know are kept (``extra``) and written back unchanged, so a file survives a
  read/write round trip through an older srbench. The version changes only when a field is removed,
  renamed, or changes its type or meaning.
* To add a field: add it to the dataclass below with a default and a check (``_field``); nothing else.

Loading checks the whole file and raises one :class:`~srbench.errors.DataError` naming the file and the
first problem (``results file X: results[2].scale: expected an integer, got 'two'``).
"""
from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Callable

from .errors import DataError

FORMAT_NAME = 'srbench-results'
FORMAT_VERSION = 1
RESULTS_FORMAT = f'{FORMAT_NAME}/{FORMAT_VERSION}'
_FORMAT_RE = re.compile(rf'^{re.escape(FORMAT_NAME)}/(\d+)$')
_SPECIAL = {'inf': math.inf, '-inf': -math.inf, 'nan': math.nan}


class _Bad(Exception):
    """A problem at ``where`` (a path in the JSON, e.g. ``results[2].scale``)."""

    def __init__(self, where: str, what: str):
        super().__init__(f'{where}: {what}' if where else what)


def _kind(v) -> str:
    return 'null' if v is None else f'{type(v).__name__} {v!r}' if not isinstance(v, (dict, list)) \
        else ('an object' if isinstance(v, dict) else 'a list')


def _at(where: str, key) -> str:
    return f'{where}[{key}]' if isinstance(key, int) else (f'{where}.{key}' if where else str(key))


# -- checks: each takes (value, where) and returns the value as the dataclass holds it -------------------
def _opt(check: Callable) -> Callable:
    return lambda v, where: None if v is None else check(v, where)


def _str(v, where):
    if not isinstance(v, str):
        raise _Bad(where, f'expected a string, got {_kind(v)}')
    return v


def _int(v, where):
    """An integer (an integral float or a string of digits, as older hand-made files have, too)."""
    if isinstance(v, bool):
        raise _Bad(where, f'expected an integer, got {_kind(v)}')
    if isinstance(v, int):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, str) and v.strip().isdigit():
        return int(v)
    raise _Bad(where, f'expected an integer, got {_kind(v)}')


def _bool(v, where):
    if not isinstance(v, bool):
        raise _Bad(where, f'expected true or false, got {_kind(v)}')
    return v


def _dict(v, where):
    if not isinstance(v, dict):
        raise _Bad(where, f'expected an object, got {_kind(v)}')
    return dict(v)


def _list_of(check: Callable) -> Callable:
    def f(v, where):
        if not isinstance(v, list):
            raise _Bad(where, f'expected a list, got {_kind(v)}')
        return [check(x, _at(where, i)) for i, x in enumerate(v)]
    return f


def _dict_of(check: Callable) -> Callable:
    def f(v, where):
        return {str(k): check(x, _at(where, k)) for k, x in _dict(v, where).items()}
    return f


def number(v):
    """A metric value as srbench holds it: a float (``'inf'``/``'-inf'``/``'nan'`` as written in the
    JSON become floats); any other string is kept as is; anything else is returned unchanged."""
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, str) and v in _SPECIAL:
        return _SPECIAL[v]
    return v


def _metric_value(v, where):
    """A number (null: no value, printed as '-'; another string is kept and printed as it is)."""
    v = number(v)
    if v is not None and (not isinstance(v, (float, str)) or isinstance(v, bool)):
        raise _Bad(where, f'expected a number, got {_kind(v)}')
    return v


def _record(cls) -> Callable:
    return lambda v, where: cls.from_dict(v, where)


def _field(check: Callable, default=None, factory=None, required: str = '', omit_none: bool = False) -> Any:
    """A dataclass field of a record: ``check`` normalises/validates the JSON value; ``required`` says
    what is expected when the key is missing (such a field has no default unless ``factory`` gives one;
    an optional field takes its default). ``omit_none``: not written while None (fields added later: a file
    without them is written back as it was read)."""
    meta = dict(check=check, required=required, omit_none=omit_none)
    if factory is not None:
        return field(default_factory=factory, metadata=meta)
    if required:
        return field(metadata=meta)
    return field(default=default, metadata=meta)


class _Record:
    """JSON <-> dataclass for the records below; unknown keys are kept in ``extra``."""

    @classmethod
    def from_dict(cls, d, where: str = ''):
        if not isinstance(d, dict):
            raise _Bad(where, f'expected an object, got {_kind(d)}')
        known = {f.name: f for f in fields(cls) if f.name != 'extra'}
        kw = {}
        for name, f in known.items():
            if name in d:
                kw[name] = f.metadata['check'](d[name], _at(where, name))
            elif f.metadata['required']:
                raise _Bad(_at(where, name), f'missing; expected {f.metadata["required"]}')
        return cls(**kw, extra={k: v for k, v in d.items() if k not in known})

    def to_dict(self) -> dict:
        """The JSON object (known fields in schema order, then the unknown ones as read)."""
        out = {f.name: _plain(getattr(self, f.name)) for f in fields(self) if f.name != 'extra'
               and not (f.metadata.get('omit_none') and getattr(self, f.name) is None)}
        out.update({k: v for k, v in self.extra.items() if k not in out})
        return out


def _plain(v):
    if isinstance(v, _Record):
        return v.to_dict()
    if isinstance(v, list):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    return v


@dataclass
class ModelRecord(_Record):
    """What was tested: the model type, its network (``generator``) and the plugin that declares it."""
    type: str | None = _field(_opt(_str))
    generator: str | None = _field(_opt(_str))
    plugin: str | None = _field(_opt(_str))
    plugin_version: str | None = _field(_opt(_str))
    distribution: str | None = _field(_opt(_str))
    input_kind: str | None = _field(_opt(_str))
    channels: str | None = _field(_opt(_str))
    scales: list = _field(_list_of(_int), factory=list)
    multiscale: bool | None = _field(_opt(_bool))
    params: int | None = _field(_opt(_int))
    extra: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The name tables show: the network, else the model type."""
        return self.generator or self.type or '?'


@dataclass
class CheckpointRecord(_Record):
    """The weights that were tested; ``converted``: the provenance of weights converted from an author's
    released file (``srbench convert``: source file, its sha256, converter, srbench version, ...)."""
    path: str = _field(_str, required='the checkpoint path (a string)')
    sha256: str | None = _field(_opt(_str))
    converted: dict | None = _field(_opt(_dict))

    def to_dict(self) -> dict:
        d = super().to_dict()
        if d.get('converted') is None:
            d.pop('converted', None)       # absent unless converted: older files round-trip unchanged
        return d
    extra: dict = field(default_factory=dict)


@dataclass
class Protocol(_Record):
    """How the numbers of one (data set, scale) were computed: per metric key its metric's
    ``protocol_info`` (``name``, ``channel``, ``crop_border``, ...), and the data set's ``protocol_info``
    (``lr_protocol``, ``lr``, ...)."""
    metrics: dict = _field(_dict_of(_dict), factory=dict)
    data: dict = _field(_dict, factory=dict)
    extra: dict = field(default_factory=dict)


@dataclass
class SetResult(_Record):
    """The result of one data set at one scale."""
    dataset: str = _field(_str, required='the data set name (a string)')
    scale: int = _field(_int, required='the scale (an integer)')
    num_images: int | None = _field(_opt(_int))
    metrics: dict = _field(_dict_of(_metric_value), factory=dict, required='the metrics (an object)')
    protocol: Protocol = _field(_record(Protocol), factory=Protocol)
    per_image: list = _field(_list_of(_dict), factory=list)
    runtime: dict | None = _field(_opt(_dict), omit_none=True)
    extra: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f'{self.dataset} x{self.scale}'

    def values(self, metric: str) -> list:
        """The per-image values of ``metric`` (floats; None where an image has none)."""
        return [number(r.get(metric)) if r.get(metric) is not None else None for r in self.per_image]


@dataclass
class Results(_Record):
    """One results file: a test run of one model on one or more (data set, scale)."""
    srbench_version: str | None = _field(_opt(_str))
    date: str | None = _field(_opt(_str))
    git_commit: str | None = _field(_opt(_str))
    config_path: str | None = _field(_opt(_str))
    model: ModelRecord = _field(_record(ModelRecord), factory=ModelRecord,
                                required='the model record (an object)')
    checkpoint: CheckpointRecord | None = _field(_opt(_record(CheckpointRecord)))
    results: list = _field(_list_of(_record(SetResult)), factory=list,
                           required='the list of (data set, scale) results')
    skipped: list = _field(_list_of(_str), factory=list)
    inference: dict | None = _field(_opt(_dict), omit_none=True)
    complexity: dict | None = _field(_opt(_dict), omit_none=True)
    training: dict | None = _field(_opt(_dict), omit_none=True)
    config: dict | None = _field(_opt(_dict))
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_dict(cls, d, where: str = '', source: str = 'results') -> Results:
        """Check and read a results dict (as :func:`json.load` gives it, or as ``srbench.apis.test``
        returns it); one DataError ``<source>: <first problem>`` otherwise."""
        try:
            if not isinstance(d, dict):
                raise _Bad('', f'not an srbench results file (expected a JSON object, got {_kind(d)})')
            fmt = d.get('format')
            m = _FORMAT_RE.match(fmt) if isinstance(fmt, str) else None
            if m is None:
                raise _Bad('', f'not an srbench results file (expected "format": "{RESULTS_FORMAT}", '
                               f'the JSON that tools/test.py writes; got {_kind(fmt)})')
            version = int(m.group(1))
            if not 1 <= version <= FORMAT_VERSION:
                known = ', '.join(f'{FORMAT_NAME}/{v}' for v in range(1, FORMAT_VERSION + 1))
                newer = '; written by a newer srbench: update srbench' if version > FORMAT_VERSION else ''
                raise _Bad('format', f'"{fmt}" is not a version this srbench reads (it reads {known}){newer}')
            d = _upgrade(d, version)
            return super().from_dict({k: v for k, v in d.items() if k != 'format'}, where)
        except _Bad as e:
            raise DataError(f'{source}: {e}') from None

    def to_dict(self) -> dict:
        """The JSON object, ``format`` first (floats as they are: :func:`write_results` makes it JSON)."""
        return {'format': RESULTS_FORMAT, **super().to_dict()}


def _upgrade(d: dict, version: int) -> dict:
    """A results dict of an older format version in the current shape (version 1 is the current one)."""
    return d


def load_results(path) -> Results:
    """A results JSON of ``tools/test.py``, checked; one DataError naming the file otherwise."""
    p = Path(os.path.expanduser(str(path)))
    if not p.is_file():
        raise DataError(f'results file does not exist: {p}')
    try:
        with open(p, encoding='utf-8') as f:
            obj = json.load(f)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise DataError(f'results file {p} is not valid JSON: {e}') from None
    return Results.from_dict(obj, source=f'results file {p}')


def as_results(obj, source: str = 'results') -> Results:
    """``obj`` as :class:`Results`: a Results, a results dict, or the path of a results file."""
    if isinstance(obj, Results):
        return obj
    if isinstance(obj, dict):
        return Results.from_dict(obj, source=source)
    return load_results(obj)


def json_safe(x):
    """``x`` as plain JSON: non-finite floats as ``'inf'``/``'-inf'``/``'nan'``, tuples as lists, keys as
    strings, classes by their dotted name, anything else by its repr."""
    if isinstance(x, float) and not math.isfinite(x):
        return 'inf' if x > 0 else ('-inf' if x < 0 else 'nan')
    if isinstance(x, dict):
        return {str(k): json_safe(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [json_safe(v) for v in x]
    if isinstance(x, (str, int, float, bool)) or x is None:
        return x
    if isinstance(x, type):
        return f'{x.__module__}.{x.__qualname__}'
    return repr(x)


def write_results(results, path) -> None:
    """Write a :class:`Results` (or a results dict) as the results JSON, atomically. What is written is
    checked first as a reader checks it: srbench never writes a results file it would refuse to read."""
    from .utils.atomic import write_json_atomic
    obj = json_safe(results.to_dict() if isinstance(results, Results) else results)
    Results.from_dict(obj, source=f'results to write to {path}')
    write_json_atomic(obj, path)
