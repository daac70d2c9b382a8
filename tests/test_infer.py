"""srbench.apis.infer: super-resolve a folder of the user's own images (gray, RGB, RGBA; one unreadable)."""
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from srbench.apis.infer import infer
from srbench.errors import ConfigError, DataError

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture()
def folder(tmp_path):
    rng = np.random.default_rng(0)
    d = tmp_path / 'in'
    d.mkdir()
    cv2.imwrite(str(d / 'gray.png'), rng.integers(0, 256, (13, 17), dtype=np.uint8))
    cv2.imwrite(str(d / 'rgb.jpg'), rng.integers(0, 256, (12, 10, 3), dtype=np.uint8))
    rgba = rng.integers(0, 256, (9, 11, 4), dtype=np.uint8)
    rgba[:, :, 3] = 200
    cv2.imwrite(str(d / 'rgba.png'), rgba)
    (d / 'broken.png').write_bytes(b'this is not a PNG')
    (d / 'notes.txt').write_text('ignored: not an image file')
    return d


def _espcn_ckpt(tmp_path):
    from srbench.models import SRModel
    torch.manual_seed(0)
    model = SRModel(generator=dict(type='ESPCN', scale=3))
    p = tmp_path / 'espcn.pth'
    torch.save(dict(state_dict=model.state_dict()), p)
    return p


def _check(out_dir, scale, gray_channels):
    outs = {p.name: cv2.imread(str(p), cv2.IMREAD_UNCHANGED) for p in Path(out_dir).iterdir()}
    assert sorted(outs) == ['gray.png', 'rgb.png', 'rgba.png']
    assert outs['gray.png'].shape[:2] == (13 * scale, 17 * scale)
    assert (outs['gray.png'].ndim == 2) == (gray_channels == 1)
    assert outs['rgb.png'].shape == (12 * scale, 10 * scale, 3)
    assert outs['rgba.png'].shape == (9 * scale, 11 * scale, 4)
    assert (outs['rgba.png'][:, :, 3] == 200).all()       # a constant alpha stays constant under bicubic
    return outs


def test_infer_y_network_on_a_folder(folder, tmp_path, capsys):
    res = infer(REPO / 'configs' / 'espcn_x3.py', _espcn_ckpt(tmp_path), [folder], tmp_path / 'out',
                log=None)
    assert not res['ok'] and len(res['written']) == 3 and res['scale'] == 3
    assert len(res['errors']) == 1 and 'broken.png' in res['errors'][0]
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith('srbench: error: ') and 'broken.png' in err[0]
    _check(tmp_path / 'out', 3, gray_channels=1)
    assert not list((tmp_path / 'out').glob('.*'))       # no temporary left


def test_infer_bicubic_rgb_matches_matlab_imresize(folder, tmp_path):
    from srbench.transforms.imresize import imresize_np
    res = infer(REPO / 'configs' / 'bicubic_x234.py', None, [folder / 'rgb.jpg', folder / 'gray.png',
                                                               folder / 'rgba.png'],
                tmp_path / 'out', scale=2, log=None)
    assert res['ok'] and len(res['written']) == 3
    outs = _check(tmp_path / 'out', 2, gray_channels=3)      # an RGB network writes RGB
    src = cv2.cvtColor(cv2.imread(str(folder / 'rgb.jpg')), cv2.COLOR_BGR2RGB)
    got = cv2.cvtColor(outs['rgb.png'], cv2.COLOR_BGR2RGB)
    assert np.array_equal(got, imresize_np(src, 2.0))         # uint8 in, MATLAB's rounding per dimension


def test_infer_tiled_equals_untiled(folder, tmp_path):
    ckpt = _espcn_ckpt(tmp_path)
    a = infer(REPO / 'configs' / 'espcn_x3.py', ckpt, [folder / 'rgb.jpg'], tmp_path / 'a', log=None)
    b = infer(REPO / 'configs' / 'espcn_x3.py', ckpt, [folder / 'rgb.jpg'], tmp_path / 'b', tile=4, log=None)
    assert b['test_cfg']['tile'] == 4
    ia, ib = (cv2.imread(p[0]) for p in (a['written'], b['written']))
    assert np.abs(ia.astype(int) - ib.astype(int)).max() <= 1   # equal up to a uint8 rounding tie


def test_infer_errors(folder, tmp_path):
    with pytest.raises(ConfigError, match='--scale'):
        infer(REPO / 'configs' / 'bicubic_x234.py', None, [folder], tmp_path / 'o', log=None)
    with pytest.raises(ConfigError, match='--ckpt is required'):
        infer(REPO / 'configs' / 'espcn_x3.py', None, [folder], tmp_path / 'o', log=None)
    with pytest.raises(DataError, match='does not exist'):
        infer(REPO / 'configs' / 'bicubic_x234.py', None, [tmp_path / 'nope'], tmp_path / 'o', scale=2)
    p16 = tmp_path / 'deep.png'
    cv2.imwrite(str(p16), np.full((8, 8), 40000, np.uint16))
    res = infer(REPO / 'configs' / 'bicubic_x234.py', None, [p16], tmp_path / 'o', scale=2, log=None)
    assert not res['ok'] and 'deep.png' in res['errors'][0] and '16-bit' in res['errors'][0]
