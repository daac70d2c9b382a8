"""srbench.utils: atomic outputs and MATLAB's uint8 conversion (one implementation each)."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest
import torch

from srbench.utils.atomic import (atomic_open, atomic_path, remove_stale_temps, stale_temps, tmp_sibling,
                                  write_json_atomic, write_text_atomic)
from srbench.utils.uint8 import im2uint8, round_sat, round_u8


def test_round_u8_is_matlab_uint8():
    x = np.array([-3.0, -0.6, -0.5, 0.49, 0.5, 1.5, 2.5, 254.5, 255.49, 255.5, 300.0])
    want = np.array([0, 0, 0, 0, 1, 2, 3, 255, 255, 255, 255], np.uint8)   # MATLAB uint8(x)
    assert np.array_equal(round_u8(x), want)
    assert round_u8(x).dtype == np.uint8
    t = round_u8(torch.from_numpy(x))
    assert t.dtype == torch.uint8 and np.array_equal(t.numpy(), want)
    assert np.array_equal(round_sat(x), want.astype(np.float64))


def test_im2uint8_numpy_and_torch_agree():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.uniform(-0.1, 1.1, 1000), np.arange(256) / 255.0, (np.arange(255) + 0.5) / 255.0])
    a = im2uint8(x)
    b = im2uint8(torch.from_numpy(x)).numpy()
    assert np.array_equal(a, b)
    assert np.array_equal(im2uint8(np.arange(256) / 255.0), np.arange(256))
    u = np.arange(10, dtype=np.uint8)
    assert im2uint8(u) is u


def test_atomic_path_publishes_or_leaves_nothing(tmp_path):
    final = tmp_path / 'sub' / 'out.txt'
    with pytest.raises(RuntimeError):
        with atomic_open(final) as f:
            f.write('half')
            raise RuntimeError('interrupted')
    assert not final.exists() and list(final.parent.iterdir()) == []
    write_text_atomic('done', final)
    assert final.read_text() == 'done'
    write_json_atomic({'a': 1}, final)
    assert json.loads(final.read_text()) == {'a': 1}
    assert sorted(p.name for p in final.parent.iterdir()) == ['out.txt']


def test_atomic_folder_replaces_folder_and_file(tmp_path):
    final = tmp_path / 'store'
    final.mkdir()
    (final / 'old').write_text('x')
    with atomic_path(final, is_dir=True) as tmp:
        (tmp / 'new').write_text('y')
    assert [p.name for p in final.iterdir()] == ['new']
    f = tmp_path / 'was_a_file'
    f.write_text('x')
    with atomic_path(f, is_dir=True) as tmp:
        (tmp / 'inside').write_text('y')
    assert f.is_dir() and (f / 'inside').read_text() == 'y'
    with atomic_path(f) as tmp:                   # a file replacing a folder
        tmp.write_text('z')
    assert f.is_file() and f.read_text() == 'z'
    assert sorted(p.name for p in tmp_path.iterdir()) == ['store', 'was_a_file']


def test_keep_suffix_and_stale_temps(tmp_path):
    assert tmp_sibling(tmp_path / 'a.png', keep_suffix=True, pid=7).name == '.a.tmp-7.png'
    assert tmp_sibling(tmp_path / 'a.png', pid=7).name == '.a.png.tmp-7'
    dead = subprocess.run([sys.executable, '-c', 'import os; print(os.getpid())'], capture_output=True,
                          text=True).stdout.strip()
    stale = tmp_path / f'.train.h5.tmp-{dead}'
    stale.write_text('partial')
    mine = tmp_sibling(tmp_path / 'train.h5')
    mine.write_text('in progress')
    other = tmp_path / f'.other.h5.tmp-{dead}'
    other.write_text('partial')
    assert stale_temps(tmp_path, 'train.h5') == [stale]
    assert set(stale_temps(tmp_path)) == {stale, other}
    assert remove_stale_temps(tmp_path, 'train.h5') == [stale]
    assert not stale.exists() and mine.exists() and other.exists()
    assert os.getpid() > 0
