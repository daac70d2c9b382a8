"""Distributed set-up that also works without CUDA, with a collective timeout that says which rank is missing.

MMEngine 0.10.7's ``init_dist`` calls ``torch.cuda.set_device`` unconditionally and its Runner wraps
the model with ``device_ids=[LOCAL_RANK]``; both fail on CPU. Without CUDA srbench therefore
initialises the process group itself with the gloo backend before the Runner is built (the Runner
then skips its own init) and asks for a DDP wrapper with ``device_ids=None``.

Collective operations wait :func:`dist_timeout` seconds (``env_cfg.dist_cfg.timeout`` in the config, else
``SRBENCH_DIST_TIMEOUT``, else 600; torch's own default is 30 minutes, so a stopped rank used to leave the
others blocked, silently, for half an hour). Every rank records the last iteration it finished
(:class:`RankProgressHook`, a few bytes rewritten in place under ``<work_dir>/.srbench-ranks/``); when a
collective times out, :func:`explain_timeout` turns the backend's message into one line naming the ranks that
fell behind.
"""
from __future__ import annotations

import datetime
import os
import subprocess
from pathlib import Path

import torch
import torch.distributed as dist
from mmengine.hooks import Hook

from ..errors import ConfigError, SRBenchError
from ..registry import HOOKS

LAUNCHERS = ('none', 'pytorch', 'slurm')
ENV_TIMEOUT = 'SRBENCH_DIST_TIMEOUT'
DEFAULT_TIMEOUT = 600
PROGRESS_DIR = '.srbench-ranks'


class DistributedError(SRBenchError, RuntimeError):
    """A distributed run cannot go on: another rank stopped or hangs."""


def dist_timeout(cfg) -> int:
    """Seconds a collective operation waits for the other ranks (see the module docstring)."""
    v = ((cfg.get('env_cfg') or {}).get('dist_cfg') or {}).get('timeout')
    where = 'env_cfg.dist_cfg.timeout'
    if v is None and os.environ.get(ENV_TIMEOUT, '').strip():
        v, where = os.environ[ENV_TIMEOUT].strip(), ENV_TIMEOUT
    if v is None:
        return DEFAULT_TIMEOUT
    try:
        t = int(float(v))
    except (TypeError, ValueError):
        t = 0
    if t < 1:
        raise ConfigError(f'{where} must be a positive number of seconds, got {v!r}')
    return t


def _slurm_env(port: str | None):
    """Fill the torch.distributed environment from SLURM's (what mmengine's slurm launcher does)."""
    missing = [k for k in ('SLURM_PROCID', 'SLURM_NTASKS', 'SLURM_NODELIST') if k not in os.environ]
    if missing:
        raise ConfigError(f'--launcher slurm needs the SLURM environment ({", ".join(missing)} not set): start '
                          'the job with srun, or use --launcher pytorch with torchrun / tools/dist_train.sh')
    proc_id = int(os.environ['SLURM_PROCID'])
    ntasks = int(os.environ['SLURM_NTASKS'])
    node_list = os.environ['SLURM_NODELIST']
    addr = subprocess.getoutput(f'scontrol show hostname {node_list} | head -n1')
    os.environ.setdefault('MASTER_PORT', str(port or 29500))
    os.environ.setdefault('MASTER_ADDR', addr)
    os.environ['WORLD_SIZE'] = str(ntasks)
    os.environ['LOCAL_RANK'] = str(proc_id % max(1, torch.cuda.device_count()))
    os.environ['RANK'] = str(proc_id)


def setup_distributed(cfg, launcher: str) -> None:
    """Prepare ``cfg`` (and, on CPU, the process group) for ``launcher``."""
    if launcher not in LAUNCHERS:
        raise ConfigError(f'unknown launcher {launcher!r}; expected one of {", ".join(LAUNCHERS)}')
    cfg.launcher = launcher
    if launcher == 'none':
        return
    env_cfg = cfg.setdefault('env_cfg', {})
    dist_cfg = env_cfg.setdefault('dist_cfg', {})
    timeout = dist_timeout(cfg)
    dist_cfg['timeout'] = timeout                      # MMEngine's init_dist takes seconds
    hooks = list(cfg.get('custom_hooks') or [])
    if not any(isinstance(h, dict) and h.get('type') == 'RankProgressHook' for h in hooks):
        cfg.custom_hooks = hooks + [dict(type='RankProgressHook')]
    if torch.cuda.is_available():
        dist_cfg.setdefault('backend', 'nccl')
        return
    dist_cfg['backend'] = 'gloo'
    if launcher == 'slurm':
        _slurm_env(os.environ.get('PORT'))
    if not dist.is_initialized():
        missing = [k for k in ('RANK', 'WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT') if k not in os.environ]
        if missing:
            raise ConfigError(f'--launcher {launcher} needs the torch.distributed environment ({", ".join(missing)} '
                              'not set): start with tools/dist_train.sh or torchrun')
        dist.init_process_group('gloo', timeout=datetime.timedelta(seconds=timeout))
    wrapper = dict(cfg.get('model_wrapper_cfg') or {})
    wrapper.setdefault('type', 'MMDistributedDataParallel')
    wrapper['device_ids'] = None
    wrapper.setdefault('broadcast_buffers', False)
    cfg.model_wrapper_cfg = wrapper


@HOOKS.register_module()
class RankProgressHook(Hook):
    """Record, for each rank, the training iteration it last started (``<work_dir>/.srbench-ranks/<rank>``,
    rewritten in place: no new file per iteration). Added by :func:`setup_distributed`. A rank waiting in a
    collective of iteration n has started n; a rank that stopped or hangs earlier has not."""
    priority = 'VERY_HIGH'

    def before_train(self, runner):
        self.rank = dist.get_rank() if dist.is_initialized() else 0
        d = Path(runner.work_dir) / PROGRESS_DIR
        d.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(d / str(self.rank), os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        os.pwrite(self._fd, f'{runner.iter + 1:>12d}'.encode(), 0)

    def after_train(self, runner):
        os.close(self._fd)


def rank_progress(work_dir) -> dict[int, int]:
    """{rank: the iteration it last started} as recorded by :class:`RankProgressHook`."""
    out = {}
    for f in (Path(work_dir) / PROGRESS_DIR).glob('*'):
        try:
            out[int(f.name)] = int(f.read_text().strip() or 0)
        except (ValueError, OSError):
            continue
    return out


def is_timeout(exc: BaseException) -> bool:
    """A collective that gave up waiting for another rank (gloo / nccl / the store)."""
    text = f'{type(exc).__name__}: {exc}'.lower()
    return any(k in text for k in ('timed out', 'timeout', 'connection closed by peer', 'connection reset by peer',
                                   'broken pipe'))


def explain_timeout(exc: BaseException, work_dir, timeout: int) -> DistributedError:
    """One line for a rank whose collective timed out: which ranks fell behind (from their recorded progress)."""
    rank = dist.get_rank() if dist.is_initialized() else 0
    world = dist.get_world_size() if dist.is_initialized() else 1
    prog = rank_progress(work_dir)
    top = max(prog.values(), default=0)
    behind = sorted(r for r in range(world) if prog.get(r, 0) < top)
    if behind:
        who = ', '.join(f'rank {r} (in or after iteration {prog[r]})' if prog.get(r) else f'rank {r} (never started)'
                        for r in behind)
        what = f'{who} stopped or hangs while the others are in iteration {top}'
    else:
        what = f'another rank stopped or hangs inside iteration {top}'
    return DistributedError(
        f'rank {rank} of {world} waited {timeout} s for the other ranks and gave up: {what}; see that rank\'s '
        f'output. The wait is env_cfg.dist_cfg.timeout (or {ENV_TIMEOUT}) seconds')
