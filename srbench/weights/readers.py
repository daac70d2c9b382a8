"""Readers of released weight files: every format becomes a :class:`Released` -- named arrays plus, for
MatConvNet networks, the layer list -- which the plugins' converters map to srbench's modules.

* MATLAB v5 ``.mat`` (scipy, the optional dependency group ``convert``) and v7.3 (HDF5, through h5py):
  variables flattened to names -- struct fields ``a.b``, cells 1-based ``a{3}`` in MATLAB's linear order;
* MatConvNet DagNN (a struct with ``params`` and ``layers``): every parameter by its own name
  (``level1_conv3_f``), the layers (name, type, inputs, outputs, params, block options such as ``crop``)
  in :attr:`Released.layers`; SimpleNN (a ``layers`` cell of structs with ``weights``):
  ``<layer>.weights{1}``;
* PyTorch state dicts (loaded ``weights_only=True``): BasicSR's ``params_ema`` / ``params`` (EMA preferred),
  MMagic's ``generator_ema.`` / ``generator.`` prefixes (EMA preferred), ``state_dict`` wrappers and the
  ``module.`` prefix of DataParallel are unwrapped; the keys that remain are the authors' module names.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import CheckpointError

MAT_SUFFIXES = ('.mat',)
TORCH_SUFFIXES = ('.pth', '.pt', '.ckpt', '.bin')


@dataclass
class Released:
    """The contents of a released weight file, format-neutral.

    Attributes:
        path: the file. ``kind``: ``'mat'``, ``'matconvnet-dagnn'``, ``'matconvnet-simplenn'`` or ``'torch'``.
        arrays: name -> numpy array (MATLAB) or tensor (torch).
        layers: MatConvNet layers, each ``dict(name, type, inputs, outputs, params, block)``.
        note: what was unwrapped (``'params_ema'``, ``'generator_ema.'``), for the provenance record.
    """
    path: Path
    kind: str
    arrays: dict
    layers: list = field(default_factory=list)
    note: str = ''

    def get(self, name: str, what: str = ''):
        """The array ``name``; a missing one is one CheckpointError naming the file and close names."""
        if name not in self.arrays:
            close = difflib.get_close_matches(name, list(self.arrays), n=3, cutoff=0.5)
            hint = f' (close: {", ".join(close)})' if close else ''
            raise CheckpointError(f'{self.path}: has no {what or "tensor"} {name!r}{hint}; it holds '
                                  f'{_few(sorted(self.arrays))}: is it the right model file?')
        return self.arrays[name]

    def layer(self, name: str) -> dict:
        for layer in self.layers:
            if layer['name'] == name:
                return layer
        raise CheckpointError(f'{self.path}: the MatConvNet network has no layer {name!r}')


def _few(xs, n: int = 6) -> str:
    return ', '.join(xs[:n]) + (f' (+{len(xs) - n} more)' if len(xs) > n else '') if xs else 'nothing'


def _scipy_io():
    try:
        import scipy.io
    except ImportError:
        raise CheckpointError('reading MATLAB v5 .mat files needs scipy: pip install "srbench[convert]"') \
            from None
    return scipy.io


def _is_hdf5(path: Path) -> bool:
    with open(path, 'rb') as f:
        head = f.read(520)
    return head[512:520] == b'\x89HDF\r\n\x1a\n' or head[:8] == b'\x89HDF\r\n\x1a\n'


# -- MATLAB v5 -----------------------------------------------------------------------------------------
def _str_of(v) -> str:
    a = np.asarray(v)
    if a.dtype.kind in 'US':
        return ''.join(str(x) for x in a.ravel())
    if a.dtype == object and a.size == 1:
        return _str_of(a.ravel()[0])
    return ''


def _plain(v):
    """A small MATLAB value (layer option) as a plain Python value."""
    a = np.asarray(v)
    if a.dtype.kind in 'US':
        return _str_of(a)
    if a.dtype.names:
        return {k: _plain(a[k].ravel()[0]) if a[k].size == 1 else _plain(a[k]) for k in a.dtype.names} \
            if a.size == 1 else [_plain(x) for x in a.ravel()]
    if a.dtype == object:
        return [_plain(x) for x in a.ravel(order='F')]
    if a.dtype.kind in 'biuf':
        return a.ravel(order='F').tolist()
    return None


def _flatten(name: str, v, out: dict) -> None:
    a = v if isinstance(v, np.ndarray) else np.asarray(v)
    if a.dtype.names:                                   # struct (array)
        if a.size == 1:
            rec = a.ravel()[0]
            for k in a.dtype.names:
                _flatten(f'{name}.{k}', rec[k], out)
        else:
            for i, rec in enumerate(a.ravel(order='F'), 1):
                for k in a.dtype.names:
                    _flatten(f'{name}({i}).{k}', rec[k], out)
    elif a.dtype == object:                             # cell array
        for i, x in enumerate(a.ravel(order='F'), 1):
            _flatten(f'{name}{{{i}}}', x, out)
    elif a.dtype.kind in 'biuf':
        out[name] = a


def _dagnn(net, path: Path) -> Released:
    params = net['params'].ravel()
    arrays = {}
    for p in params:
        arrays[_str_of(p['name'])] = np.asarray(p['value'])
    layers = []
    for layer in net['layers'].ravel():
        blk = layer['block']
        blk = blk.ravel()[0] if isinstance(blk, np.ndarray) and blk.size == 1 else blk
        block = ({k: _plain(blk[k]) for k in blk.dtype.names}
                 if isinstance(blk, np.void) or getattr(blk, 'dtype', None) is not None and blk.dtype.names
                 else {})
        layers.append(dict(name=_str_of(layer['name']), type=_str_of(layer['type']),
                           inputs=[_str_of(x) for x in np.asarray(layer['inputs']).ravel()],
                           outputs=[_str_of(x) for x in np.asarray(layer['outputs']).ravel()],
                           params=[_str_of(x) for x in np.asarray(layer['params']).ravel()],
                           block=block))
    return Released(path, 'matconvnet-dagnn', arrays, layers)


def _simplenn(net, path: Path) -> Released:
    arrays, layers = {}, []
    for i, layer in enumerate(np.asarray(net['layers']).ravel(), 1):
        rec = layer.ravel()[0] if isinstance(layer, np.ndarray) else layer
        names = rec.dtype.names or ()
        lname = (_str_of(rec['name']) if 'name' in names else '') or f'layer{i}'
        if 'weights' in names:
            for j, w in enumerate(np.asarray(rec['weights']).ravel(order='F'), 1):
                arrays[f'{lname}.weights{{{j}}}'] = np.asarray(w)
        layers.append(dict(name=lname, type=_str_of(rec['type']) if 'type' in names else '',
                           inputs=[], outputs=[], params=[],
                           block={k: _plain(rec[k]) for k in names if k not in ('weights', 'name', 'type')}))
    return Released(path, 'matconvnet-simplenn', arrays, layers)


def _read_mat_v5(path: Path) -> Released:
    sio = _scipy_io()
    try:
        d = sio.loadmat(str(path), squeeze_me=False, struct_as_record=True)
    except Exception as e:  # noqa: BLE001 -- truncated file, not a .mat file, unsupported version
        raise CheckpointError(f'{path} is not a readable MATLAB .mat file ({type(e).__name__}: '
                              f'{str(e).splitlines()[0] if str(e) else "no detail"})') from None
    vars_ = {k: v for k, v in d.items() if not k.startswith('__')}
    for k, v in vars_.items():
        if isinstance(v, np.ndarray) and v.dtype.names and v.size == 1:
            names = set(v.dtype.names)
            if {'params', 'layers'} <= names:
                return _dagnn(v.ravel()[0], path)
            if names == {'layers'} or ('layers' in names and 'meta' in names):
                return _simplenn(v.ravel()[0], path)
    arrays: dict = {}
    for k, v in vars_.items():
        _flatten(k, v, arrays)
    return Released(path, 'mat', arrays)


# -- MATLAB v7.3 (HDF5) ----------------------------------------------------------------------------------
def _read_mat_v73(path: Path) -> Released:
    import h5py
    arrays: dict = {}
    try:
        with h5py.File(path, 'r') as f:
            def visit(name, obj, prefix=''):
                if isinstance(obj, h5py.Dataset):
                    a = obj[()]
                    if a.dtype == h5py.ref_dtype:        # cell array: references, column-major
                        for i, ref in enumerate(np.asarray(a).T.ravel(order='F'), 1):
                            visit(f'{name}{{{i}}}', f[ref])
                    elif a.dtype.kind in 'biuf':
                        # HDF5 stores MATLAB's column-major array with the dimensions reversed
                        arrays[name] = np.asarray(a).T
                elif isinstance(obj, h5py.Group):
                    for k in obj:
                        visit(f'{name}.{k}' if name else k, obj[k])
            for k in f:
                if k != '#refs#':
                    visit(k, f[k])
    except OSError as e:
        raise CheckpointError(f'{path} is not a readable MATLAB v7.3 (HDF5) file ({e})') from None
    return Released(path, 'mat', arrays)


# -- PyTorch ---------------------------------------------------------------------------------------------
def unwrap_state_dict(obj, path) -> tuple[dict, str]:
    """The network's tensors inside a torch checkpoint of another toolbox, and what was unwrapped."""
    import torch
    notes = []
    if isinstance(obj, dict):
        for key in ('params_ema', 'params'):               # BasicSR
            if isinstance(obj.get(key), dict):
                obj, _ = obj[key], notes.append(key)
                break
        else:
            if isinstance(obj.get('state_dict'), dict):
                obj, _ = obj['state_dict'], notes.append('state_dict')
            elif isinstance(obj.get('model'), dict) and all(isinstance(v, torch.Tensor)
                                                            for v in obj['model'].values()):
                obj, _ = obj['model'], notes.append('model')
    if not isinstance(obj, dict):
        raise CheckpointError(f'{path} holds no state dict of tensors')
    for prefix in ('generator_ema.', 'generator.'):        # MMagic (EMA first), srbench's SRModel
        if any(k.startswith(prefix) for k in obj):
            obj = {k[len(prefix):]: v for k, v in obj.items() if k.startswith(prefix)}
            notes.append(prefix)
            break
    if obj and all(k.startswith('module.') for k in obj):
        obj = {k[len('module.'):]: v for k, v in obj.items()}
        notes.append('module.')
    sd = {k: v for k, v in obj.items() if isinstance(v, torch.Tensor)}
    if not sd:
        raise CheckpointError(f'{path} holds no state dict of tensors')
    return sd, ' > '.join(notes)


def _read_torch(path: Path) -> Released:
    from ..engine.checkpoint import load_checkpoint_file
    obj = load_checkpoint_file(path)
    sd, note = unwrap_state_dict(obj, path)
    return Released(path, 'torch', sd, note=note)


def read_released(path) -> Released:
    """Read a released weight file (the format from its content: HDF5, MATLAB v5, else torch)."""
    p = Path(path).expanduser()
    if not p.is_file():
        raise CheckpointError(f'weight file does not exist: {p}' if not p.exists() else
                              f'weight path is not a file: {p}')
    with open(p, 'rb') as f:
        head = f.read(128)
    if _is_hdf5(p):
        return _read_mat_v73(p)
    if head.startswith(b'MATLAB') or p.suffix.lower() in MAT_SUFFIXES:
        return _read_mat_v5(p)
    return _read_torch(p)
