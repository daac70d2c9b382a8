"""Progress bars for long loops (test sets, training, patch making, LMDB packing), drawn by ``rich``.

A bar is drawn only where a person watches: stderr is a terminal and ``SRBENCH_PROGRESS`` is not ``0``
(``SRBENCH_PROGRESS=1`` forces bars on). Elsewhere (a pipe, a file, CI) :class:`ProgressBar` does nothing
and the callers print one line when a piece of work ends instead, so logs stay readable.
"""
from __future__ import annotations

import atexit
import os
import sys
from typing import Any

PROGRESS_ENV = 'SRBENCH_PROGRESS'

_live: list = []        # bars being drawn (stopped at exit so that a crash leaves the terminal usable)


def interactive(stream=None) -> bool:
    """Whether progress bars should be drawn on ``stream`` (default stderr)."""
    flag = os.environ.get(PROGRESS_ENV, '').strip().lower()
    if flag in ('0', 'false', 'no', 'off'):
        return False
    if flag in ('1', 'true', 'yes', 'on'):
        return True
    stream = sys.stderr if stream is None else stream
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):     # closed or replaced streams
        return False


def _stop_all() -> None:
    for p in list(_live):
        try:
            p.stop()
        except Exception:  # noqa: BLE001 -- best effort at exit
            pass
    _live.clear()


atexit.register(_stop_all)


class ProgressBar:
    """One bar: ``done/total unit``, elapsed time, ETA, speed and optional fields (``loss=...``).

    Use as a context manager or call :meth:`close`; :meth:`update` takes the number of steps done since
    the last call and the fields to show. ``enabled=None`` means :func:`interactive`. When disabled every
    method is a no-op, so the calling code needs no branch.

    Args:
        total: the number of steps (images, iterations, files).
        description: the bar's label (``Set5 x2``).
        unit: what a step is (shown after the count and in the speed).
        fields: names of extra values shown after the bar, updated through :meth:`update`.
        redirect_stdout: while the bar is drawn, print()s to a terminal stdout appear above the bar.
    """

    def __init__(self, total: int | None, description: str = '', unit: str = 'it',
                 enabled: bool | None = None, fields: tuple[str, ...] = (), redirect_stdout: bool = False):
        self.enabled = interactive() if enabled is None else bool(enabled)
        self.total, self.unit, self.fields = total, unit, tuple(fields)
        self._progress = self._task = None
        if not self.enabled:
            return
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                                   TimeRemainingColumn)
        cols: list[Any] = [TextColumn('{task.description}'), BarColumn(bar_width=30), MofNCompleteColumn(),
                           TextColumn(unit), _SpeedColumn(unit), TimeElapsedColumn(), TextColumn('eta'),
                           TimeRemainingColumn()]
        cols += [TextColumn(f'{f} {{task.fields[{f}]}}') for f in self.fields]
        console = Console(file=sys.stderr, soft_wrap=True)   # log lines above the bar: not re-wrapped
        self._progress = Progress(*cols, console=console, transient=False, redirect_stderr=False,
                                  redirect_stdout=redirect_stdout and _isatty(sys.stdout),
                                  refresh_per_second=4)
        self._progress.start()
        _live.append(self._progress)
        self._task = self._progress.add_task(description, total=total, **{f: '-' for f in self.fields})

    def update(self, advance: int = 1, **fields) -> None:
        if self._progress is not None:
            vals = {k: v for k, v in fields.items() if k in self.fields}
            self._progress.update(self._task, advance=advance, **vals)

    def set_total(self, total: int) -> None:
        """Change the number of steps (a training run cut short by its time limit)."""
        self.total = total
        if self._progress is not None:
            self._progress.update(self._task, total=total)

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            if self._progress in _live:
                _live.remove(self._progress)
            self._progress = None

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _isatty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _speed_column_class():
    from rich.progress import ProgressColumn
    from rich.text import Text

    class SpeedColumn(ProgressColumn):
        """``12.3 it/s`` (rich's own speed columns are for bytes)."""

        def __init__(self, unit: str):
            super().__init__()
            self.unit = unit

        def render(self, task) -> Text:
            s = task.finished_speed or task.speed
            if not s or s <= 0:
                return Text('')
            return Text(f'{s:.1f} {self.unit}/s' if s >= 1 else f'{1 / s:.1f} s/{self.unit}')
    return SpeedColumn


def _SpeedColumn(unit: str):   # noqa: N802 -- a class made on first use (rich is imported only for bars)
    return _speed_column_class()(unit)


def progress_callback(description: str, unit: str = 'img', lines: int = 20):
    """A ``progress(i, n)`` callback (``i`` of ``n`` done) for loops that report counts: a bar where stderr is
    a terminal, else one ``i/n unit`` line on stderr at every ``1/lines`` of the work and at the end."""
    state: dict = {}

    def progress(i: int, n: int) -> None:
        if 'bar' not in state:
            state['bar'] = ProgressBar(n, description, unit=unit)
            state['done'] = 0
        bar = state['bar']
        if bar.enabled:
            bar.update(i - state['done'])
            state['done'] = i
            if i >= n:
                bar.close()
        elif i == n or i % max(1, n // lines) == 0:
            print(f'{description}: {i}/{n} {unit}', file=sys.stderr, flush=True)
    return progress
