"""Training datasets (H5PatchDataset, PatchPairDataset, LMDBDataset, RandomCropDataset), the multi-scale
batch sampler, workers, and one clear error per bad input."""
import pickle

import cv2
import h5py
import numpy as np
import pytest
import torch
from mmengine.registry import DefaultScope
from mmengine.runner import Runner

from srbench.data import (H5PatchDataset, LMDBDataset, PatchPairDataset, RandomCropDataset, ScaleBatchSampler,
                          sr_collate)
from srbench.data.stores.lmdb import LMDBWriter
from srbench.engine.patches import install as install_patches
from srbench.errors import ConfigError, DataError
from srbench.transforms import make_lr, mod_crop, upsample
from srbench.transforms.imresize import imresize_np

RNG = np.random.default_rng(0)


def smooth(h, w, c=None, seed=0):
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 256, (max(2, h // 6), max(2, w // 6)) + ((c,) if c else ()), dtype=np.uint8)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)


def write_h5(path, **arrays):
    with h5py.File(path, 'w') as f:
        for k, v in arrays.items():
            f.create_dataset(k, data=v)
    return path


def write_png(path, img):
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_RGB2BGR))


# ------------------------------------------------------------------------------ H5
def test_h5_reads_lr_and_same_size_files_and_checks_the_input_kind(tmp_path):
    hr = RNG.integers(0, 256, (6, 12, 12), dtype=np.uint8)
    lr = RNG.random((6, 4, 4)).astype(np.float32)
    p = write_h5(tmp_path / 'lr.h5', hr=hr, lr=lr)                     # no "scale": x3 from the sizes
    ds = H5PatchDataset(p, input_kind='lr', channels='y')
    assert len(ds) == 6 and ds.scales == [3] and ds[2]['metainfo']['scale'] == 3
    np.testing.assert_array_equal(ds[2]['inputs'][0].numpy(), lr[2])
    np.testing.assert_array_equal(ds[2]['gt'][0].numpy(), hr[2] / np.float32(255))
    # a bicubic-input model given LR-sized data: upsampled on the fly with MATLAB imresize (per patch)
    db = H5PatchDataset(p, input_kind='bicubic', channels='y', in_memory=True)
    want = imresize_np(lr[2].astype(np.float64), 3)
    np.testing.assert_allclose(db[2]['inputs'][0].numpy(), want, atol=1e-6)
    with pytest.raises(DataError, match='holds x3 patches'):
        H5PatchDataset(p, scale=2, input_kind='lr', channels='y')
    same = write_h5(tmp_path / 'same.h5', hr=hr, lr=RNG.random((6, 12, 12)).astype(np.float32),
                    scale=np.array([2, 3, 2, 4, 2, 3], np.uint8))
    with pytest.raises(DataError, match=r"HR-sized .*input_kind='lr'"):
        H5PatchDataset(same, input_kind='lr', channels='y')
    ms = H5PatchDataset(same, input_kind='bicubic', channels='y')
    assert ms.scales == [2, 3, 4] and ms.sample_scales.tolist() == [2, 3, 2, 4, 2, 3]
    x3 = H5PatchDataset(same, scale=3, input_kind='bicubic', channels='y')
    assert len(x3) == 2 and [x3[i]['metainfo']['scale'] for i in range(2)] == [3, 3]
    np.testing.assert_array_equal(x3[1]['gt'][0].numpy() * 255, hr[5].astype(np.float32))
    with pytest.raises(DataError, match='no x8 patches'):
        H5PatchDataset(same, scale=8, input_kind='bicubic', channels='y')
    bare = write_h5(tmp_path / 'bare.h5', hr=hr, lr=hr)
    with pytest.raises(DataError, match='pass scale='):
        H5PatchDataset(bare, input_kind='bicubic', channels='y')
    assert H5PatchDataset(bare, scale=2, input_kind='bicubic', channels='y')[0]['metainfo']['scale'] == 2
    rgb = write_h5(tmp_path / 'rgb.h5', hr=RNG.integers(0, 256, (2, 8, 8, 3), dtype=np.uint8),
                   lr=RNG.integers(0, 256, (2, 4, 4, 3), dtype=np.uint8))
    assert H5PatchDataset(rgb, input_kind='lr', channels='rgb')[1]['inputs'].shape == (3, 4, 4)
    with pytest.raises(DataError, match='3 channel.*--single_y'):
        H5PatchDataset(rgb, input_kind='lr', channels='y')


def test_h5_bad_files_give_one_clear_error(tmp_path):
    hr = np.zeros((3, 8, 8), np.uint8)
    with pytest.raises(DataError, match='does not exist'):
        H5PatchDataset(tmp_path / 'none.h5', input_kind='lr', channels='y')
    (tmp_path / 'junk.h5').write_text('not hdf5')
    with pytest.raises(DataError, match='cannot open .*junk.h5 as an HDF5 file'):
        H5PatchDataset(tmp_path / 'junk.h5', input_kind='lr', channels='y')
    with pytest.raises(DataError, match=r'no dataset "lr" .*found: hr, label'):
        H5PatchDataset(write_h5(tmp_path / 'a.h5', hr=hr, label=hr), input_kind='lr', channels='y')
    with pytest.raises(DataError, match='no dataset "hr"'):
        H5PatchDataset(write_h5(tmp_path / 'b.h5', lr=hr), input_kind='lr', channels='y')
    with pytest.raises(DataError, match='"hr" has 3 patches but "lr" has 2'):
        H5PatchDataset(write_h5(tmp_path / 'c.h5', hr=hr, lr=hr[:2, :4, :4]), input_kind='lr', channels='y')
    with pytest.raises(DataError, match='not an integer scale'):
        H5PatchDataset(write_h5(tmp_path / 'd.h5', hr=hr, lr=hr[:, :3, :3]), input_kind='lr', channels='y')
    with pytest.raises(DataError, match='"scale" says x3'):
        H5PatchDataset(write_h5(tmp_path / 'e.h5', hr=hr, lr=hr[:, :4, :4], scale=np.array([2, 3, 2])),
                       input_kind='lr', channels='y')
    with pytest.raises(DataError, match='shape'):
        H5PatchDataset(write_h5(tmp_path / 'f.h5', hr=hr[0], lr=hr[0]), input_kind='lr', channels='y')


def test_h5_pickles_without_its_file_handle(tmp_path):
    p = write_h5(tmp_path / 'a.h5', hr=np.zeros((2, 8, 8), np.uint8), lr=np.zeros((2, 4, 4), np.uint8))
    ds = H5PatchDataset(p, input_kind='lr', channels='y')
    ds[0]                                                   # opens the file in this process
    clone = pickle.loads(pickle.dumps(ds))                  # what a spawned worker gets
    assert clone.store._handle is None and clone[1]['gt'].shape == (1, 8, 8)


# ------------------------------------------------------------------------------ folders
def test_patch_pair_folders_and_their_errors(tmp_path):
    hr_dir, lr_dir = tmp_path / 'train_HR', tmp_path / 'train_LR'
    for i, s in enumerate([2, 3, 2]):
        hr = smooth(12, 12, 3, seed=i)
        write_png(hr_dir / f'p{i}_x{s}.png', hr)
        write_png(lr_dir / f'p{i}_x{s}.png', make_lr(hr, s, True))
    ds = PatchPairDataset(hr_dir, lr_dir, input_kind='lr', channels='rgb')
    assert ds.sample_scales.tolist() == [2, 3, 2] and ds[1]['inputs'].shape == (3, 4, 4)
    x2 = PatchPairDataset(hr_dir, lr_dir, scale=2, input_kind='lr', channels='rgb')
    assert x2.sample_scales.tolist() == [2, 2]
    y = PatchPairDataset(hr_dir, lr_dir, input_kind='lr', channels='y')[0]     # RGB files, Y model: rgb2ycbcr
    assert y['gt'].shape == (1, 12, 12)
    with pytest.raises(DataError, match='does not exist'):
        PatchPairDataset(tmp_path / 'nope', lr_dir, input_kind='lr', channels='y')
    write_png(lr_dir / 'p0_x2.png', smooth(5, 6, 3))                          # wrong size
    bad = PatchPairDataset(hr_dir, lr_dir, scale=3, input_kind='lr', channels='y')
    with pytest.raises(DataError, match='LR patch .*p0_x2.png is 6x5 and HR patch p0_x2.png is 12x12'):
        PatchPairDataset(hr_dir, lr_dir, input_kind='lr', channels='y')
    (lr_dir / 'p0_x2.png').unlink()
    with pytest.raises(DataError, match='no image for HR patch p0_x2.png'):
        PatchPairDataset(hr_dir, lr_dir, input_kind='lr', channels='y')
    assert len(bad) == 1
    (hr_dir / 'readme.txt').write_text('x')
    with pytest.raises(DataError, match='not an image: readme.txt'):
        PatchPairDataset(hr_dir, lr_dir, input_kind='lr', channels='y')
    # same-size inputs need same_size=True, and a bicubic model
    s_hr, s_lr = tmp_path / 'S_HR', tmp_path / 'S_LR'
    img = smooth(10, 10, seed=5)
    write_png(s_hr / 'a.png', img)
    write_png(s_lr / 'a.png', img)
    with pytest.raises(DataError, match='pass same_size=True'):
        PatchPairDataset(s_hr, s_lr, scale=2, input_kind='bicubic', channels='y')
    with pytest.raises(DataError, match="input_kind='lr'"):
        PatchPairDataset(s_hr, s_lr, scale=2, same_size=True, input_kind='lr', channels='y')
    d = PatchPairDataset(s_hr, s_lr, scale=2, same_size=True, input_kind='bicubic', channels='y')
    assert d[0]['metainfo']['scale'] == 2 and torch.equal(d[0]['inputs'], d[0]['gt'])


def test_patch_pair_size_mismatch_found_when_read(tmp_path):
    hr_dir, lr_dir = tmp_path / 'H', tmp_path / 'L'
    for i in range(2):
        write_png(hr_dir / f'{i}.png', smooth(8, 8, seed=i))
    write_png(lr_dir / '0.png', smooth(4, 4))
    write_png(lr_dir / '1.png', smooth(3, 4))
    ds = PatchPairDataset(hr_dir, lr_dir, input_kind='lr', channels='y')
    ds[0]
    with pytest.raises(DataError, match='LR 1 is 4x3, HR is 8x8; at x2 expected LR 4x4'):
        ds[1]


# ------------------------------------------------------------------------------ LMDB
def make_lmdb_pair(tmp_path, n=4, s=2, drop_value=None, drop_meta=None):
    hw, lw = LMDBWriter(tmp_path / 'hr.lmdb'), LMDBWriter(tmp_path / 'lr.lmdb')
    imgs = []
    for i in range(n):
        hr = smooth(8 * s, 8 * s, seed=i)
        lr = make_lr(hr[:, :, None], s, True)[:, :, 0]
        imgs.append((hr, lr))
        hw.put(f'k{i}', hr)
        if drop_value != i:
            lw.put(f'k{i}', lr)
        elif drop_meta != i:
            lw.meta.write(f'k{i}.png ({8},{8},1) 1\n')             # listed, but not stored
    hw.close()
    lw.close()
    if drop_meta is not None:
        lines = (tmp_path / 'lr.lmdb' / 'meta_info.txt').read_text().splitlines()
        (tmp_path / 'lr.lmdb' / 'meta_info.txt').write_text(
            '\n'.join(ln for ln in lines if not ln.startswith(f'k{drop_meta}.')) + '\n')
    return tmp_path / 'hr.lmdb', tmp_path / 'lr.lmdb', imgs


def test_lmdb_reads_pairs_and_reports_missing_keys(tmp_path):
    h, l_, imgs = make_lmdb_pair(tmp_path / 'ok')
    ds = LMDBDataset(h, l_, input_kind='lr', channels='y')
    assert len(ds) == 4 and ds.scales == [2]
    for i, (hr, lr) in enumerate(imgs):
        np.testing.assert_array_equal(ds[i]['gt'][0].numpy() * 255, hr.astype(np.float32))
        np.testing.assert_array_equal(ds[i]['inputs'][0].numpy() * 255, lr.astype(np.float32))
    up = LMDBDataset(h, l_, input_kind='bicubic', channels='y')[0]['inputs'][0].numpy()
    np.testing.assert_allclose(up, upsample(imgs[0][1][:, :, None] / 255.0, 2, (16, 16))[:, :, 0], atol=1e-6)
    h2, l2, _ = make_lmdb_pair(tmp_path / 'nometa', drop_value=2, drop_meta=2)
    with pytest.raises(DataError, match=r"lr.lmdb has no key 'k2' \(listed in .*hr.lmdb/meta_info.txt\)"):
        LMDBDataset(h2, l2, input_kind='lr', channels='y')
    h3, l3, _ = make_lmdb_pair(tmp_path / 'noval', drop_value=1)
    ds3 = LMDBDataset(h3, l3, input_kind='lr', channels='y')
    with pytest.raises(DataError, match="LMDB .*lr.lmdb has no key 'k1'"):
        ds3[1]
    (l3 / 'meta_info.txt').unlink()
    with pytest.raises(DataError, match='no meta_info.txt'):
        LMDBDataset(h3, l3, input_kind='lr', channels='y')
    with pytest.raises(DataError, match='not an LMDB folder'):
        LMDBDataset(tmp_path, l3, input_kind='lr', channels='y')
    (h3 / 'meta_info.txt').write_text('k0.png 16x16\n')
    with pytest.raises(DataError, match=r'meta_info.txt:1: expected "key.png \(h,w,c\) compression"'):
        LMDBDataset(h3, l_, input_kind='lr', channels='y')


def test_lmdb_map_size_grows_from_the_real_bytes(tmp_path):
    w = LMDBWriter(tmp_path / 'g.lmdb', map_size=1 << 16)          # 64 KiB: far too small on purpose
    rng = np.random.default_rng(0)
    for i in range(40):
        w.put(f'{i:03d}', rng.integers(0, 256, (64, 64, 3), dtype=np.uint8))    # ~12 KB of PNG each
    w.close()
    assert w.count == 40 and w.bytes > 40 * 10000
    assert (tmp_path / 'g.lmdb' / 'data.mdb').stat().st_size < 4 * w.bytes


# ------------------------------------------------------------------------------ multi-scale batches, workers
def _multiscale_h5(tmp_path, n=60):
    scales = np.array([2, 3, 4] * (n // 3), np.uint8)
    return write_h5(tmp_path / 'ms.h5', hr=RNG.integers(0, 256, (n, 12, 12), dtype=np.uint8),
                    lr=RNG.random((n, 12, 12)).astype(np.float32), scale=scales)


def test_scale_batch_sampler_through_mmengine_with_workers(tmp_path):
    p = _multiscale_h5(tmp_path)
    ds_cfg = dict(type='H5PatchDataset', h5_path=str(p), input_kind='bicubic', channels='y')
    H5PatchDataset(p, input_kind='bicubic', channels='y')[0]    # the parent has used the file before forking
    install_patches()                                           # as the runner set-up: sr_collate in the root
    with DefaultScope.overwrite_default_scope('srbench'):
        dl = Runner.build_dataloader(dict(
            dataset=ds_cfg, batch_size=4, num_workers=2, persistent_workers=False,
            sampler=dict(type='InfiniteSampler', shuffle=True), batch_sampler=dict(type='ScaleBatchSampler'),
            collate_fn=dict(type='sr_collate')), seed=0)
    assert isinstance(dl.batch_sampler, ScaleBatchSampler)
    seen = []
    for k, batch in enumerate(dl):
        sc = {m['scale'] for m in batch['data_samples']['metainfo']}
        assert len(sc) == 1 and batch['inputs'].shape == (4, 1, 12, 12)
        seen.append(sc.pop())
        if k == 29:
            break
    assert set(seen) == {2, 3, 4}                                  # scales mix across batches
    assert len(set(seen[:6])) > 1


def test_scale_batch_sampler_finite_and_lmdb_workers(tmp_path):
    from mmengine.dataset import DefaultSampler
    p = _multiscale_h5(tmp_path, n=30)
    ds = H5PatchDataset(p, input_kind='bicubic', channels='y')
    bs = ScaleBatchSampler(DefaultSampler(ds, shuffle=True, seed=1), batch_size=4)
    batches = list(bs)
    assert len(batches) == len(bs) == 9                              # 10 per scale: 2 full + 1 partial, x3
    assert sorted(i for b in batches for i in b) == list(range(30))
    assert all(len({int(ds.sample_scales[i]) for i in b}) == 1 for b in batches)
    dropped = ScaleBatchSampler(DefaultSampler(ds, shuffle=True, seed=1), batch_size=4, drop_last=True)
    assert len(list(dropped)) == len(dropped) == 6
    with pytest.raises(ConfigError, match='batch_size'):
        ScaleBatchSampler(DefaultSampler(ds), batch_size=0)
    # LMDB with two forked workers after the parent opened the environment
    h, l_, _ = make_lmdb_pair(tmp_path / 'db', n=8)
    dsl = LMDBDataset(h, l_, input_kind='lr', channels='y')
    dsl[0]
    loader = torch.utils.data.DataLoader(dsl, batch_size=4, num_workers=2, collate_fn=sr_collate,
                                         multiprocessing_context='fork')
    got = [b['inputs'].shape for b in loader]
    assert got == [(4, 1, 8, 8)] * 2


# ------------------------------------------------------------------------------ RandomCropDataset
@pytest.fixture
def origin(tmp_path):
    d = tmp_path / 'origin'
    write_png(d / 'a.png', smooth(40, 46, 3, seed=1))
    write_png(d / 'b.png', smooth(37, 35, 3, seed=2))
    write_png(d / 'g.png', smooth(30, 33, seed=3))                  # a gray image
    return d


def test_random_crop_matches_the_whole_image_lr(origin):
    for kind, q in (('lr', True), ('lr', False), ('bicubic', False)):
        ds = RandomCropDataset(origin, scale=3, gt_patch_size=12, input_kind=kind, channels='y',
                               augment=False,
                               quantize_lr=q, length=30)
        for i in range(30):
            np.random.seed(i)
            smp = ds[i]
            j = ds.eligible[3][(i // 1) % len(ds.eligible[3])]
            hr = mod_crop(ds.images[j], 3)
            lr = make_lr(hr, 3, q)
            np.random.seed(i)
            if kind == 'lr':
                y = np.random.randint(0, hr.shape[0] // 3 - 4 + 1)
                x = np.random.randint(0, hr.shape[1] // 3 - 4 + 1)
                want, gt = lr[y:y + 4, x:x + 4], hr[3 * y:3 * y + 12, 3 * x:3 * x + 12]
            else:
                y, x = np.random.randint(0, hr.shape[0] - 12 + 1), np.random.randint(0, hr.shape[1] - 12 + 1)
                want, gt = upsample(lr, 3, hr.shape[:2])[y:y + 12, x:x + 12], hr[y:y + 12, x:x + 12]
            want = want / 255.0 if want.dtype == np.uint8 else want
            assert np.abs(smp['inputs'][0].numpy() - want[:, :, 0]).max() < 1e-6, (kind, q, i)
            np.testing.assert_array_equal(smp['gt'][0].numpy() * 255, gt[:, :, 0].astype(np.float32))


def test_random_crop_prepared_images_multiscale(origin, tmp_path):
    hr_dir, lr_dir = tmp_path / 'train_HR', tmp_path / 'train_LR'
    kw = dict(origin_hr_dir=origin, aug_scales=[1.0, 0.7], rotations=[0, 90], flips=[0, 1], scales=[2, 3],
              gt_patch_size=12, input_kind='lr', channels='y')
    ds = RandomCropDataset(hr_dir, lr_dir=lr_dir, **kw)
    names = sorted(p.name for p in hr_dir.iterdir() if not p.name.startswith('.'))
    assert (hr_dir / '.srbench_data.json').is_file()          # how it was made (hidden from the listing)
    assert len(names) == 3 * 2 * 2 * 2 and 'a_s0.7_f1_r90.png' in names
    rot = cv2.imread(str(hr_dir / 'a_s1_f1_r90.png'))
    src = cv2.imread(str(origin / 'a.png'))
    np.testing.assert_array_equal(rot, np.rot90(src[:, ::-1]))
    assert sorted(p.name for p in lr_dir.iterdir() if not p.name.startswith('.')) == ['X2', 'X3']
    assert ds.sample_scales.tolist()[:4] == [2, 3, 2, 3] and len(ds) == 24 * 2
    for i in range(8):
        s = ds[i]
        assert s['metainfo']['scale'] == (2, 3)[i % 2]
        assert s['inputs'].shape[-1] * s['metainfo']['scale'] == 12
    # LR read from train_LR equals LR made on the fly (rounded) for the same crop
    fly = RandomCropDataset(hr_dir, quantize_lr=True, **{k: v for k, v in kw.items() if k != 'origin_hr_dir'})
    for i in range(6):
        np.random.seed(i)
        a = ds[i]
        np.random.seed(i)
        b = fly[i]
        torch.testing.assert_close(a['inputs'], b['inputs'], atol=0, rtol=0)
    # prepared once: a second dataset with the same settings reuses the folders
    mtime = (hr_dir / 'a_s1_f0_r0.png').stat().st_mtime_ns
    RandomCropDataset(hr_dir, lr_dir=lr_dir, **kw)
    assert (hr_dir / 'a_s1_f0_r0.png').stat().st_mtime_ns == mtime
    # other settings replace what srbench made; a folder srbench did not make is left alone
    RandomCropDataset(hr_dir, **dict(kw, rotations=[0]))
    assert len(list(hr_dir.glob('*.png'))) == 3 * 2 * 2
    user = tmp_path / 'mine'
    write_png(user / 'keep.png', smooth(20, 20))
    with pytest.raises(DataError, match='did not prepare'):
        RandomCropDataset(user, **kw)
    assert (user / 'keep.png').exists()


def test_random_crop_config_errors(origin):
    with pytest.raises(ConfigError, match='exactly one of scale'):
        RandomCropDataset(origin, patch_size=4, input_kind='lr', channels='y')
    with pytest.raises(ConfigError, match='exactly one of patch_size'):
        RandomCropDataset(origin, scale=2, input_kind='lr', channels='y')
    with pytest.raises(ConfigError, match='gt_patch_size 13 is not divisible by scale 2'):
        RandomCropDataset(origin, scale=2, gt_patch_size=13, input_kind='lr', channels='y')
    with pytest.raises(DataError, match='no image .* large enough'):
        RandomCropDataset(origin, scale=2, patch_size=100, input_kind='lr', channels='y')
    ds = RandomCropDataset(origin, scale=2, gt_patch_size=13, input_kind='bicubic', channels='rgb', length=6)
    s = ds[2]                                                       # the gray image, repeated to RGB
    assert s['gt'].shape == (3, 13, 13) and torch.equal(s['gt'][0], s['gt'][2])


def test_random_crop_pipeline_from_a_config(origin):
    """A config's pipeline of TRANSFORMS makes the samples; the default one is exactly that pipeline."""
    from srbench.registry import DATASETS
    kw = dict(type='RandomCropDataset', hr_dir=str(origin), scales=[2, 3], input_kind='bicubic', channels='y',
              length=12)
    pipeline = [dict(type='ModCrop'), dict(type='PairedRandomCrop', gt_patch_size=12),
                dict(type='MakeLR', quantize=True), dict(type='RandomDihedral'), dict(type='PackSRSample')]
    with DefaultScope.overwrite_default_scope('srbench'):
        cfg = DATASETS.build(dict(kw, pipeline=pipeline))
        default = DATASETS.build(dict(kw, gt_patch_size=12, quantize_lr=True))
    for i in range(12):
        np.random.seed(i)
        a = cfg[i]
        np.random.seed(i)
        b = default[i]
        assert torch.equal(a['inputs'], b['inputs']) and torch.equal(a['gt'], b['gt'])
        assert a['metainfo'] == b['metainfo'] and a['metainfo']['scale'] == (2, 3)[i % 2]
    # scale augmentation per sample, a transform the default pipeline does not have
    resc = RandomCropDataset(origin, scale=2, input_kind='lr', channels='rgb', pipeline=[
        dict(type='RandomRescale', scales=[0.5]), dict(type='ModCrop'),
        dict(type='PairedRandomCrop', lr_patch_size=4), dict(type='MakeLR'), dict(type='PackSRSample')])
    s = resc[0]
    assert s['inputs'].shape == (3, 4, 4) and s['gt'].shape == (3, 8, 8)
    with pytest.raises(ConfigError, match='patch_size and pipeline exclude each other'):
        RandomCropDataset(origin, scale=2, patch_size=4, input_kind='lr', channels='y', pipeline=pipeline)
    bad = RandomCropDataset(origin, scale=2, input_kind='lr', channels='y', pipeline=pipeline[:-1])
    with pytest.raises(DataError, match='must end with PackSRSample'):
        bad[0]
    big = RandomCropDataset(origin, scale=2, input_kind='lr', channels='y', pipeline=[
        dict(type='PairedRandomCrop', gt_patch_size=200), dict(type='MakeLR'), dict(type='PackSRSample')])
    with pytest.raises(DataError, match='smaller than the HR patch 200x200'):
        big[0]


# ------------------------------------------------------------------------------ stores
def test_patch_dataset_takes_a_store_and_the_aliases_are_it(tmp_path):
    """PatchDataset(store=...) reads every format; H5PatchDataset & co. are PatchDataset with one store."""
    from srbench.data import PatchDataset
    from srbench.data.stores import H5Store
    hr = RNG.integers(0, 256, (5, 12, 12), dtype=np.uint8)
    p = write_h5(tmp_path / 'a.h5', hr=hr, lr=RNG.random((5, 4, 4)).astype(np.float32))
    alias = H5PatchDataset(p, input_kind='lr', channels='y')
    for store in (dict(type='h5', path=str(p)), str(p), H5Store(p, channels='y')):
        ds = PatchDataset(store, input_kind='lr', channels='y')
        assert len(ds) == 5 and ds.name == 'a' and ds.scales == [3]
        assert torch.equal(ds[4]['inputs'], alias[4]['inputs']) and ds[4]['metainfo'] == alias[4]['metainfo']
    assert isinstance(alias, PatchDataset) and alias.index_determined_samples
    with pytest.raises(ConfigError, match='store type must be one of h5, lmdb, folder'):
        PatchDataset(dict(type='zip', path=str(p)), input_kind='lr', channels='y')
    with pytest.raises(ConfigError, match="store h5: .*unexpected keyword argument 'h5_path'"):
        PatchDataset(dict(type='h5', h5_path=str(p)), input_kind='lr', channels='y')
    with pytest.raises(DataError, match='is not a patch store'):
        PatchDataset(str(tmp_path), input_kind='lr', channels='y')
    with pytest.raises(ConfigError, match="the store reads channels='y'"):
        PatchDataset(H5Store(p, channels='y'), input_kind='lr', channels='rgb')


def test_h5_in_memory_serves_what_the_lazy_file_serves(tmp_path):
    p = _multiscale_h5(tmp_path, n=30)
    lazy = H5PatchDataset(p, scale=3, input_kind='bicubic', channels='y')
    mem = H5PatchDataset(p, scale=3, input_kind='bicubic', channels='y', in_memory=True)
    assert len(lazy) == len(mem) == 10
    for i in range(10):
        a, b = lazy[i], mem[i]
        assert torch.equal(a['inputs'], b['inputs']) and torch.equal(a['gt'], b['gt'])
        assert a['metainfo'] == b['metainfo'] and a['metainfo']['name'] == f'ms[{3 * i + 1}]'


def test_lmdb_scale_and_kind_checks(tmp_path):
    """The checks every store shares (srbench.data.stores.base.pair_scale): sizes an integer scale apart, a
    name suffix that agrees with the sizes, one kind of inputs per store."""
    def lmdb_pair(d, pairs):
        hw, lw = LMDBWriter(d / 'hr.lmdb'), LMDBWriter(d / 'lr.lmdb')
        for key, H, h in pairs:
            hw.put(key, smooth(H, H, seed=H))
            lw.put(key, smooth(h, h, seed=h))
        hw.close()
        lw.close()
        return d / 'hr.lmdb', d / 'lr.lmdb'
    h, l_ = lmdb_pair(tmp_path / 'named', [('a_x2', 16, 8), ('b_x3', 16, 8)])
    with pytest.raises(DataError, match=r"LR 'b_x3' in .*lr.lmdb is 8x8 and HR 'b_x3' is 16x16 \(x2\), "
                                        'but its key says x3'):
        LMDBDataset(h, l_, input_kind='lr', channels='y')
    h, l_ = lmdb_pair(tmp_path / 'kinds', [('a', 16, 8), ('b', 16, 16)])
    with pytest.raises(DataError, match="'b' .*: an HR-sized input, but its first key 'a' says LR-sized "
                                        'inputs; a store holds either'):
        LMDBDataset(h, l_, input_kind='lr', channels='y')
    h, l_ = lmdb_pair(tmp_path / 'odd', [('a', 16, 6)])
    with pytest.raises(DataError, match='not an integer scale apart'):
        LMDBDataset(h, l_, input_kind='lr', channels='y')
    h, l_ = lmdb_pair(tmp_path / 'same', [('a_x2', 12, 12), ('b_x4', 12, 12), ('c', 12, 12)])
    with pytest.raises(DataError, match='pass scale='):
        LMDBDataset(h, l_, input_kind='bicubic', channels='y')
    ds = LMDBDataset(h, l_, scale=4, input_kind='bicubic', channels='y')      # c gets scale=4, a keeps its x2
    assert [ds[i]['metainfo']['name'] for i in range(len(ds))] == ['b_x4', 'c']


def test_stores_reopen_in_spawned_workers(tmp_path):
    """A spawned worker unpickles the dataset without the parent's open files and opens its own."""
    p = _multiscale_h5(tmp_path, n=12)
    h, l_, _ = make_lmdb_pair(tmp_path / 'db', n=4)
    parts = [H5PatchDataset(p, scale=2, input_kind='bicubic', channels='y'),
             LMDBDataset(h, l_, input_kind='lr', channels='y')]
    for d in parts:
        d[0]                                                         # the parent has its files open
    ds = torch.utils.data.ConcatDataset(parts)
    loader = torch.utils.data.DataLoader(ds, batch_size=2, num_workers=1, collate_fn=sr_collate,
                                         multiprocessing_context='spawn')
    got = [b['inputs'] for b in loader]
    want = [torch.stack([ds[i]['inputs'], ds[i + 1]['inputs']]) for i in range(0, len(ds), 2)]
    assert len(got) == 4 and all(torch.equal(a, b) for a, b in zip(got, want))
