"""Checkpoints: atomic writes, ``weights_only=True`` loading, and clear errors.

torch >= 2.6 loads with ``weights_only=True`` by default, and MMEngine 0.10.x checkpoints do not
load that way (their message hub pickles ``HistoryBuffer`` objects holding numpy arrays; mmengine
issue #1655). Rather than loading anything with ``weights_only=False``, srbench writes its
checkpoints so that they *are* weights-only loadable: before saving, the message hub's
``HistoryBuffer``s, numpy arrays/scalars and ``Counter``s are encoded as plain dicts of tensors and
numbers, and decoded again after loading. Every checkpoint -- ours (resume, ``load_from``,
``tools/test.py --ckpt``) and third-party weight files -- is then loaded with ``weights_only=True``.

Checkpoints are written to a temporary name in the same folder, fsync'ed, then renamed, so an
interrupted save never leaves a truncated file under the final name.

Importing this module changes nothing in MMEngine: :func:`srbench.engine.patches.install` makes the Runner
save with :func:`save_checkpoint` and load local files with :func:`load_from_local`.
:func:`load_checkpoint_file` and :func:`load_weights` work without it.
"""
from __future__ import annotations

import collections
import hashlib
import io
import os
import pickle
from pathlib import Path

import numpy as np
import torch
from mmengine.logging import HistoryBuffer
from mmengine.runner import find_latest_checkpoint as _mm_find_latest_checkpoint

from ..errors import CheckpointError, describe_exception
from ..utils.atomic import atomic_open

_TAG = '__srbench_enc__'


def _encode(obj):
    if isinstance(obj, HistoryBuffer):
        return {_TAG: 'HistoryBuffer', 'log': torch.from_numpy(np.asarray(obj._log_history, np.float64)),
                'count': torch.from_numpy(np.asarray(obj._count_history, np.int64)),
                'max_length': int(obj.max_length)}
    if isinstance(obj, np.ndarray):
        return {_TAG: 'ndarray', 'data': torch.from_numpy(np.ascontiguousarray(obj))}
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, collections.Counter):
        return {_TAG: 'Counter', 'items': [[_encode(k), v] for k, v in obj.items()]}
    if isinstance(obj, collections.OrderedDict):
        return collections.OrderedDict((k, _encode(v)) for k, v in obj.items())
    if isinstance(obj, dict):
        return {k: _encode(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_encode(v) for v in obj]
    if isinstance(obj, tuple):
        return tuple(_encode(v) for v in obj)
    return obj


def _decode(obj):
    if isinstance(obj, dict):
        tag = obj.get(_TAG)
        if tag == 'HistoryBuffer':
            # tolist() / cpu(): a resume on a GPU maps every tensor of the checkpoint to the GPU
            return HistoryBuffer(obj['log'].tolist(), obj['count'].tolist(), obj['max_length'])
        if tag == 'ndarray':
            return obj['data'].cpu().numpy()
        if tag == 'Counter':
            return collections.Counter({_decode(k): v for k, v in obj['items']})
        return type(obj)((k, _decode(v)) for k, v in obj.items())
    if isinstance(obj, list):
        return [_decode(v) for v in obj]
    if isinstance(obj, tuple):
        return tuple(_decode(v) for v in obj)
    return obj


def atomic_torch_save(obj, filename) -> None:
    """``torch.save`` to a temporary file in the same folder, fsync, then rename."""
    with atomic_open(filename, 'wb', fsync=True) as f:
        torch.save(obj, f)


def save_checkpoint(checkpoint, filename, file_client_args=None, backend_args=None) -> None:
    """Replacement for MMEngine's ``save_checkpoint``: weights-only-loadable, atomic for local paths."""
    fn = str(filename)
    if '://' in fn and not fn.startswith('file://'):
        buf = io.BytesIO()
        torch.save(_encode(checkpoint), buf)
        from mmengine.fileio import get_file_backend
        get_file_backend(fn, backend_args=backend_args).put(buf.getvalue(), fn)
        return
    atomic_torch_save(_encode(checkpoint), fn.removeprefix('file://'))


def load_checkpoint_file(filename, map_location='cpu'):
    """Load a checkpoint or weight file with ``weights_only=True``; one clear error otherwise."""
    p = Path(os.path.expanduser(str(filename)))
    if not p.exists():
        raise CheckpointError(f'checkpoint file does not exist: {p}')
    if not p.is_file():
        raise CheckpointError(f'checkpoint path is not a file: {p}')
    try:
        obj = torch.load(p, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as e:
        first = next((ln for ln in str(e).splitlines() if 'Unsupported global' in ln), None)
        if first is None:      # torch's message would suggest weights_only=False: wrong advice for garbage
            raise CheckpointError(f'{p} is not a checkpoint (not a file torch.save wrote: torch.load could not '
                                  'unpickle it)') from None
        raise CheckpointError(
            f'{p} pickles Python objects that srbench will not unpickle ({first.strip()}); srbench loads '
            'every checkpoint with weights_only=True. If you trust the file, re-save only its weights: '
            "torch.save(torch.load(f, weights_only=False)['state_dict'], 'weights.pth')") from None
    except Exception as e:  # noqa: BLE001 -- truncated zip, legacy pickle garbage, text files...
        reason = describe_exception(e)
        if 'weights_only' in reason:        # torch's advice to unpickle anyway: wrong for a damaged file
            reason = type(e).__name__
        raise CheckpointError(f'{p} is not a checkpoint, or an incomplete one (torch.load failed: {reason})') \
            from None
    return _decode(obj)


def state_dict_of(ckpt, filename) -> dict:
    """The tensor state dict inside a loaded checkpoint (``ckpt['state_dict']`` or the dict itself)."""
    sd = ckpt.get('state_dict', ckpt) if isinstance(ckpt, dict) else None
    if not isinstance(sd, dict) or not sd or not all(isinstance(v, torch.Tensor) for v in sd.values()):
        raise CheckpointError(f'{filename} is not a checkpoint: it holds no state_dict of tensors')
    return sd


def load_weights(model: torch.nn.Module, filename, strict: bool = True) -> dict:
    """Load a checkpoint's weights into ``model`` (an SRModel, or its generator for bare network
    state dicts). Mismatched keys or shapes are a CheckpointError naming the file.

    Converter hook: a network may define ``adapt_state_dict(sd) -> sd``, which renames a foreign state
    dict (e.g. the authors' release, with their module names) to its own; it is called when the keys
    do not already fit, and must return ``sd`` unchanged when it does not recognise it."""
    ckpt = load_checkpoint_file(filename)
    sd = state_dict_of(ckpt, filename)
    sd = {k.removeprefix('module.'): v for k, v in sd.items()}
    target, own = model, model.state_dict()
    if not set(sd) & set(own) and hasattr(model, 'generator'):
        target, own = model.generator, model.generator.state_dict()
    if set(sd) != set(own) and callable(getattr(target, 'adapt_state_dict', None)):
        sd = target.adapt_state_dict(sd)
    missing = sorted(set(own) - set(sd))
    unexpected = sorted(set(sd) - set(own))
    shapes = [f'{k}: {tuple(sd[k].shape)} vs {tuple(own[k].shape)}' for k in sorted(set(sd) & set(own))
              if sd[k].shape != own[k].shape]
    if strict and (missing or unexpected or shapes):
        def few(xs):
            return ', '.join(xs[:4]) + (f' (+{len(xs) - 4} more)' if len(xs) > 4 else '')
        parts = [f'missing keys {few(missing)}' if missing else '',
                 f'unexpected keys {few(unexpected)}' if unexpected else '',
                 f'shape mismatch {few(shapes)}' if shapes else '']
        net = type(getattr(model, 'generator', model)).__name__
        raise CheckpointError(f'{filename} does not fit the model {net}: ' + '; '.join(x for x in parts if x))
    target.load_state_dict(sd, strict=strict)
    return ckpt if isinstance(ckpt, dict) else {}


def sha256_file(filename, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(filename, 'rb') as f:
        for b in iter(lambda: f.read(chunk), b''):
            h.update(b)
    return h.hexdigest()


def checkpoints_of(work_dir) -> list[Path]:
    """The ``iter_*.pth`` / ``epoch_*.pth`` files of a work dir, oldest first (by their number)."""
    found = []
    for pat in ('iter_*.pth', 'epoch_*.pth'):
        for f in Path(work_dir).glob(pat):
            try:
                found.append((int(f.stem.split('_')[1]), f))
            except (IndexError, ValueError):
                continue
    return [f for _, f in sorted(found)]


def find_latest_checkpoint(work_dir) -> str | None:
    """The newest checkpoint of a work dir: the file that MMEngine's ``last_checkpoint`` pointer names
    (:func:`mmengine.runner.find_latest_checkpoint`) when it lies in this work dir, else the highest
    ``iter_*.pth`` / ``epoch_*.pth`` here. The pointer holds an absolute path: in a copied or moved work dir
    it names the original's file, which is never taken (another run's checkpoint); its file name is looked
    up in this work dir instead. The pointer can also be missing (checkpoints copied without it) or stale
    (the checkpoint it names deleted)."""
    wd = Path(work_dir)
    last = _mm_find_latest_checkpoint(str(wd))
    if last:
        p = Path(last)
        p = p if p.is_absolute() else wd / p
        try:
            inside = p.resolve().parent == wd.resolve()
        except OSError:
            inside = False
        if inside and p.is_file():
            return str(p)
    ckpts = checkpoints_of(wd)
    return str(ckpts[-1]) if ckpts else None


def load_from_local(filename, map_location):
    """MMEngine's local-file checkpoint loader (``CheckpointLoader`` scheme ``''``), weights-only: what the
    Runner calls for ``resume`` and ``load_from`` once :func:`srbench.engine.patches.install` has run."""
    return load_checkpoint_file(filename, map_location)
