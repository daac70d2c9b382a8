"""Is a data root the standard benchmark data? ``srbench data check ROOT`` compares the images under
``ROOT/<Set>/HR/`` with a manifest of the standard sets (Set5, Set14, BSD100, Urban100, T91, BSD200).

The manifest (``benchmark_manifest.json`` beside this module, shipped in the package; made by
``benchmarks/make_manifest.py`` from the reference copy) holds no images: per set, per image its name (the
file stem), the file name it was made from, width, height, channels (1 = gray, 3 = RGB, as srbench reads
it) and the sha256 of the DECODED pixels (:func:`pixel_hash`), so a PNG and a BMP of the same image agree,
while a re-encoded JPEG, a resized or mod-cropped copy, or a gray image saved as RGB do not (srbench's
evaluation would differ for each). Images are matched by file stem, whatever their extension.

Format ``srbench-data-manifest/1``::

    {"format": "srbench-data-manifest/1", "hash": "sha256 of b'srbench-pixels/1 <H>x<W>x<C>\\n' + pixels",
     "sets": {"Set5": {"source": "...", "images": [
         {"name": "baby", "file": "baby.png", "width": 512, "height": 512, "channels": 3,
          "pixels_sha256": "..."}, ...]}, ...}}
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import DataError
from .io import imread, is_image_file

MANIFEST_FORMAT = 'srbench-data-manifest/1'
MANIFEST_PATH = Path(__file__).with_name('benchmark_manifest.json')
STANDARD_SETS = ('Set5', 'Set14', 'BSD100', 'Urban100', 'T91', 'BSD200')


def pixel_hash(img: np.ndarray) -> str:
    """sha256 of an image's decoded pixels (as :func:`srbench.data.io.imread` returns them: uint8, RGB order,
    H×W for single-channel images), with its shape, so that only equal pixel arrays share a hash."""
    a = np.ascontiguousarray(img, dtype=np.uint8)
    c = 1 if a.ndim == 2 else a.shape[2]
    h = hashlib.sha256(f'srbench-pixels/1 {a.shape[0]}x{a.shape[1]}x{c}\n'.encode())
    h.update(a.tobytes())
    return h.hexdigest()


def image_record(path) -> dict:
    """The manifest entry of one image file."""
    img = imread(path)
    p = Path(path)
    return dict(name=p.stem, file=p.name, width=int(img.shape[1]), height=int(img.shape[0]),
                channels=1 if img.ndim == 2 else int(img.shape[2]), pixels_sha256=pixel_hash(img))


def make_manifest(root, sets=STANDARD_SETS, sources: dict | None = None, progress=None) -> dict:
    """The manifest of ``root/<Set>/HR/*`` for ``sets`` (``sources``: set -> where it came from)."""
    out = dict(format=MANIFEST_FORMAT, hash="sha256 of b'srbench-pixels/1 <H>x<W>x<C>\\n' + the uint8 pixels "
                                            '(RGB order; gray images single-channel)', sets={})
    for s in sets:
        files = _image_files(Path(root) / s / 'HR')
        if files is None:
            raise DataError(f'make_manifest: {Path(root) / s / "HR"} does not exist')
        recs = []
        for f in files:
            recs.append(image_record(f))
            if progress:
                progress(s, f)
        out['sets'][s] = dict(source=(sources or {}).get(s, ''), images=recs)
    return out


def load_manifest(path=None) -> dict:
    p = Path(path) if path else MANIFEST_PATH
    try:
        m = json.loads(p.read_text())
    except FileNotFoundError:
        raise DataError(f'manifest {p} does not exist') from None
    except (OSError, ValueError) as e:
        raise DataError(f'manifest {p} cannot be read: {e}') from None
    if not isinstance(m, dict) or m.get('format') != MANIFEST_FORMAT or not isinstance(m.get('sets'), dict):
        raise DataError(f'manifest {p}: expected format {MANIFEST_FORMAT!r} with "sets", got '
                        f'{m.get("format") if isinstance(m, dict) else type(m).__name__!r}')
    return m


@dataclass
class Problem:
    """One difference between a data root and the manifest."""
    set: str
    kind: str   # missing set | missing | extra | duplicate | size | channels | pixels | unreadable
    where: str          # the folder, file or image name
    detail: str

    def line(self) -> str:
        return f'{self.where}: {self.kind}: {self.detail}'


@dataclass
class CheckReport:
    root: str
    checked: dict        # set -> number of images that match
    expected: dict       # set -> number of images in the manifest
    problems: list

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        out = [p.line() for p in self.problems]
        for s, n in self.expected.items():
            out.append(f'{s}: {self.checked.get(s, 0)}/{n} images match')
        total, good = sum(self.expected.values()), sum(self.checked.values())
        out.append(f'data root {self.root}: ' + (f'all {total} images match the manifest' if self.ok else
                                                 f'{len(self.problems)} problem(s); {good}/{total} images '
                                                 'match'))
        return out


def _image_files(folder: Path):
    if not folder.is_dir():
        return None
    return sorted((p for p in folder.iterdir() if p.is_file() and not p.name.startswith('.')
                   and is_image_file(p.name)), key=lambda p: p.name)


def _desc(rec: dict) -> str:
    return f'{rec["width"]}x{rec["height"]} {"gray" if rec["channels"] == 1 else "RGB"}'


def check_root(root, sets=None, manifest=None, progress=None) -> CheckReport:
    """Compare ``root/<Set>/HR/`` with the manifest for ``sets`` (default: every set of the manifest).

    ``progress(set, done, total)`` is called after each image. Returns a :class:`CheckReport`: one
    :class:`Problem` per missing set folder, missing, extra or duplicate image, and per image whose size,
    channels or decoded pixels differ.
    """
    m = manifest if isinstance(manifest, dict) else load_manifest(manifest)
    known = m['sets']
    sets = list(sets) if sets else list(known)
    for s in sets:
        if s not in known:
            raise DataError(f'--sets: the manifest has no set {s!r}; it has {", ".join(known)}')
    root_p = Path(str(root)).expanduser()
    if not root_p.is_dir():
        raise DataError(f'data root {root_p} does not exist or is not a folder')
    problems, checked, expected = [], {}, {}
    for s in sets:
        recs = {r['name']: r for r in known[s]['images']}
        expected[s] = len(recs)
        folder = root_p / s / 'HR'
        files = _image_files(folder)
        if files is None:
            problems.append(Problem(s, 'missing set', f'{s}/HR', f'folder {folder} does not exist '
                                    f'({len(recs)} images expected)'))
            continue
        by_stem: dict[str, list[Path]] = {}
        for f in files:
            by_stem.setdefault(f.stem, []).append(f)
        good = 0
        for i, (name, rec) in enumerate(recs.items()):
            fs = by_stem.pop(name, [])
            where = f'{s}/HR/{name}'
            if not fs:
                problems.append(Problem(s, 'missing', where, f'no file {name}.* (expected {rec["file"]}, '
                                                             f'{_desc(rec)})'))
            elif len(fs) > 1:
                problems.append(Problem(s, 'duplicate', where, 'two files with this name: '
                                        + ', '.join(f.name for f in fs)))
            else:
                p = _compare(s, fs[0], rec)
                if p is None:
                    good += 1
                else:
                    problems.append(p)
            if progress:
                progress(s, i + 1, len(recs))
        for stem, fs in sorted(by_stem.items()):
            for f in fs:
                problems.append(Problem(s, 'extra', f'{s}/HR/{f.name}',
                                        'not in the manifest of the standard set'))
        checked[s] = good
    return CheckReport(str(root_p.resolve()), checked, expected, problems)


def _compare(s: str, path: Path, rec: dict) -> Problem | None:
    where = f'{s}/HR/{path.name}'
    try:
        got = image_record(path)
    except DataError as e:
        return Problem(s, 'unreadable', where, str(e))
    if (got['width'], got['height']) != (rec['width'], rec['height']):
        return Problem(s, 'size', where, f'{got["width"]}x{got["height"]}, expected '
                       f'{rec["width"]}x{rec["height"]}'
                       + (' (mod-cropped or resized?)' if got['width'] <= rec['width']
                          and got['height'] <= rec['height'] else ''))
    if got['channels'] != rec['channels']:
        return Problem(s, 'channels', where, f'{got["channels"]} channel(s), expected {rec["channels"]} '
                       '(a gray image stored as RGB, or the reverse, changes the Y channel srbench '
                       'evaluates)')
    if got['pixels_sha256'] != rec['pixels_sha256']:
        return Problem(s, 'pixels', where, f'decoded pixels differ from the standard image (pixel sha256 '
                       f'{got["pixels_sha256"][:12]}..., expected {rec["pixels_sha256"][:12]}...; re-encoded '
                       'as JPEG, or edited?)')
    return None
