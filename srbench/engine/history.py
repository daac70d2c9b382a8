"""Amortised O(1) ``HistoryBuffer.update`` for MMEngine 0.10.x.

MMEngine logs every scalar of every iteration (loss, lr, time, data_time, ...) into a ``HistoryBuffer``
whose ``update`` is ``np.append`` -- a copy of the whole history (up to ``max_length`` = 10^6 values) per
call. The cost of an iteration therefore grows linearly with the iteration count: at 150k iterations each
update copies ~2.4 MB, several times per iteration, more than a light SR model's whole training step.
:func:`fast_update` is an append into a buffer that doubles its capacity and keeps ``_log_history`` /
``_count_history`` as views of the filled part, so everything that reads them (statistics, ``data``,
checkpoints) sees what MMEngine's version would hold, dtypes included.

Importing this module changes nothing: :func:`srbench.engine.patches.install` puts :func:`fast_update` and
:func:`getstate` on MMEngine's ``HistoryBuffer``.
"""
from __future__ import annotations

import numpy as np

MIN_CAPACITY = 256


def fast_update(self, log_val, count=1) -> None:
    """MMEngine's ``HistoryBuffer.update`` contract (type check, ``np.append``'s dtype promotion,
    trimming to ``max_length``) without copying the history on every call."""
    if not isinstance(log_val, (int, float)) or not isinstance(count, (int, float)):
        raise TypeError(f'log_val must be int or float but got {type(log_val)}, count must be int but got '
                        f'{type(count)}')
    log, cnt = self._log_history, self._count_history
    st = self.__dict__.get('_srbench_buf')
    if st is None or st[0] is not log or st[1] is not cnt:      # new, or replaced (constructor, load)
        lbuf, cbuf, start, end = log, cnt, 0, log.size
    else:
        lbuf, cbuf, start = st[2], st[3], st[4]
        end = start + log.size
    ldt = np.result_type(lbuf.dtype, np.asarray(log_val).dtype)
    cdt = np.result_type(cbuf.dtype, np.asarray(count).dtype)
    if end == lbuf.size or ldt != lbuf.dtype or cdt != cbuf.dtype:   # full (or wider dtype): grow, compact
        n = end - start
        cap = max(MIN_CAPACITY, 2 * (n + 1))
        new_l, new_c = np.empty(cap, ldt), np.empty(cap, cdt)
        new_l[:n], new_c[:n] = lbuf[start:end], cbuf[start:end]
        lbuf, cbuf, start, end = new_l, new_c, 0, n
    lbuf[end], cbuf[end] = log_val, count
    end += 1
    start = max(start, end - self.max_length)
    self._log_history, self._count_history = lbuf[start:end], cbuf[start:end]
    self._srbench_buf = (self._log_history, self._count_history, lbuf, cbuf, start)


def getstate(self):
    """MMEngine's ``HistoryBuffer.__getstate__`` (the state, with the registered statistics methods) holding
    only the filled history: pickles and deep copies never carry the spare capacity."""
    d = {k: v for k, v in self.__dict__.items() if k != '_srbench_buf'}
    d['statistics_methods'] = self._statistics_methods
    for k in ('_log_history', '_count_history'):
        if k in d:
            d[k] = np.array(d[k])
    return d

