"""Paired transforms: alignment at every scale and input kind, flip/rotation codes, MMEngine pipelines."""
import numpy as np
import pytest
import torch
from mmengine.dataset import Compose
from mmengine.registry import DefaultScope

from srbench.data import sr_collate
from srbench.errors import ConfigError, DataError
from srbench.registry import TRANSFORMS
from srbench.transforms import crop_pair, dihedral, make_lr, mod_crop, paired_random_crop
from srbench.transforms.imresize import imresize_np
from srbench.transforms.paired import check_flips, check_rotations


def coord_pair(H, W, s):
    """An HR image whose pixel (y, x) encodes (y//s, x//s), and the LR grid it comes from: an aligned LR
    pixel (v, u) must hold v*1000 + u, and so must every HR pixel above it."""
    yy, xx = np.mgrid[0:H, 0:W]
    hr = ((yy // s) * 1000 + xx // s)[:, :, None]
    v, u = np.mgrid[0:H // s, 0:W // s]
    return hr, (v * 1000 + u)[:, :, None]


def test_dihedral_codes():
    a = np.arange(6).reshape(2, 3)
    np.testing.assert_array_equal(dihedral(a, 0, 0), a)
    np.testing.assert_array_equal(dihedral(a, 1), [[2, 1, 0], [5, 4, 3]])             # left-right
    np.testing.assert_array_equal(dihedral(a, 2), [[3, 4, 5], [0, 1, 2]])             # up-down
    np.testing.assert_array_equal(dihedral(a, 3), a[::-1, ::-1])                      # both = 180 degrees
    np.testing.assert_array_equal(dihedral(a, 0, 90), [[2, 5], [1, 4], [0, 3]])       # counter-clockwise
    np.testing.assert_array_equal(dihedral(a, 0, 270), dihedral(dihedral(a, 0, 180), 0, 90))
    np.testing.assert_array_equal(dihedral(a, 1, 90), np.rot90(a[:, ::-1]))          # flip first, then rotate
    # the 8 dihedral variants: 4 rotations x flips {0, 1}; flips 2 and 3 repeat them
    var = {dihedral(a, f, r).tobytes() + bytes(dihedral(a, f, r).shape) for f in (0, 1)
           for r in (0, 90, 180, 270)}
    assert len(var) == 8
    more = {dihedral(a, f, r).tobytes() + bytes(dihedral(a, f, r).shape) for f in (0, 1, 2, 3)
            for r in (0, 90, 180, 270)}
    assert more == var


def test_flip_and_rotation_validation():
    assert check_flips(['0', '3']) == [0, 3]
    with pytest.raises(ConfigError, match='flip codes'):
        check_flips([4])
    assert check_rotations(['90', 180.0]) == [90, 180]
    with pytest.raises(ConfigError, match='multiples of 90'):
        check_rotations([45])


@pytest.mark.parametrize('s', [2, 3, 4])
def test_paired_random_crop_keeps_lr_aligned(s):
    hr, lr = coord_pair(12 * s + s - 1, 10 * s, s)
    hr = mod_crop(hr, s)
    rng = np.random.default_rng(s)
    for _ in range(20):
        g, i = paired_random_crop(hr, lr, s, 4 * s, rng=rng)
        assert g.shape == (4 * s, 4 * s, 1) and i.shape == (4, 4, 1)
        np.testing.assert_array_equal(g[::s, ::s], i)          # every HR block sits on its LR pixel
        np.testing.assert_array_equal(g, np.repeat(np.repeat(i, s, 0), s, 1))


def test_paired_random_crop_same_size_and_errors():
    hr, _ = coord_pair(20, 30, 1)
    up = hr * 7
    g, i = paired_random_crop(hr, up, 3, (7, 5), rng=np.random.default_rng(0))   # HR-sized: any size/position
    assert g.shape == (7, 5, 1)
    np.testing.assert_array_equal(i, g * 7)
    hr2, lr2 = coord_pair(24, 24, 3)
    with pytest.raises(ConfigError, match='not divisible by scale 3'):
        paired_random_crop(hr2, lr2, 3, 10)
    with pytest.raises(DataError, match='smaller than the HR patch'):
        paired_random_crop(hr2, lr2, 3, 27)
    with pytest.raises(DataError, match='does not match HR'):
        paired_random_crop(hr2, lr2[:-1], 3, 9)
    with pytest.raises(ConfigError, match='not aligned'):
        crop_pair(hr2, lr2, 3, 1, 0, 9, 9)


def test_pipeline_transforms_build_and_stay_aligned():
    rng = np.random.default_rng(0)
    s = 3
    hr, lr = coord_pair(30, 27, s)
    for t in [dict(type='PairedFlip', prob=1.0), dict(type='PairedFlip', prob=1.0, direction='vertical'),
              dict(type='PairedRot90', prob=1.0), dict(type='RandomRotation', angles=[90, 270])]:
        r = TRANSFORMS.build(t)(dict(gt=hr.copy(), inputs=lr.copy(), scale=s))
        g, i = r['gt'], r['inputs']
        # transformed LR pixels still sit under their HR blocks
        assert g.shape[0] == i.shape[0] * s and g.shape[1] == i.shape[1] * s
        blocks = g.reshape(i.shape[0], s, i.shape[1], s)
        assert (blocks == i[:, None, :, None, 0]).all(), t
    with pytest.raises(ConfigError):
        TRANSFORMS.build(dict(type='PairedFlip', direction='diagonal'))
    assert rng is not None


def test_make_lr_and_pack_in_an_mmengine_pipeline():
    rng = np.random.default_rng(1)
    img = rng.integers(0, 256, size=(50, 47, 1), dtype=np.uint8)
    np.random.seed(0)
    with DefaultScope.overwrite_default_scope('srbench'):      # as in a config run (default_scope='srbench')
        pipe = Compose([dict(type='ModCrop'), dict(type='MakeLR'),
                        dict(type='PairedRandomCrop', gt_patch_size=12), dict(type='PairedFlip'),
                        dict(type='PairedRot90'), dict(type='PackSRSample')])
    out = pipe(dict(gt=img, scale=4, name='x'))
    assert set(out) == {'inputs', 'gt', 'metainfo'}
    assert out['inputs'].shape == (1, 3, 3) and out['gt'].shape == (1, 12, 12)
    assert out['metainfo'] == dict(scale=4, name='x')
    batch = sr_collate([out, out])
    assert batch['inputs'].shape == (2, 1, 3, 3) and batch['data_samples']['gt'].shape == (2, 1, 12, 12)
    # MakeLR is the test protocol's LR: make_lr of the mod-cropped HR (float, not rounded)
    r = TRANSFORMS.build(dict(type='MakeLR', scale=4))(dict(gt=img))
    np.testing.assert_array_equal(r['inputs'], make_lr(mod_crop(img, 4), 4, False))
    r = TRANSFORMS.build(dict(type='MakeLR', scale=4, upsample=True))(dict(gt=img))
    assert r['inputs'].shape == r['gt'].shape
    np.testing.assert_allclose(r['inputs'], imresize_np(make_lr(mod_crop(img, 4), 4, False), 4), atol=1e-12)
    r = TRANSFORMS.build(dict(type='RandomRescale', scales=[0.5]))(dict(gt=img))
    np.testing.assert_array_equal(r['gt'], imresize_np(img, 0.5))
    t = TRANSFORMS.build(dict(type='ToTensor'))(dict(gt=img, inputs=img.astype(np.float64) / 255))
    assert torch.equal(t['gt'], t['inputs'].float())
    with pytest.raises(ConfigError, match='no scale'):
        TRANSFORMS.build(dict(type='ModCrop'))(dict(gt=img))
