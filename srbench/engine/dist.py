"""Distributed set-up that also works without CUDA.

MMEngine 0.10.7's ``init_dist`` calls ``torch.cuda.set_device`` unconditionally and its Runner wraps
the model with ``device_ids=[LOCAL_RANK]``; both fail on CPU. Without CUDA srbench therefore
initialises the process group itself with the gloo backend before the Runner is built (the Runner
then skips its own init) and asks for a DDP wrapper with ``device_ids=None``.
"""
from __future__ import annotations

import os
import subprocess

import torch
import torch.distributed as dist

from ..errors import ConfigError

LAUNCHERS = ('none', 'pytorch', 'slurm')


def _slurm_env(port: str | None):
    """Fill the torch.distributed environment from SLURM's (what mmengine's slurm launcher does)."""
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
        dist.init_process_group('gloo')
    wrapper = dict(cfg.get('model_wrapper_cfg') or {})
    wrapper.setdefault('type', 'MMDistributedDataParallel')
    wrapper['device_ids'] = None
    wrapper.setdefault('broadcast_buffers', False)
    cfg.model_wrapper_cfg = wrapper
