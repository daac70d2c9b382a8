"""train(): what ``tools/train.py`` calls."""
from __future__ import annotations

import os

from ..errors import CheckpointError, ConfigError
from ..utils.atomic import check_writable, clean_stale_temps
from .common import load_config, validate_config, work_dir_for


def build_runner(cfg):
    from ..engine.patches import install
    from ..engine.runner import SRRunner
    from ..registry import RUNNERS
    install()   # srbench's fixes to MMEngine (checkpoints, HistoryBuffer, collate lookup): before any Runner
    if cfg.get('optim_wrapper'):
        from .startup import needs_optional_optimizers, restore_optional_optimizers
        if needs_optional_optimizers(cfg):
            restore_optional_optimizers()     # bitsandbytes' / transformers' optimizers (apis/startup.py)
    if 'runner_type' in cfg:
        return RUNNERS.build(cfg)
    return SRRunner.from_cfg(cfg)   # MMEngine's Runner with srbench's console (engine/console.py)


def prepare_train_cfg(config, work_dir=None, resume=None, amp=False, cfg_options=None, launcher='none'):
    """The checked config a training run uses (no Runner built)."""
    import torch

    from ..engine import find_latest_checkpoint, load_checkpoint_file, setup_distributed
    from .common import model_info_of
    cfg = load_config(config, cfg_options)
    for k in ('train_dataloader', 'train_cfg', 'optim_wrapper'):
        if not cfg.get(k):
            raise ConfigError(f'config {cfg.filename_resolved} has no "{k}": it cannot be trained')
    gname, info, _ = model_info_of(cfg)
    if not info.trainable:
        raise ConfigError(f'{gname} has no weights to train; test it with tools/test.py')
    validate_config(cfg)
    cfg.work_dir = work_dir_for(cfg, work_dir)
    check_writable(cfg.work_dir, 'work dir', is_dir=True)
    clean_stale_temps(cfg.work_dir)            # checkpoints half-written by a killed run
    if amp:
        ow = cfg.optim_wrapper
        if torch.cuda.is_available():
            ow.type = 'AmpOptimWrapper'
            ow.setdefault('loss_scale', 'dynamic')
        else:
            ow.type = 'CPUAmpOptimWrapper'
    if resume:
        if resume == 'auto':
            ckpt = find_latest_checkpoint(cfg.work_dir)
            if ckpt is None:
                raise CheckpointError(f'--resume: no checkpoint in the work dir {cfg.work_dir} to resume '
                                      'from')
            try:
                load_checkpoint_file(ckpt)  # a clear error now rather than deep inside the Runner
            except CheckpointError as e:    # a damaged newest file: name the newest complete one
                raise CheckpointError(f'--resume: the newest checkpoint cannot be loaded: {e}; '
                                      + _previous_complete(cfg.work_dir, ckpt)) from None
        else:
            ckpt = os.path.expanduser(resume)
            load_checkpoint_file(ckpt)
        cfg.resume, cfg.load_from = True, ckpt
    setup_distributed(cfg, launcher)
    return cfg


def _previous_complete(work_dir, bad) -> str:
    """The advice after a damaged newest checkpoint: the newest older one that loads, to pass to -r."""
    from pathlib import Path

    from ..engine.checkpoint import checkpoints_of, load_checkpoint_file
    older = [f for f in checkpoints_of(work_dir) if f.resolve() != Path(bad).resolve()]
    for f in reversed(older):
        try:
            load_checkpoint_file(f)
        except CheckpointError:
            continue
        return f'resume from the newest complete one with --resume {f}'
    return 'no older complete checkpoint in the work dir either: start again without --resume'


def train(config, work_dir=None, resume=None, amp=False, cfg_options=None, launcher='none'):
    """Train ``config`` with MMEngine's Runner.

    Args:
        resume: ``None``; ``'auto'`` -- the latest checkpoint of the work dir; or a checkpoint path.
            A resumed run continues at the saved iteration with the saved optimizer and scheduler
            state, the saved seed, and the data order (the loader is advanced past the batches
            already seen).
        amp: mixed precision (CUDA AMP on GPU, bfloat16 autocast on CPU).
        launcher: ``none``, ``pytorch`` (torchrun) or ``slurm``; without CUDA the gloo backend is used.
    Returns:
        the Runner after training.
    """
    cfg = prepare_train_cfg(config, work_dir, resume, amp, cfg_options, launcher)
    runner = build_runner(cfg)
    try:
        runner.train()
    except Exception as e:
        from ..engine.dist import dist_timeout, explain_timeout, is_timeout
        if cfg.launcher != 'none' and is_timeout(e):      # a collective gave up waiting: say which rank
            raise explain_timeout(e, cfg.work_dir, dist_timeout(cfg)) from None
        raise
    return runner
