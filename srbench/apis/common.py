"""Config loading and checking shared by train and test: one clear error before the Runner starts."""
from __future__ import annotations

from pathlib import Path

from mmengine.config import Config

from ..config_files import resolve_config_path as _resolve
from ..discovery import ensure_plugins_loaded
from ..errors import ConfigError, SRBenchError, describe_exception
from ..lookup import check_registered, find_model

DATALOADER_KEYS = ('train_dataloader', 'val_dataloader', 'test_dataloader')
EVALUATOR_KEYS = ('val_evaluator', 'test_evaluator')


def resolve_config_path(config) -> Path:
    """A config file path, the name of a config some plugin ships (``espcn_x3``), or a prefixed name
    (``espcn::espcn_x3.py``): :func:`srbench.config_files.resolve_config_path`."""
    return _resolve(config)


def _lazy_hint(path) -> str:
    """Why MMEngine failed on a config that imports before any ``_base_`` (it reads it as a "lazy import"
    config, and its errors there often have no message)."""
    try:
        lazy = Config._is_lazy_import(str(path))
    except Exception:  # noqa: BLE001 -- a syntax error: MMEngine's message says it
        return ''
    return ('; MMEngine reads a config that imports before any _base_ as a "lazy import" config: start it '
            "with _base_ = ['srbench::_base_/default_runtime.py']") if lazy else ''


def load_config(config, cfg_options: dict | None = None) -> Config:
    """A config file (or plugin config name, or a Config object, copied) with ``cfg_options`` merged."""
    if isinstance(config, Config):
        cfg = Config(config.to_dict(), filename=config.filename)
        path = Path(config.filename) if config.filename else Path('<config>')
    else:
        from ..engine.patches import install_patch
        path = resolve_config_path(config)
        install_patch('config_bases')       # _base_ = ['srbench::...', '<plugin>::...']
        try:
            cfg = Config.fromfile(str(path))
        except SRBenchError:
            raise
        except Exception as e:  # noqa: BLE001 -- syntax errors, missing _base_ files...
            raise ConfigError(f'cannot read config {path}: {describe_exception(e)}'
                              f'{_lazy_hint(path)}') from None
    if cfg_options:
        from .options import check_options
        check_options(cfg, cfg_options)      # a typo in a key is an error, not a new key nothing reads
        try:
            cfg.merge_from_dict(cfg_options)
        except Exception as e:  # noqa: BLE001
            raise ConfigError(f'bad --cfg-options {cfg_options}: {e}') from None
    cfg.setdefault('default_scope', 'srbench')
    cfg.filename_resolved = str(path)
    if 'model' not in cfg:
        raise ConfigError(f'config {path} has no "model"')
    return cfg


def _as_list(x):
    if x is None:
        return []
    return list(x) if isinstance(x, (list, tuple)) else [x]


def model_info_of(cfg):
    """(generator name, ModelInfo, Plugin|None) of a config's model."""
    from ..registry import MODELS
    from ..spec import ModelInfo
    m = cfg.model
    if not isinstance(m, dict) or 'type' not in m:
        raise ConfigError('config key "model" must be a dict with a "type"')
    if isinstance(m['type'], str):
        check_registered('model', MODELS, m['type'])
    gen = m.get('generator')
    if not isinstance(gen, dict) or 'type' not in gen:
        raise ConfigError('config key "model.generator" must be a dict with a "type" (the network)')
    gname = gen['type'] if isinstance(gen['type'], str) else gen['type'].__name__
    if isinstance(gen['type'], str):
        check_registered('model', MODELS, gname)
    found = find_model(gname)
    if found is not None:
        return gname, found[0], found[1]
    if m.get('input_kind') and m.get('channels') and m.get('scales'):
        info = ModelInfo(m['input_kind'], m['channels'], tuple(m['scales']), bool(m.get('multiscale')))
        return gname, info, None
    raise ConfigError(f'network {gname!r} is not declared by any plugin; declare it (srbench.spec.ModelInfo) '
                      'or give model.input_kind, model.channels and model.scales')


def apply_model_meta(cfg) -> None:
    """Fill every dataset's ``input_kind``/``channels`` from the model's plugin metadata and check
    scales -- the plugin declares them once; configs do not repeat them. The Runner's loops do the same
    (:meth:`srbench.models.SRModel.complete_dataloader_cfg`); doing it here, before the Runner starts, gives
    the one-line errors before anything is built."""
    from ..models.sr_model import fill_data_meta
    gname, info, plugin = model_info_of(cfg)
    fixed = None if info.multiscale else cfg.model.generator.get('scale')
    for key in DATALOADER_KEYS:
        for dl in _as_list(cfg.get(key)):
            fill_data_meta(dl, key, gname, info, plugin, fixed)


def _metric_cfgs(cfg, key: str) -> list[dict]:
    """The metric dicts (with a ``type`` name) of the evaluator ``cfg[key]``: a list, one metric, or
    ``dict(metrics=...)``."""
    ev = cfg.get(key)
    if isinstance(ev, dict) and 'metrics' in ev:
        ev = ev['metrics']
    return [m for m in _as_list(ev) if isinstance(m, dict) and isinstance(m.get('type'), str)]


def validate_config(cfg) -> None:
    """Every component type the config names exists (one line with close names otherwise)."""
    from ..registry import METRICS, MODELS
    from .options import check_component_arguments
    ensure_plugins_loaded()
    pl = cfg.model.get('pixel_loss')
    if isinstance(pl, dict) and isinstance(pl.get('type'), str):
        check_registered('loss', MODELS, pl['type'])
    for key in EVALUATOR_KEYS:
        for m in _metric_cfgs(cfg, key):
            check_registered('metric', METRICS, m['type'])
    apply_model_meta(cfg)
    check_component_arguments(cfg)        # a misspelt argument in the file: one line, before building
    warn_protocol_mismatch(cfg)


def protocol_mismatches(cfg) -> list[str]:
    """What :func:`warn_protocol_mismatch` warns about: for the data sets whose ``eval_protocol`` names the
    metric protocol its authors scored with (:data:`srbench.data.paired.EVAL_PROTOCOLS`), each metric of the
    matching evaluator (val/test) computed under another protocol -- one message per metric, naming the
    data sets."""
    from ..data.paired import EVAL_PROTOCOLS
    from ..metrics.base import SRMetric
    from ..registry import METRICS
    found: dict = {}
    for stage in ('val', 'test'):
        metrics = _metric_cfgs(cfg, f'{stage}_evaluator')
        for i, dl in enumerate(_as_list(cfg.get(f'{stage}_dataloader'))):
            ds = dl.get('dataset') if isinstance(dl, dict) else None
            name = ds.get('eval_protocol') if isinstance(ds, dict) else None
            want = ((EVAL_PROTOCOLS.get(name) or {}).get('metric') or {}).get('protocol') if name else None
            if not want:
                continue
            for m in metrics:
                cls = METRICS.get(m['type'])
                got = m.get('protocol', 'matlab')
                if isinstance(cls, type) and issubclass(cls, SRMetric) and got != want:
                    key = (stage, m['type'], got, name, want)
                    found.setdefault(key, []).append(str(ds.get('name') or f'{stage}_dataloader[{i}]'))
    return [f"{stage}_evaluator's {mtype} uses metric protocol {got!r} on {', '.join(sets)}, made under "
            f"eval_protocol {name!r}, whose authors score with {want!r}: these numbers follow neither that "
            f"paper nor srbench's default (set protocol={want!r} on the metric)"
            for (stage, mtype, got, name, want), sets in found.items()]


def warn_protocol_mismatch(cfg) -> None:
    """One ``srbench: warning:`` line on stderr per mismatch of :func:`protocol_mismatches` (the run goes
    on: the results record both protocols)."""
    import sys
    for msg in protocol_mismatches(cfg):
        print(f'srbench: warning: {msg}', file=sys.stderr)


def work_dir_for(cfg, work_dir: str | None) -> str:
    if work_dir:
        return work_dir
    if cfg.get('work_dir'):
        return cfg.work_dir
    return str(Path('work_dirs') / Path(cfg.filename_resolved).stem)
