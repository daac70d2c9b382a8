"""What every patch store shares: the reader interface (:class:`PatchStore`), the scale of a pair from its
sizes (:func:`pair_scale`, the one place that checks HR and input sizes against each other, against a scale
the store states and against the kind of inputs the store holds), and the writer base (:class:`PatchWriter`:
atomic output, per-scale counts)."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import numpy as np

from ...errors import ConfigError, DataError
from ...utils.atomic import publish, remove_path, tmp_sibling

MARKER = 'srbench_data.json'        # in every folder output: its settings and summary; marks it as srbench's
SCALE_SUFFIX = re.compile(r'_x(\d+)$')


def scale_from_name(name: str) -> int:
    """The scale in a patch name ``..._x<s>`` (``tools/data_aug.py`` names), or 0."""
    m = SCALE_SUFFIX.search(name)
    return int(m.group(1)) if m else 0


def pair_scale(hr_hw, lr_hw, lr_name: str, hr_name: str, stated: int = 0, stated_by: str = '',
               same_size: bool | None = None, kind_by: str = '', kind_hint: str = '') -> int:
    """The scale of one (HR, input) pair from its sizes: 0 when they are equal (an HR-sized input), else the
    integer ratio HR / LR.

    One DataError that names the pair (``<lr_name> is wxh and <hr_name> is WxH``) when the sizes are not an
    integer scale apart, when they contradict the scale the store states for the pair (``stated`` > 0, said
    by ``stated_by``), or when the pair is not of the kind the store holds (``same_size``: HR-sized inputs
    (True) or LR-sized ones (False), as ``kind_by`` says; ``kind_hint`` ends that message).
    """
    (H, W), (h, w) = hr_hw[:2], lr_hw[:2]
    same = (h, w) == (H, W)

    def pair():
        return f'{lr_name} is {w}x{h} and {hr_name} is {W}x{H}'

    if same_size is not None and same != same_size:
        if same_size:
            raise DataError(f'{pair()}, but {kind_by} says HR-sized inputs{kind_hint}')
        raise DataError(f'{pair()}: an HR-sized input, but {kind_by} says LR-sized inputs{kind_hint}')
    if same:
        return 0
    if H % h or W % w or H // h != W // w:
        raise DataError(f'{pair()}: not an integer scale apart (expected LR = HR / scale, or the same size)')
    ratio = H // h
    if stated and stated != ratio:
        raise DataError(f'{pair()} (x{ratio}), but {stated_by} says x{stated}')
    return ratio


class PatchStore:
    """N patch pairs (HR patch, model input) in one on-disk format, read-only: what
    :class:`srbench.data.PatchDataset` reads through. A store knows its layout; the dataset does the rest
    (scales, input kind, sample layout).

    A subclass' constructor checks the layout and sets:

    * ``where``: names the store in messages; ``default_name``: the data set's name in results;
    * ``same_size``: the inputs are HR-sized (bicubic-upsampled), not LR-sized; ``kind_by`` (and
      ``kind_hint``): what says so, for messages;
    * ``stated``: int16 array (N,), the scale the store states for each pair (a ``scale`` dataset, an
      ``_x<s>`` name suffix, the sizes of an LR-sized pair), 0 where it states none; ``stated_by``: what
      states it, for messages.

    and implements :meth:`sizes`, :meth:`pair_names`, :meth:`read` (and :meth:`name`, :meth:`_open`,
    :meth:`preload` where it has them). Open files live in :meth:`handle`: opened on first use in each
    process, so a store works in forked or spawned DataLoader workers and under DDP; pickling drops them.
    """

    format = ''
    where = default_name = ''
    same_size = False
    kind_by = 'its first pair'
    kind_hint = '; a store holds either LR-sized or HR-sized inputs'
    stated_by = 'the store'

    def __init__(self, channels: str):
        self.channels = channels
        self.stated = np.zeros(0, np.int16)
        self._handle = self._pid = None

    def __len__(self) -> int:
        return len(self.stated)

    def sizes(self, j: int):
        """((H, W), (h, w)): the HR and input sizes of pair j (from the store's metadata where it has
        them)."""
        raise NotImplementedError

    def pair_names(self, j: int) -> tuple[str, str]:
        """(input, HR) of pair j as messages name them."""
        raise NotImplementedError

    def name(self, j: int) -> str | None:
        """The name of pair j in a sample's metainfo (None: the dataset names it ``<dataset>[j]``)."""
        return None

    def read(self, j: int):
        """(hr, input) of pair j: H×W×C arrays in the store's channel mode (uint8, or float as stored)."""
        raise NotImplementedError

    def preload(self, index) -> None:
        """Called once with the pairs the dataset serves (None: all): a store that keeps them in memory loads
        them now."""

    def _open(self):
        """The open files of this process (None: nothing to open)."""
        return None

    def handle(self):
        """:meth:`_open`'s result, opened once per process (again in a forked or spawned worker)."""
        pid = os.getpid()
        if self._handle is None or self._pid != pid:
            self._handle, self._pid = self._open(), pid
        return self._handle

    def __getstate__(self):
        state = dict(self.__dict__)
        state['_handle'] = state['_pid'] = None
        return state

    def check_pair(self, j: int, stated: int = 0) -> int:
        """:func:`pair_scale` of pair j (``stated``: the scale the store states for it, 0: none), with this
        store's names and kind of inputs."""
        hr_hw, lr_hw = self.sizes(j)
        return pair_scale(hr_hw, lr_hw, *self.pair_names(j), stated=stated, stated_by=self.stated_by,
                          same_size=self.same_size, kind_by=self.kind_by, kind_hint=self.kind_hint)


# ------------------------------------------------------------------------------------------- writers
class AtomicOutput:
    """A temporary sibling of ``final`` that becomes ``final`` on :meth:`commit`.

    An existing ``final`` is an error unless ``overwrite``; a directory is only replaced when srbench
    wrote it (it holds ``srbench_data.json``).
    """

    def __init__(self, final, is_dir: bool, overwrite: bool = False):
        self.final = Path(os.path.expanduser(str(final)))
        if str(final) == '':
            raise ConfigError('output path is empty')
        if self.final.exists():
            if not overwrite:
                raise DataError(f'output already exists: {self.final}; pass --overwrite to replace it')
            if self.final.is_dir() and not (self.final / MARKER).is_file():
                raise DataError(f'output {self.final} is a folder that srbench did not write (no {MARKER}); '
                                'remove it yourself or choose another --output')
        self.final.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = tmp_sibling(self.final)
        remove_path(self.tmp)
        if is_dir:
            self.tmp.mkdir()
        self.done = False

    def commit(self):
        publish(self.tmp, self.final)
        self.done = True

    def abort(self):
        if not self.done:
            remove_path(self.tmp)


def dir_bytes(path: Path) -> int:
    """Bytes on disk of a file or of the files under a folder (apparent sizes)."""
    p = Path(path)
    if p.is_file():
        return p.stat().st_size
    return sum(f.stat().st_size for f in p.rglob('*') if f.is_file())


class PatchWriter:
    """Base of the patch-pair writers: every writer builds its output under a temporary sibling name
    (``.<name>.tmp-<pid>``) and renames it onto the final path only when :meth:`close` completes; on any error
    (or Ctrl-C) :meth:`abort` removes it. Patches arrive in chunks and go straight to disk.

    ``add(hr, inp, scale, names)`` with ``hr`` N×h×w×C uint8 and ``inp`` N×h'×w'×C (float in [0, 1] or
    uint8); ``close(meta)`` finishes and renames."""

    is_dir = True

    def __init__(self, output, overwrite: bool = False):
        self.out = AtomicOutput(output, self.is_dir, overwrite)
        self.count = 0
        self.per_scale: dict = {}

    def add(self, hr, inp, scale: int, names):
        n = len(hr)
        self._add(hr, inp, int(scale), names)
        self.count += n
        self.per_scale[int(scale)] = self.per_scale.get(int(scale), 0) + n

    def _add(self, hr, inp, scale, names):  # pragma: no cover - abstract
        raise NotImplementedError

    def _finish(self, meta: dict):
        pass

    def close(self, meta: dict) -> dict:
        """Finish, rename onto the final path; returns {'patches', 'bytes', 'path'}."""
        per = {f'x{k}': v for k, v in sorted(self.per_scale.items())}
        meta = dict(meta, patches=self.count, per_scale=per)
        self._finish(meta)
        if self.is_dir:
            write_marker(self.out.tmp, meta)
        size = dir_bytes(self.out.tmp)
        self.out.commit()
        return dict(patches=self.count, bytes=size, path=str(self.out.final))

    def abort(self):
        self.out.abort()


def write_marker(folder: Path, meta: dict) -> None:
    """``srbench_data.json`` in a folder output (how it was made; marks the folder as srbench's)."""
    (Path(folder) / MARKER).write_text(json.dumps(meta, indent=1, default=str))


def read_marker(folder) -> dict:
    """What :func:`write_marker` wrote in ``folder`` ({} when there is no readable marker)."""
    try:
        meta = json.loads((Path(os.path.expanduser(str(folder))) / MARKER).read_text())
    except (OSError, ValueError):
        return {}
    return meta if isinstance(meta, dict) else {}
