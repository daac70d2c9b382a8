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


# ------------------------------------------------------------------------------ layering, dihedral, windows
def test_transforms_import_nothing_from_the_layers_above():
    """srbench.transforms is the bottom of the data path: no import (module level or function local) of
    srbench.data, .engine, .models or .apis."""
    import ast
    from pathlib import Path
    pkg = Path(__file__).resolve().parents[1] / 'srbench' / 'transforms'
    above = ('srbench.data', 'srbench.engine', 'srbench.models', 'srbench.apis')
    found = []
    for f in sorted(pkg.glob('*.py')):
        for node in ast.walk(ast.parse(f.read_text())):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ''
                if node.level:                       # relative: resolve against srbench.transforms
                    parts = ['srbench', 'transforms'][:3 - node.level] if node.level <= 2 else []
                    base = '.'.join(parts + ([base] if base else []))
                names = [base] + [f'{base}.{a.name}' for a in node.names]
            else:
                continue
            found += [f'{f.name}: {n}' for n in names if n.startswith(above)]
    assert not found, found


def _rot90_reference(img, flip, rotation):
    if flip in (1, 3):
        img = img[:, ::-1]
    if flip in (2, 3):
        img = img[::-1]
    return np.rot90(img, (rotation // 90) % 4, axes=(0, 1))


def test_dihedral_is_numpy_rot90_and_random_dihedral_reaches_all_8():
    from srbench.transforms.paired import apply_dihedral, random_dihedral
    a = np.random.default_rng(3).random((5, 7, 2))
    for flip in range(4):
        for rot in (0, 90, 180, 270, 360, -90):
            np.testing.assert_array_equal(dihedral(a, flip, rot), _rot90_reference(a, flip, rot))
    rng = np.random.default_rng(0)
    seen = {apply_dihedral(a, *random_dihedral(rng)).tobytes() for _ in range(200)}
    assert len(seen) == 8
    assert random_dihedral(rng, hflip=False, vflip=False, transpose=False) == (False, False, False)


@pytest.mark.parametrize('s', [2, 3, 4])
def test_window_input_is_the_window_of_the_whole_image_input(s):
    """What makes random crops cheap: the input of one HR window, made from the window plus a margin, equals
    the same window of the input made from the whole image."""
    from srbench.transforms.degrade import upsample_float, window_input
    rng = np.random.default_rng(s)
    small = rng.integers(0, 256, (9, 11, 1), dtype=np.uint8)
    hr = mod_crop(imresize_np(small, output_shape=(20 * s + 1, 17 * s + 2)), s)
    H, W = hr.shape[:2]
    for quantize in (False, True):
        lr = make_lr(hr, s, quantize)
        up = upsample_float(lr, (H, W))
        for _ in range(12):
            ph, pw = 4 * s, 3 * s
            top, left = int(rng.integers(0, H // s - 3)) * s, int(rng.integers(0, W // s - 2)) * s
            got = window_input(hr, s, top, left, ph, pw, False, quantize)
            want = lr[top // s:(top + ph) // s, left // s:(left + pw) // s]
            assert got.dtype == want.dtype
            assert np.abs(got.astype(np.float64) - want).max() < (0.5 if quantize else 1e-9)
            if quantize:                                        # uint8: the same pixels
                np.testing.assert_array_equal(got, want)
            y, x = int(rng.integers(0, H - 9)), int(rng.integers(0, W - 7))      # HR-sized: anywhere
            got = window_input(hr, s, y, x, 9, 7, True, quantize)
            assert got.dtype == np.float32 and got.shape == (9, 7, 1)
            assert np.abs(got - up[y:y + 9, x:x + 7]).max() < 1e-6
    # the LR given (read from disk) instead of made
    lr = make_lr(hr, s, True)
    np.testing.assert_array_equal(window_input(hr, s, s, 2 * s, 2 * s, 3 * s, False, True, lr=lr),
                                  lr[1:3, 2:5])


def test_crop_then_make_lr_pipeline_and_its_errors():
    """PairedRandomCrop without inputs keeps the window; MakeLR makes the input of that window only (its
    upsampling follows input_kind); flips must come after MakeLR."""
    rng = np.random.default_rng(2)
    img = imresize_np(rng.integers(0, 256, (8, 9, 1), dtype=np.uint8), output_shape=(47, 52))
    with DefaultScope.overwrite_default_scope('srbench'):
        pipe = Compose([dict(type='ModCrop'), dict(type='PairedRandomCrop', lr_patch_size=5),
                        dict(type='MakeLR'), dict(type='RandomDihedral'), dict(type='PackSRSample')])
    np.random.seed(4)
    out = pipe(dict(gt=img, scale=3, name='w', input_kind='lr'))
    assert out['inputs'].shape == (1, 5, 5) and out['gt'].shape == (1, 15, 15)
    assert out['metainfo'] == dict(scale=3, name='w', input_kind='lr')        # no window left behind
    np.random.seed(4)
    r = TRANSFORMS.build(dict(type='PairedRandomCrop', gt_patch_size=13))(
        dict(gt=mod_crop(img, 3), scale=3, input_kind='bicubic'))
    r = TRANSFORMS.build(dict(type='MakeLR'))(r)                            # input_kind='bicubic': upsampled
    assert r['inputs'].shape == r['gt'].shape == (13, 13, 1) and 'window' not in r
    with pytest.raises(ConfigError, match='exactly one of gt_patch_size'):
        TRANSFORMS.build(dict(type='PairedRandomCrop'))
    early = dict(gt=mod_crop(img, 3), scale=3, input_kind='lr')
    early = TRANSFORMS.build(dict(type='PairedRandomCrop', gt_patch_size=12))(early)
    with pytest.raises(DataError, match='after MakeLR'):
        TRANSFORMS.build(dict(type='RandomDihedral'))(early)
    with pytest.raises(DataError, match='no "inputs"'):
        TRANSFORMS.build(dict(type='PackSRSample'))(dict(gt=img))
    # MakeLR takes a given LR (read from disk) for the whole image too, and checks its size
    lr = make_lr(mod_crop(img, 3), 3, True)
    r = TRANSFORMS.build(dict(type='MakeLR', scale=3))(dict(gt=img, lr=lr))
    assert r['inputs'] is lr and 'lr' not in r
    with pytest.raises(DataError, match='given LR is 17x14, the HR 51x45'):
        TRANSFORMS.build(dict(type='MakeLR', scale=3))(dict(gt=img, lr=lr[:-1]))
