"""Released weights -> srbench checkpoints: identify the file among the plugins' declarations
(:class:`srbench.spec.Weights`), check its sha256, map it with the plugin's converter, check every tensor
against srbench's network, and write a normal srbench checkpoint (weights-only loadable, atomic,
byte-for-byte reproducible) whose ``meta`` records where the weights came from.

The core knows no paper: each mapping lives in its plugin (``Weights.converter`` / ``Plugin.converters``,
``'module:function'``, called as ``function(released, weights) -> {name: array}``).
"""
from __future__ import annotations

import importlib
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import torch

from .. import __version__
from ..errors import CheckpointError, PluginError, SRBenchError
from .readers import read_released

CONVERTED_FORMAT = 'srbench-converted/1'


class WeightsWarning(UserWarning):
    """A released file whose sha256 differs from its declaration (converted anyway, and recorded)."""


@dataclass
class Declared:
    """A declaration with the plugin that made it."""
    weights: object          # srbench.spec.Weights
    plugin: object           # srbench.spec.Plugin


@dataclass
class Converted:
    """A converted state dict, the declaration it follows and its provenance (``meta``)."""
    state_dict: dict
    weights: object
    plugin: object
    meta: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)


def declarations() -> list[Declared]:
    """Every released-weights declaration of every loaded plugin."""
    from ..discovery import records
    out = []
    for r in records():
        if r.ok and r.plugin is not None:
            out.extend(Declared(w, r.plugin) for w in getattr(r.plugin, 'weights', []) or [])
    return out


def find_declaration(name: str) -> Declared:
    """The declaration called ``name``; an unknown name lists the known ones."""
    decls = declarations()
    for d in decls:
        if d.weights.name == name:
            return d
    from ..lookup import unknown_name_message
    raise PluginError(unknown_name_message('released weights', name, [d.weights.name for d in decls]))


def identify(sha256: str, filename: str) -> tuple[Declared | None, str | None]:
    """(declaration, warning) of a file: by its sha256, else by its file name (then the hashes differ: a
    warning naming both), else (None, None)."""
    decls = declarations()
    for d in decls:
        if d.weights.sha256 == sha256:
            return d, None
    for d in decls:
        if d.weights.file == filename:
            return d, _mismatch(filename, sha256, d)
    return None, None


def _mismatch(path, sha256, d: Declared) -> str:
    return (f'{path}: sha256 {sha256} differs from the declared {d.weights.sha256} of released weights '
            f'{d.weights.name!r} ({d.weights.file} from {d.weights.url}); converting anyway')


def _converter(spec: str, owner: str):
    mod, _, fn = spec.partition(':')
    try:
        return getattr(importlib.import_module(mod), fn)
    except (ImportError, AttributeError) as e:
        raise PluginError(f'{owner}: converter {spec!r} cannot be imported ({e})') from None


def _plugin_of_model(model: str, plugin_name: str | None):
    from ..lookup import find_model, get_plugin
    if plugin_name:
        p = get_plugin(plugin_name)
        if model is not None and model not in p.models:
            raise PluginError(f'plugin {plugin_name!r} declares no network {model!r} '
                              f'(it declares {", ".join(p.models) or "none"})')
        return p
    found = find_model(model)
    if found is None:
        raise PluginError(f'network {model!r} is not declared by any plugin')
    return found[1]


def build_network(model: str, args: dict):
    """The srbench network ``model`` with ``args`` (registered by its plugin)."""
    from ..discovery import ensure_plugins_loaded
    from ..lookup import check_registered
    from ..registry import MODELS
    ensure_plugins_loaded()
    check_registered('model', MODELS, model)
    return MODELS.build(dict(type=model, **args))


def check_state_dict(net: torch.nn.Module, sd: dict, path, model: str) -> None:
    """Every tensor of ``net`` is in ``sd`` with its shape, and nothing else is: one CheckpointError naming
    the file and the first tensor that does not fit otherwise."""
    own = net.state_dict()
    for k, v in own.items():
        if k not in sd:
            raise CheckpointError(f'{path} does not fit {model}: no tensor for {k!r} {tuple(v.shape)}')
        if tuple(sd[k].shape) != tuple(v.shape):
            raise CheckpointError(f'{path} does not fit {model}: tensor {k!r} is {tuple(sd[k].shape)}, '
                                  f'{model} needs {tuple(v.shape)}')
    extra = [k for k in sd if k not in own]
    if extra:
        raise CheckpointError(f'{path} does not fit {model}: unexpected tensor {extra[0]!r}'
                              + (f' (+{len(extra) - 1} more)' if len(extra) > 1 else ''))


def _as_tensor(v, name, path) -> torch.Tensor:
    if isinstance(v, torch.Tensor):
        t = v.detach().cpu()
    else:
        a = np.asarray(v)
        if a.dtype.kind not in 'biuf':
            raise CheckpointError(f'{path}: tensor {name!r} is not numeric ({a.dtype})')
        t = torch.from_numpy(np.ascontiguousarray(a))
    return t.to(torch.float32).contiguous() if t.is_floating_point() else t.contiguous()   # ints: as they are


def convert_file(path, weights: str | None = None, model: str | None = None, plugin: str | None = None,
                 args: dict | None = None) -> Converted:
    """Convert the released file ``path`` into srbench's state dict for its network.

    The declaration is ``weights`` (a name), else the one whose sha256 (or file name) matches; an undeclared
    file needs ``model`` (and optionally ``plugin``), converted with the plugin's converter for that network
    and ``args`` over the network's defaults. A sha256 that differs from the declaration is a
    :class:`WeightsWarning` naming both hashes (converted anyway, recorded in the metadata)."""
    from ..engine.checkpoint import sha256_file
    p = Path(path).expanduser()
    if not p.is_file():
        raise CheckpointError(f'weight file does not exist: {p}' if not p.exists() else
                              f'weight path is not a file: {p}')
    sha = sha256_file(p)
    warn = None
    if weights:
        d = find_declaration(weights)
        if d.weights.sha256 != sha:
            warn = _mismatch(p, sha, d)
    else:
        d, warn = identify(sha, p.name)
        if d is not None and model is not None and d.weights.model != model:
            d, warn = None, None
    if d is None:
        if model is None:
            raise CheckpointError(f'{p} (sha256 {sha}) is not a released file any plugin declares; give '
                                  '--model NETWORK (and --plugin) to convert it with its plugin\'s converter')
        pl = _plugin_of_model(model, plugin)
        conv = (getattr(pl, 'converters', None) or {}).get(model) or next(
            (w.converter for w in pl.weights if w.model == model), None)
        if conv is None:
            raise PluginError(f'plugin {pl.name!r} has no converter for {model!r}')
        from ..spec import Weights
        w = Weights(name=f'{p.stem} (undeclared)', model=model, file=p.name, sha256=sha, url='', format='mat'
                    if p.suffix.lower() == '.mat' else 'torch', converter=conv, args=dict(args or {}))
        d = Declared(w, pl)
    elif args:
        d = Declared(replace(d.weights, args={**d.weights.args, **args}), d.plugin)
    if warn:
        warnings.warn(warn, WeightsWarning, stacklevel=2)
    w = d.weights
    released = read_released(p)
    fn = _converter(w.converter, f'released weights {w.name!r}')
    try:
        raw = fn(released, w)
    except SRBenchError:
        raise
    except (KeyError, IndexError, ValueError) as e:
        raise CheckpointError(f'{p}: converter {w.converter} failed for {w.model}: {type(e).__name__}: {e}') \
            from None
    sd = {k: _as_tensor(v, k, p) for k, v in raw.items()}
    net = build_network(w.model, dict(w.args))
    check_state_dict(net, sd, p, w.model)
    sd = {k: sd[k] for k in net.state_dict()}          # the network's order: reproducible bytes
    meta = dict(format=CONVERTED_FORMAT, source_file=p.name, source_path=str(p.resolve()), source_sha256=sha,
                declared_sha256=w.sha256 if w.url else None,
                sha256_ok=(w.sha256 == sha) if w.url else None,
                weights=w.name, plugin=d.plugin.name, model=dict(type=w.model, **dict(w.args)),
                converter=w.converter,
                reader=released.kind + (f' ({released.note})' if released.note else ''),
                protocol=w.protocol, url=w.url, url_path=w.path, srbench_version=__version__)
    return Converted(sd, w, d.plugin, meta, [warn] if warn else [])


def checkpoint_of(conv: Converted) -> dict:
    """The srbench checkpoint of a conversion: ``{'state_dict': ..., 'meta': {'converted': provenance}}``
    (the network's own keys; :func:`srbench.engine.load_weights` loads it into an SRModel or a network)."""
    return {'state_dict': conv.state_dict, 'meta': {'converted': dict(conv.meta)}}


def save_converted(conv: Converted, out) -> Path:
    """Write the checkpoint atomically; the same conversion gives the same bytes (no time, no absolute
    path inside: the source path is left out of the file, its name and sha256 stay)."""
    from ..engine.checkpoint import atomic_torch_save
    ck = checkpoint_of(conv)
    ck['meta']['converted'].pop('source_path', None)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_torch_save(ck, out)
    return out


def is_released_file(path) -> bool:
    """True when ``path`` is a file ``srbench convert`` reads rather than an srbench checkpoint: a MATLAB
    file, or a file whose sha256 a plugin declares."""
    from ..engine.checkpoint import sha256_file
    p = Path(path).expanduser()
    if not p.is_file():
        return False
    with open(p, 'rb') as f:
        head = f.read(8)
    if head.startswith(b'MATLAB') or p.suffix.lower() == '.mat':
        return True
    sha = sha256_file(p)
    return any(d.weights.sha256 == sha for d in declarations())
