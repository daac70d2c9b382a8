"""test(): what ``tools/test.py`` calls -- evaluate every test set of a config and write the
results JSON (model, plugin, checkpoint, protocol, per-image and mean metrics, config, commit, date;
the schema is :mod:`srbench.results`)."""
from __future__ import annotations

import datetime as _dt
import itertools
import os
import subprocess
from pathlib import Path

from .. import __version__
from ..errors import ConfigError
from ..results import RESULTS_FORMAT, CheckpointRecord, ModelRecord, Results, write_results  # noqa: F401
from .common import load_config, model_info_of, validate_config, work_dir_for

_RUN_IDS = itertools.count()


def git_commit(start: str | Path | None = None) -> str | None:
    """HEAD of the git checkout holding ``start`` (or the cwd); None outside git."""
    try:
        out = subprocess.run(['git', 'rev-parse', 'HEAD'], cwd=str(start or os.getcwd()), capture_output=True,
                             text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    commit = out.stdout.strip()
    dirty = subprocess.run(['git', 'status', '--porcelain', '--untracked-files=no'],
                           cwd=str(start or os.getcwd()), capture_output=True, text=True, timeout=10)
    return commit + ('-dirty' if dirty.returncode == 0 and dirty.stdout.strip() else '')


def prepare_test_cfg(config, ckpt=None, work_dir=None, cfg_options=None, launcher='none'):
    from ..engine import load_checkpoint_file, setup_distributed
    cfg = load_config(config, cfg_options)
    if not cfg.get('test_dataloader'):
        raise ConfigError(f'config {cfg.filename_resolved} has no "test_dataloader"')
    if not cfg.get('test_evaluator'):
        raise ConfigError(f'config {cfg.filename_resolved} has no "test_evaluator"')
    gname, info, plugin = model_info_of(cfg)
    if ckpt is None and info.trainable:
        raise ConfigError(f'--ckpt is required: {gname} has weights (only weight-free models such as Bicubic '
                          'test without one)')
    validate_config(cfg)
    if ckpt is not None and not _is_released(ckpt):
        load_checkpoint_file(ckpt)   # exists and is a checkpoint: a clear error now
    cfg.work_dir = work_dir_for(cfg, work_dir)
    # unique name: two test runs in one process and one second must not share MMEngine's instances
    cfg.experiment_name = f'{Path(cfg.filename_resolved).stem}_test_{_dt.datetime.now():%Y%m%d_%H%M%S}' \
        f'_{os.getpid()}_{next(_RUN_IDS)}'
    tc = dict(cfg.get('test_cfg') or {})
    tc.setdefault('type', 'MultiTestLoop')
    cfg.test_cfg = tc
    cfg.load_from, cfg.resume = None, False
    for k in ('train_dataloader', 'train_cfg', 'optim_wrapper', 'param_scheduler', 'val_dataloader',
              'val_cfg', 'val_evaluator'):
        cfg.pop(k, None)
    setup_distributed(cfg, launcher)
    return cfg


def test(config, ckpt=None, out=None, work_dir=None, cfg_options=None, launcher='none') -> dict:
    """Evaluate ``config``'s test sets with the weights in ``ckpt`` and write the results JSON.

    Returns the results dict (:meth:`srbench.results.Results.to_dict`; also written to ``out``, default
    ``<work_dir>/results.json``, whose path is added as ``'out'``).
    """
    from mmengine.dist import is_main_process

    from ..engine import load_weights, sha256_file
    from .train import build_runner
    cfg = prepare_test_cfg(config, ckpt, work_dir, cfg_options, launcher)
    gname, info, plugin = model_info_of(cfg)
    weights_file, provenance = ckpt, None
    if ckpt is not None and _is_released(ckpt):
        # the authors' released file: converted on the fly (same checks as `srbench convert`)
        gen_args = {k: v for k, v in dict(cfg.model.generator).items() if k != 'type'}
        weights_file, provenance = _convert_released(ckpt, gname, gen_args, cfg.work_dir)
    runner = build_runner(cfg)
    model = runner.model.module if hasattr(runner.model, 'module') else runner.model
    if ckpt is not None:
        loaded = load_weights(model, weights_file, strict=True)
        if provenance is None:
            provenance = (loaded.get('meta') or {}).get('converted') if isinstance(loaded, dict) else None
        runner._has_loaded = True
    runner.test()
    loop = runner.test_loop
    rec = next((r for r in _records() if plugin is not None and r.ok and r.plugin is plugin), None)
    results = Results(
        srbench_version=__version__,
        date=_dt.datetime.now(_dt.timezone.utc).isoformat(timespec='seconds'),
        git_commit=git_commit(Path(cfg.filename_resolved).parent),
        config_path=str(Path(cfg.filename_resolved).resolve()),
        model=ModelRecord(type=cfg.model.type if isinstance(cfg.model.type, str) else cfg.model.type.__name__,
                          generator=gname, plugin=plugin.name if plugin else None,
                          plugin_version=rec.version if rec else None,
                          distribution=rec.distribution if rec else None,
                          input_kind=info.input, channels=info.channels, scales=list(info.scales),
                          multiscale=info.multiscale,
                          params=sum(p.numel() for p in model.parameters())),
        checkpoint=(CheckpointRecord(path=str(Path(ckpt).resolve()), sha256=sha256_file(ckpt),
                                     converted=provenance)
                    if ckpt else None),
        results=list(loop.results),
        skipped=list(loop.skipped),
        config=cfg.to_dict(),
    )
    res = results.to_dict()
    if is_main_process():
        out = out or os.path.join(cfg.work_dir, 'results.json')
        write_results(results, out)
        res['out'] = str(out)
    return res


def _is_released(ckpt) -> bool:
    from ..weights import is_released_file
    return is_released_file(ckpt)


def _convert_released(ckpt, gname: str, gen_args: dict, work_dir) -> tuple[str, dict]:
    """Convert a released file for a test run into the config's network (``gen_args``: its arguments, over
    the declaration's): the srbench checkpoint goes to ``<work_dir>/converted/<weights name>.pth``; returns
    its path and the provenance."""
    from ..weights import convert_file, save_converted
    conv = convert_file(ckpt, model=gname, args=gen_args)
    safe = ''.join(c if c.isalnum() or c in '-_.' else '_' for c in conv.weights.name)
    out = save_converted(conv, Path(work_dir) / 'converted' / f'{safe}.pth')
    meta = dict(conv.meta)
    meta['converted_checkpoint'] = str(out)
    return str(out), meta


def _records():
    from ..discovery import records
    return records()
