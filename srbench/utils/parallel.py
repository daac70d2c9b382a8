"""The threads srbench's evaluation uses besides the main one (both CPU cores of a small machine work).

* The test loop computes the metrics of image i in a second thread while image i+1 is loaded and goes
  through the network (:class:`srbench.engine.loops.MultiTestLoop`);
* the metric kernels split their work in two fixed halves (SSIM's rows; the SR and HR sides of the metric
  preparation) and run the second half in a helper thread (:func:`both`), or hand each piece of a sequence
  to the helper thread while the next is made (IFC: the statistics of a subband while the pyramid makes the
  next one, :func:`pipeline`).

NumPy, OpenCV and torch release the GIL in their kernels, so these threads run in parallel. The split does
not depend on the number of threads, so the numbers are the same bit for bit with or without them.

``$SRBENCH_THREADS``: how many threads evaluation may keep busy (default: the CPUs this process may run on,
at most 2); ``1`` switches both uses off. It is separate from ``OMP_NUM_THREADS`` (torch's and BLAS's
threads inside one operation), which srbench leaves as it is.
"""
from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

ENV = 'SRBENCH_THREADS'
_lock = threading.Lock()
_pool: list = []


def eval_threads() -> int:
    """``$SRBENCH_THREADS`` if set (at least 1), else the CPUs this process may use, at most 2."""
    v = os.environ.get(ENV, '').strip()
    if v:
        try:
            return max(1, int(v))
        except ValueError:
            from ..errors import ConfigError
            raise ConfigError(f'${ENV} must be a whole number of threads, got {v!r}') from None
    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        n = os.cpu_count() or 1
    return max(1, min(2, n))


def _helper() -> ThreadPoolExecutor:
    with _lock:
        if not _pool:
            _pool.append(ThreadPoolExecutor(1, thread_name_prefix='srbench-kernel'))
        return _pool[0]


_state = threading.local()


class kernels_inline:
    """Context: :func:`both` and :func:`pipeline` run everything in the calling thread (a thread that is
    itself one of several working in parallel, such as the test loop's metric threads)."""

    def __enter__(self):
        self.saved = getattr(_state, 'inline', False)
        _state.inline = True
        return self

    def __exit__(self, *exc):
        _state.inline = self.saved
        return False


def helper_available() -> bool:
    """Whether :func:`both` and :func:`pipeline` run work in the helper thread from this thread (two threads
    allowed, not inside :class:`kernels_inline`, and this is not the helper thread itself)."""
    return (eval_threads() >= 2 and not getattr(_state, 'inline', False)
            and not threading.current_thread().name.startswith('srbench-kernel'))


def pipeline(items, fn) -> list:
    """``[fn(x) for x in items]``, the calls in the helper thread while this one makes the next item (at most
    one call pending: when item i+1 is being made, item i-1's call has returned, so items may reuse two
    buffers in turn). Results in order; the first error is raised here, after the pending call ended."""
    if not helper_available():
        return [fn(x) for x in items]
    out, pending = [], None
    try:
        for x in items:
            if pending is not None:
                out.append(pending.result())
            pending = _helper().submit(fn, x)
        if pending is not None:
            out.append(pending.result())
            pending = None
    finally:
        if pending is not None:           # an error while making an item: let the call end first
            _settle(pending)
    return out


def both(first, second):
    """``(first(), second())``: ``second`` in the helper thread while ``first`` runs here when
    :func:`eval_threads` allows a second thread, else one after the other. An exception of either is
    raised here (the other is waited for first)."""
    if not helper_available():
        return first(), second()
    fut = _helper().submit(second)
    try:
        a = first()
    except BaseException:
        _settle(fut)
        raise
    return a, fut.result()


def _settle(fut) -> None:
    """Wait for ``fut`` after an error elsewhere; its own error is dropped (the first error is reported)."""
    try:
        fut.result()
    except Exception:  # noqa: BLE001
        pass
