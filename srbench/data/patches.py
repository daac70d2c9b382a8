"""Training datasets of prepared patch pairs. :class:`PatchDataset` reads any patch store
(:mod:`srbench.data.stores`: one HDF5 file, two LMDBs or two image folders, as ``tools/data_aug.py`` writes
them); :class:`H5PatchDataset`, :class:`LMDBDataset` and :class:`PatchPairDataset` are PatchDataset over one
store each, with the arguments configs have always used.

What the dataset does, the same for every store:

* **Scale.** Each patch has a scale: the one the store states (h5 dataset ``scale``; a ``_x<s>`` suffix of
  the patch name; the HR/LR size ratio), else the size ratio of the store's first such pair (LR-sized
  inputs) or ``scale=`` (HR-sized inputs). ``scale=None`` uses every patch (multi-scale training: pair the
  loader with ``batch_sampler=dict(type='ScaleBatchSampler')``); ``scale=s`` keeps only the patches of
  scale ``s``. :attr:`sample_scales` gives the scale of every index.
* **Input kind.** A store holds either LR inputs (``scale`` times smaller than the HR) or HR-sized
  inputs (the LR upsampled back: ``--same_size``/``--upsampling``). HR-sized inputs given to a model
  that takes the LR image (``input_kind='lr'``) are an error; LR inputs given to a model that takes the
  upsampled image (``input_kind='bicubic'``) are upsampled on the fly with MATLAB ``imresize``
  (bicubic, per patch: the patch borders are mirror-padded, unlike an upsampled whole image).
* **Checks.** The first pair the dataset serves is checked on construction (sizes against each other, the
  stated scale and the kind of inputs), every pair when it is read.
* **Workers.** The store opens its files lazily, once per process, so the datasets work with
  ``num_workers > 0`` and under DDP.

Values: uint8 data → ``uint8 / 255``; float data (the unquantised LR of the classic recipes) as is.
"""
from __future__ import annotations

import numpy as np

from ..errors import DataError
from ..registry import DATASETS
from ..transforms.degrade import upsample_float
from .common import SRDatasetBase
from .stores import build_store


@DATASETS.register_module()
class PatchDataset(SRDatasetBase):
    """Patch pairs from one store.

    Args:
        store: ``dict(type='h5' | 'lmdb' | 'folder', ...)`` (see :mod:`srbench.data.stores`), the path of a
            ``tools/data_aug.py`` output, or a :class:`srbench.data.stores.PatchStore`.
        scale: keep only the patches of this scale (default: all); HR-sized inputs whose scale the store
            does not say need it.
        input_kind / channels: from the model's plugin metadata (filled by srbench's APIs).
        name: the data set's name in results (default: from the store's path).
    """

    #: a sample depends on its index alone (no random transforms): a resumed training run skips the
    #: sampler's indices instead of reloading the batches already trained on (srbench.engine.train_loop)
    index_determined_samples = True

    def __init__(self, store, scale=None, input_kind=None, channels=None, name: str | None = None):
        super().__init__(scale, input_kind, channels, name)
        self.store = build_store(store, self.channels)
        self.name = name or self.store.default_name
        self._resolve_scales()
        self.store.preload(self._index)

    @property
    def same_size(self) -> bool:
        """The store holds HR-sized (bicubic-upsampled) inputs."""
        return self.store.same_size

    def _resolve_scales(self):
        """Check the input kind and settle the per-patch scales; sets ``self._index`` (the store's pairs this
        dataset serves, None: all) and ``self._scales``; checks the first pair served."""
        st = self.store
        if len(st) == 0:
            raise DataError(f'{st.where}: no patches')
        if st.same_size and self.input_kind == 'lr':
            raise DataError(
                f'{st.where}: HR-sized (bicubic-upsampled) inputs, but the model takes the LR image '
                f"(input_kind='lr'); make the data without --same_size/--upsampling (LR-sized inputs)")
        scales = st.stated
        unknown = np.flatnonzero(scales == 0)
        if unknown.size:
            scales = scales.copy()
            if not st.same_size:                   # the size ratio of the first pair without a stated scale
                scales[unknown] = st.check_pair(int(unknown[0]))
            elif self.scale is not None:
                scales[unknown] = self.scale
            else:
                raise DataError(f'{st.where}: HR-sized inputs whose scale the store does not say: '
                                'pass scale=')
        if self.scale is None:
            self._index = None
        else:
            self._index = np.flatnonzero(scales == self.scale)
            if self._index.size == 0:
                have = ', '.join(f'x{s}' for s in np.unique(scales))
                raise DataError(f'{st.where}: no x{self.scale} patches (the store holds {have} patches); '
                                'pass scale=None to use every scale')
            if self._index.size == len(st):
                self._index = None
        self._scales = scales if self._index is None else scales[self._index]
        self.scales = sorted(int(s) for s in np.unique(self._scales))
        j0 = 0 if self._index is None else int(self._index[0])
        st.check_pair(j0, stated=int(st.stated[j0]))

    @property
    def sample_scales(self) -> np.ndarray:
        """The scale of every index (what :class:`srbench.data.ScaleBatchSampler` groups by)."""
        return self._scales

    def __len__(self):
        return len(self._scales)

    def _item(self, i: int) -> int:
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(f'index {i} out of range for {len(self)} patches')
        return int(i) if self._index is None else int(self._index[i])

    def __getitem__(self, i):
        j = self._item(i)
        hr, inp = self.store.read(j)
        name = self.store.name(j) or f'{self.name}[{j}]'
        scale = int(self._scales[i])
        H, W = hr.shape[:2]
        h, w = inp.shape[:2]
        where = self.store.where
        if self.store.same_size:
            if (h, w) != (H, W):
                raise DataError(f'{where}: input {name} is {w}x{h}, HR is {W}x{H}; expected the same size')
        elif (h * scale, w * scale) != (H, W):
            raise DataError(f'{where}: LR {name} is {w}x{h}, HR is {W}x{H}; at x{scale} expected LR '
                            f'{W // scale}x{H // scale}' + ('' if W % scale == 0 and H % scale == 0 else
                                                         f' (HR sides are not multiples of {scale})'))
        elif self.input_kind == 'bicubic':
            inp = upsample_float(inp, (H, W)).astype(np.float32, copy=False)
        return self.pack(inp, hr, name, scale)


@DATASETS.register_module()
class H5PatchDataset(PatchDataset):
    """:class:`PatchDataset` over one HDF5 file (:class:`srbench.data.stores.h5.H5Store`): datasets ``hr`` and
    ``lr`` (N×H×W for Y, N×H×W×C), optional ``scale`` (N,) for multi-scale files.

    ``lr`` is the model input: LR-sized, or HR-sized (bicubic-upsampled, the classic SRCNN/VDSR
    data). uint8 or float arrays; ``tools/data_aug.py`` writes ``hr`` uint8 and ``lr`` float32.

    Args:
        h5_path: the ``.h5`` file.
        scale: keep only the patches of this scale (default: all; a single-scale file without a
            ``scale`` dataset and with HR-sized inputs needs it).
        input_kind / channels: from the model's plugin metadata (filled by srbench's APIs).
        in_memory: load the patches into RAM on construction (forked workers share the pages).
    """

    def __init__(self, h5_path, scale=None, input_kind=None, channels=None, in_memory: bool = False,
                 name: str | None = None):
        super().__init__(dict(type='h5', path=h5_path, in_memory=in_memory), scale, input_kind, channels,
                         name)


@DATASETS.register_module()
class PatchPairDataset(PatchDataset):
    """:class:`PatchDataset` over two image folders (:class:`srbench.data.stores.folder.FolderStore`):
    ``hr_dir`` (``train_HR``) and ``lr_dir`` (``train_LR``) with matching names (the LR may have another
    extension).

    Sizes: LR = HR / scale, or equal sizes with ``same_size=True`` (HR-sized, bicubic-upsampled inputs).
    The first pair is checked on construction, every pair when it is read. The scale of a patch is the
    ``_x<s>`` suffix of its name (``tools/data_aug.py`` names), else the size ratio of the first pair
    (LR-sized) or ``scale`` (HR-sized).
    """

    def __init__(self, hr_dir, lr_dir, scale=None, same_size: bool = False, input_kind=None, channels=None,
                 name: str | None = None):
        super().__init__(dict(type='folder', hr_dir=hr_dir, lr_dir=lr_dir, same_size=same_size), scale,
                         input_kind, channels, name)


@DATASETS.register_module()
class LMDBDataset(PatchDataset):
    """:class:`PatchDataset` over two LMDBs (:class:`srbench.data.stores.lmdb.LMDBStore`, HR and LR) in the
    BasicSR/MMagic layout: a folder with ``data.mdb``, ``lock.mdb`` and ``meta_info.txt``; values are
    PNG-encoded images, keys as listed in ``meta_info.txt``. Every HR key needs the same key in the LR LMDB.
    Opened read-only, lazily per process. The scale of a pair is its size ratio (from ``meta_info.txt``),
    or for HR-sized inputs the ``_x<s>`` suffix of its key, or ``scale``.
    """

    def __init__(self, hr_lmdb, lr_lmdb, scale=None, input_kind=None, channels=None, name: str | None = None):
        super().__init__(dict(type='lmdb', hr_lmdb=hr_lmdb, lr_lmdb=lr_lmdb), scale, input_kind, channels,
                         name)
