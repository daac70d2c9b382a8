"""srbench's HistoryBuffer.update (amortised O(1)) holds exactly what MMEngine's np.append version holds."""
import copy
import pickle
import random

import numpy as np
import pytest
from mmengine.logging import HistoryBuffer

from srbench.engine import patches
from srbench.engine.history import fast_update


@pytest.fixture(autouse=True, scope='module')
def installed():
    patches.install()


def reference_update(buf, log_val, count=1):
    """MMEngine 0.10.7's HistoryBuffer.update, written out."""
    buf['log'] = np.append(buf['log'], log_val)
    buf['cnt'] = np.append(buf['cnt'], count)
    if len(buf['log']) > buf['max']:
        buf['log'], buf['cnt'] = buf['log'][-buf['max']:], buf['cnt'][-buf['max']:]


@pytest.mark.parametrize('max_length', [1, 7, 300, 10 ** 6])
def test_same_history_dtypes_and_statistics(max_length):
    assert HistoryBuffer.update is fast_update
    rng = random.Random(max_length)
    first = 3   # an int first value: np.append promotes to float64 at the first float, as MMEngine does
    hb = HistoryBuffer([first], [1], max_length=max_length)
    ref = dict(log=np.array([first]), cnt=np.array([1]), max=max_length)
    for i in range(2000):
        v = rng.random() if i % 5 else rng.randint(0, 9)
        c = rng.randint(1, 4)
        hb.update(v, c)
        reference_update(ref, v, c)
        if i % 97 == 0 or i > 1990:
            log, cnt = hb.data
            assert log.dtype == ref['log'].dtype and cnt.dtype == ref['cnt'].dtype
            assert np.array_equal(log, ref['log']) and np.array_equal(cnt, ref['cnt'])
            assert hb.mean(10) == pytest.approx(ref['log'][-10:].sum() / ref['cnt'][-10:].sum())
            assert hb.current() == ref['log'][-1] and hb.max() == ref['log'].max()
    with pytest.raises(TypeError):
        hb.update('x')


def test_copies_and_pickles_hold_only_the_history_and_keep_working():
    hb = HistoryBuffer()
    for v in range(1000):
        hb.update(float(v))
    for other in (copy.deepcopy(hb), pickle.loads(pickle.dumps(hb))):
        assert '_srbench_buf' not in other.__dict__
        assert np.array_equal(other.data[0], np.arange(1000.0))
        other.update(5.0)
        assert other.data[0].size == 1001 and hb.data[0].size == 1000
    # a buffer whose arrays are replaced (as a checkpoint load does) adopts the new ones
    hb._log_history, hb._count_history = np.array([1.0, 2.0]), np.array([1, 1])
    hb.update(3.0)
    assert np.array_equal(hb.data[0], [1.0, 2.0, 3.0])


def test_state_is_mmengines_without_the_spare_capacity():
    from srbench.engine.history import getstate
    hb = HistoryBuffer()
    for v in range(300):
        hb.update(float(v))
    ours = getstate(hb)
    ref = HistoryBuffer()
    for v in range(300):
        patches.MMENGINE_HISTORY_UPDATE(ref, float(v))
    theirs = dict(patches.MMENGINE_HISTORY_GETSTATE(ref))
    assert sorted(ours) == sorted(theirs)                     # statistics_methods included, no _srbench_buf
    assert ours['statistics_methods'] is theirs['statistics_methods']
    for k in ('_log_history', '_count_history'):
        assert np.array_equal(ours[k], theirs[k]) and ours[k].dtype == theirs[k].dtype
        assert ours[k].base is None and ours[k].size == 300   # its own array, not a view of the buffer
