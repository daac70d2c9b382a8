"""Outputs that appear complete or not at all: write under a temporary sibling name, then rename.

Every file or folder srbench writes for a user (results JSONs, checkpoints, images, patch stores, markdown
tables) goes through :func:`atomic_path` (or the helpers built on it). The temporary name is
``.<name>.tmp-<pid><suffix>`` in the same folder (same file system, so the final rename is atomic; the
suffix is kept so that writers that pick a format by extension, like OpenCV, still do). On success the
temporary is renamed onto the final name (an existing folder there is swapped out first); on any error,
Ctrl-C included, it is removed, so nothing is ever left under the final name half-written.

A process killed with ``kill -9`` cannot remove its temporary; :func:`remove_stale_temps` finds those of
processes that no longer run (the pid is in the name) so the next run can clean them up.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
from pathlib import Path
from typing import Iterator

from ..errors import ConfigError

TMP_TAG = '.tmp-'
_TMP_RE = re.compile(r'^\.(?P<name>.+)\.tmp-(?P<pid>\d+)(?P<suffix>\.[^.]*)?$')


def tmp_sibling(final, keep_suffix: bool = False, pid: int | None = None) -> Path:
    """The temporary name of ``final`` for this process: ``.<name>.tmp-<pid>`` (``keep_suffix``:
    ``.<stem>.tmp-<pid><suffix>``, so that the file keeps its extension)."""
    p = Path(final)
    pid = os.getpid() if pid is None else pid
    if keep_suffix and p.suffix:
        return p.with_name(f'.{p.stem}{TMP_TAG}{pid}{p.suffix}')
    return p.with_name(f'.{p.name}{TMP_TAG}{pid}')


def remove_path(p: Path) -> None:
    """Remove a file, link or folder tree if it exists."""
    p = Path(p)
    if p.is_dir() and not p.is_symlink():
        shutil.rmtree(p, ignore_errors=True)
    elif p.exists() or p.is_symlink():
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


def _fsync_path(p: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(p, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def publish(tmp, final, fsync: bool = False) -> None:
    """Rename the finished ``tmp`` onto ``final``. Where ``os.replace`` cannot (a folder at ``final``, or
    a folder replacing a file), what is at ``final`` is moved aside first and removed after."""
    tmp, final = Path(tmp), Path(final)
    if fsync and tmp.is_file():
        _fsync_path(tmp)
    if (final.is_dir() and not final.is_symlink()) or (tmp.is_dir() and final.exists()):
        old = tmp_sibling(final).with_name(tmp_sibling(final).name + '.old')
        remove_path(old)
        os.rename(final, old)
        os.rename(tmp, final)
        remove_path(old)
    else:
        os.replace(tmp, final)


@contextlib.contextmanager
def atomic_path(final, is_dir: bool = False, keep_suffix: bool = False, fsync: bool = False) -> Iterator[Path]:
    """Yield a temporary path next to ``final`` to write to (a created, empty folder when ``is_dir``);
    publish it as ``final`` when the block ends normally, remove it when the block raises."""
    final = Path(os.path.expanduser(str(final)))
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = tmp_sibling(final, keep_suffix=keep_suffix)
    remove_path(tmp)
    if is_dir:
        tmp.mkdir()
    try:
        yield tmp
        publish(tmp, final, fsync=fsync)
    except BaseException:
        remove_path(tmp)
        raise


@contextlib.contextmanager
def atomic_open(final, mode: str = 'w', fsync: bool = False, encoding: str | None = 'utf-8'):
    """``open()`` a temporary sibling of ``final`` for writing; it becomes ``final`` when the block ends
    normally (flushed, and fsync'ed when asked), and is removed when the block raises."""
    if 'b' in mode:
        encoding = None
    with atomic_path(final) as tmp:
        with open(tmp, mode, encoding=encoding) as f:
            yield f
            if fsync:
                f.flush()
                os.fsync(f.fileno())


def write_text_atomic(text: str, path) -> None:
    """Write ``text`` to ``path`` atomically (UTF-8)."""
    with atomic_open(path, 'w') as f:
        f.write(text)


def write_json_atomic(obj, path, indent: int = 1) -> None:
    """Write ``obj`` as JSON (with a final newline) to ``path`` atomically."""
    with atomic_open(path, 'w') as f:
        json.dump(obj, f, indent=indent)
        f.write('\n')


def pid_alive(pid: int) -> bool:
    """True when a process with this pid exists (on this machine)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stale_temps(folder, name: str | None = None) -> list[Path]:
    """Temporaries (``.<name>.tmp-<pid>...``) in ``folder`` left by processes that no longer run
    (only those of ``name`` when given)."""
    d = Path(folder)
    if not d.is_dir():
        return []
    out = []
    for e in d.iterdir():
        m = _TMP_RE.match(e.name)
        if not m:
            continue
        forms = None if name is None else ((name, None), (Path(name).stem, Path(name).suffix))
        if forms is not None and (m['name'], m['suffix']) not in forms:
            continue
        pid = int(m['pid'])
        if pid != os.getpid() and not pid_alive(pid):
            out.append(e)
    return sorted(out)


def remove_stale_temps(folder, name: str | None = None) -> list[Path]:
    """Remove :func:`stale_temps` of ``folder``; returns what was removed."""
    gone = stale_temps(folder, name)
    for p in gone:
        remove_path(p)
    return gone


def clean_stale_temps(folder, name: str | None = None) -> list[Path]:
    """What a run does before it writes into ``folder``: remove the temporaries that killed runs left there
    (:func:`remove_stale_temps`) and say so on stderr (a patch store's temporary can be gigabytes)."""
    import sys
    gone = remove_stale_temps(folder, name)
    if gone:
        print(f'srbench: removed {len(gone)} temporary file(s) that killed runs left in {folder}: '
              + ', '.join(p.name for p in gone[:5]) + (' ...' if len(gone) > 5 else ''), file=sys.stderr)
    return gone


def check_writable(path, what: str, is_dir: bool = False) -> Path:
    """Check, before any work is done, that ``path`` (a file, or a folder with ``is_dir``) can be created or
    replaced: its nearest existing ancestor is a folder this process may write in, and the path itself is not
    a folder where a file is wanted (or the reverse). One ConfigError naming ``what`` and the path otherwise.
    Returns the path."""
    p = Path(os.path.expanduser(str(path)))
    if p.exists():
        if is_dir and not p.is_dir():
            raise ConfigError(f'{what} {p} is a file, not a folder')
        if not is_dir and p.is_dir():
            raise ConfigError(f'{what} {p} is a folder; expected a file name')
    anc = p if (is_dir and p.is_dir()) else p.parent
    while not anc.exists() and anc != anc.parent:
        anc = anc.parent
    if not anc.is_dir():
        raise ConfigError(f'{what} {p} cannot be created: {anc} is a file, not a folder')
    probe = anc / f'.srbench-probe{TMP_TAG}{os.getpid()}'     # os.access says yes to root even where no one may
    try:
        os.close(os.open(probe, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        os.unlink(probe)
    except OSError as e:
        raise ConfigError(f'{what} {p} cannot be created: cannot write in {anc} ({e.strerror or e})') from None
    return p
