"""srbench's on-disk array cache (srbench.utils.cache) as the test datasets use it: cached arrays equal
freshly made ones bit for bit, a damaged entry is recomputed with a warning, the switches turn it off, and a
cache folder that cannot be written only turns the cache off."""
from pathlib import Path

import numpy as np
import pytest

from srbench.data.paired import PairedImageDataset
from srbench.utils.cache import ArrayCache, key_of


@pytest.fixture
def set5(shared_datasets):
    d = Path(shared_datasets) / 'Set5' / 'HR'
    if not d.is_dir():
        pytest.skip(f'Set5 is not in {shared_datasets}')
    return d


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    d = tmp_path / 'cache'
    monkeypatch.setenv('SRBENCH_CACHE_DIR', str(d))
    monkeypatch.delenv('SRBENCH_CACHE', raising=False)
    return d


# (input_kind, channels, extra dataset arguments): the LR protocols and both input kinds
CASES = [('lr', 'rgb', {}),                                  # Bicubic: rgb-uint8
         ('bicubic', 'y', {}),                               # VDSR: y-double, bicubic input
         ('bicubic', 'y', dict(lr_from='rgb')),              # rgb-uint8, float Y upsampled in double
         ('lr', 'y', dict(eval_protocol='lapsrn-matlab'))]   # rgb-double, HR Y in double


def _items(ds, n=2):
    return [ds[i] for i in range(n)]


def _same(a, b):
    assert a['metainfo'] == b['metainfo']
    for k in ('inputs', 'gt'):
        assert a[k].dtype == b[k].dtype and a[k].shape == b[k].shape
        assert np.array_equal(a[k].numpy(), b[k].numpy()), k      # bit for bit


@pytest.mark.parametrize('kind,channels,extra', CASES)
def test_cached_equals_fresh(set5, cache_dir, kind, channels, extra):
    for scale in (2, 3):
        fresh = _items(PairedImageDataset(set5, scale, input_kind=kind, channels=channels, cache=False,
                                          **extra))
        assert scale > 2 or not cache_dir.exists()            # cache=False writes nothing
        cold_ds = PairedImageDataset(set5, scale, input_kind=kind, channels=channels, **extra)
        cold = _items(cold_ds)
        warm_ds = PairedImageDataset(set5, scale, input_kind=kind, channels=channels, **extra)
        warm = _items(warm_ds)
        assert warm_ds._cache.hits >= 4 and warm_ds._cache.misses == 0
        for f, c, w in zip(fresh, cold, warm):
            _same(f, c)
            _same(f, w)
    # one decoded HR per image, whatever the scale: the second scale decoded nothing
    assert cold_ds._cache.hits >= 2


def test_damaged_entry_is_recomputed(set5, cache_dir):
    fresh = _items(PairedImageDataset(set5, 2, input_kind='lr', channels='rgb', cache=False))
    _items(PairedImageDataset(set5, 2, input_kind='lr', channels='rgb'))
    files = sorted((cache_dir / 'arrays').rglob('*.npy'))
    assert files
    for i, f in enumerate(files):              # a flipped byte in each; one file cut short
        data = bytearray(f.read_bytes())
        if i == 0:
            data = data[:len(data) // 2]
        else:
            data[len(data) // 2] ^= 0xFF
        f.write_bytes(bytes(data))
    ds = PairedImageDataset(set5, 2, input_kind='lr', channels='rgb')
    with pytest.warns(RuntimeWarning, match='recomputing'):
        again = _items(ds)
    assert ds._cache.damaged == len(files)
    for a, b in zip(fresh, again):
        _same(a, b)
    ds2 = PairedImageDataset(set5, 2, input_kind='lr', channels='rgb')   # rewritten: whole again
    _items(ds2)
    assert ds2._cache.damaged == 0 and ds2._cache.hits == len(files)


def test_switches_and_unwritable_dir(set5, tmp_path, monkeypatch):
    monkeypatch.setenv('SRBENCH_CACHE_DIR', str(tmp_path / 'c'))
    monkeypatch.setenv('SRBENCH_CACHE', '0')
    fresh = _items(PairedImageDataset(set5, 3, input_kind='bicubic', channels='y'))
    assert not (tmp_path / 'c').exists()
    blocker = tmp_path / 'file'
    blocker.write_text('not a folder')
    monkeypatch.setenv('SRBENCH_CACHE_DIR', str(blocker))
    monkeypatch.delenv('SRBENCH_CACHE')
    with pytest.warns(RuntimeWarning, match='cannot be written'):
        got = _items(PairedImageDataset(set5, 3, input_kind='bicubic', channels='y'))
    for a, b in zip(fresh, got):
        _same(a, b)


def test_array_cache_round_trip(tmp_path):
    c = ArrayCache(tmp_path)
    k = key_of('x', 1, (2, 3))
    assert k != key_of('x', 1, (2, 4))
    assert c.get(k) is None
    for a in (np.arange(12, dtype=np.uint8).reshape(3, 4), np.linspace(0, 1, 7)[::2]):
        c.put(k, a)
        b = c.get(k)
        assert b.dtype == a.dtype and np.array_equal(a, b)
    assert not list(tmp_path.rglob('*.tmp*'))               # written atomically: no temporaries left
