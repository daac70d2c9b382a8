"""tools/data_aug.py and tools/create_lmdb.py: the seed's recipes, round trips through the datasets,
the documented patch layout, determinism, and one clear error per bad input."""
import hashlib
import importlib.util
import math
import os
from pathlib import Path

import cv2
import h5py
import numpy as np
import pytest
import torch

from srbench.data import H5PatchDataset, LMDBDataset, PatchPairDataset
from srbench.data.benchmarks import benchmark_root
from srbench.data.stores import FolderPatchWriter, H5PatchWriter, LMDBPatchWriter
from srbench.transforms.paired import dihedral

ROOT = Path(__file__).resolve().parents[1]


def _tool(name):
    spec = importlib.util.spec_from_file_location(f'tool_{name}', ROOT / 'tools' / f'{name}.py')
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.main


data_aug_main = _tool('data_aug')
create_lmdb_main = _tool('create_lmdb')


def run_ok(argv):
    s = data_aug_main(argv + ['--quiet'])
    assert isinstance(s, dict), s
    return s


def run_err(argv, capsys, main=None):
    with pytest.raises(SystemExit) as e:
        (main or data_aug_main)(argv + (['--quiet'] if main is None else []))
    err = capsys.readouterr().err
    assert e.value.code == 2, err
    lines = [ln for ln in err.splitlines() if ln.startswith('srbench: error:')]
    assert len(lines) == 1, err
    return lines[0]


def recipe_input(tmp_path):
    """T91 when it is there (the recipes' own data); else two synthetic photos-like images, so that the
    recipes still run (this test never skips)."""
    d = Path(benchmark_root()) / 'T91' / 'HR'
    if d.is_dir():
        return d
    d = tmp_path / 'synthetic'
    d.mkdir()
    rng = np.random.default_rng(7)
    for i, (h, w) in enumerate([(176, 197), (129, 142)]):
        small = rng.integers(0, 256, (h // 8, w // 8, 3), dtype=np.uint8)
        cv2.imwrite(str(d / f't{i + 1}.bmp'), cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC))
    return d


def y_of(img):
    """Y of MATLAB rgb2ycbcr on uint8, written out here (not srbench's)."""
    if img.ndim == 2:
        return img
    r, g, b = (img[..., i].astype(np.float64) for i in range(3))
    return np.floor(16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255 + 0.5).astype(np.uint8)


@pytest.fixture
def small_images(tmp_path):
    """Three small RGB images and one gray image (odd sizes)."""
    d = tmp_path / 'imgs'
    d.mkdir()
    rng = np.random.default_rng(0)
    small = rng.integers(0, 256, (8, 8, 3), dtype=np.uint8)
    base = cv2.resize(small, (40, 40), interpolation=cv2.INTER_CUBIC)
    for i, (h, w) in enumerate([(37, 40), (40, 29), (31, 33)]):
        cv2.imwrite(str(d / f'im{i}.png'), np.roll(base, 5 * i, axis=1)[:h, :w])
    cv2.imwrite(str(d / 'im3_gray.png'), base[:30, :34, 1])
    return d


# ------------------------------------------------------------------------------ the seed's recipes
RECIPES = {   # verbatim from the seed README, except --input/--output (and a small --number here)
    'SRCNN': ('--number 91 --upsampling bicubic --width 33 --height 33 --stride 14 -uf 2 '
              '--single_y --use_h5py --same_size', 'bicubic'),
    'FSRCNN': ('--number 91 --width 20 --height 20 --stride 2 -uf 2 --rotations 0 90 180 270 '
               '--scales 1.0 0.9 0.8 0.7 0.6 --single_y --use_h5py', 'lr'),
    'VDSR': ('--number 291 --upsampling nearest bicubic --width 41 --height 41 --stride 41 -uf 2 3 4 '
             '--scales 1.0 0.7 0.5 --rotations 0 90 180 270 --flips 0 1 2 3 --use_h5py --same_size '
             '--single_y',
             'bicubic'),
    'ESPCN': ('--number 1000 --width 68 --height 68 --stride 56 -uf 4 --single_y --use_h5py', 'lr'),
    'DRCN': ('--number 91 --width 41 --height 41 --stride 21 -uf 2 --rotations 0 90 180 270 '
             '--scales 1.0 0.7 0.5 --upsampling bicubic --single_y --use_h5py', 'bicubic'),
    'DRRN': ('--number 291 --width 31 --height 31 --stride 28 -uf 2 3 4 --rotations 0 90 180 270 '
             '--flip 0 1 2 --upsampling bicubic --single_y --use_h5py', 'bicubic'),
}


def expected_count(files, ph, pw, stride, ufs, scales, rots, flips, methods):
    """Patch count from the documented procedure (image sizes only)."""
    n = 0
    for p in files:
        H0, W0 = cv2.imread(str(p), cv2.IMREAD_UNCHANGED).shape[:2]
        for s in scales:
            H, W = (H0, W0) if s == 1 else (math.ceil(s * H0), math.ceil(s * W0))
            for u in ufs:
                h, w = H - H % u, W - W % u
                for r in rots:
                    hh, ww = (w, h) if r % 180 else (h, w)
                    if hh >= ph and ww >= pw:
                        n += ((hh - ph) // stride + 1) * ((ww - pw) // stride + 1) * len(flips) * methods
    return n


def values(argv, *names, default=None):
    """The values after a flag (up to the next flag)."""
    for n in names:
        if n in argv:
            i = argv.index(n) + 1
            out = []
            while i < len(argv) and not argv[i].startswith('-'):
                out.append(argv[i])
                i += 1
            return out
    return default


@pytest.mark.parametrize('model', list(RECIPES))
def test_seed_recipe_runs_verbatim(model, tmp_path):
    src = recipe_input(tmp_path)
    flags, kind = RECIPES[model]
    argv = flags.split()
    number = 2 if model in ('SRCNN', 'ESPCN', 'DRRN') else 1
    argv[argv.index('--number') + 1] = str(number)
    out = tmp_path / f'{model}.h5'
    s = run_ok(argv + ['--input', str(src), '--output', str(out)])
    a = dict(zip(argv, argv[1:] + ['']))
    ufs = [int(v) for v in values(argv, '-uf')]
    sc = [float(v) for v in values(argv, '--scales', default=['1.0'])]
    rots = [int(v) for v in values(argv, '--rotations', default=['0'])]
    fl = values(argv, '--flips', '--flip', default=['0'])
    methods = len(values(argv, '--upsampling', default=['bicubic']))
    files = sorted(src.iterdir(), key=lambda p: p.name)[:number]
    want = expected_count(files, int(a['--height']), int(a['--width']), int(a['--stride']), ufs, sc, rots, fl,
                          methods)
    assert s['patches'] == want > 0
    with h5py.File(out) as f:
        assert f['hr'].shape[0] == want and f['hr'].dtype == np.uint8 and f['lr'].dtype == np.float32
        assert f['hr'].shape[1:] == (int(a['--height']), int(a['--width']))           # Y: N x H x W
        assert f['hr'].chunks is None and f['lr'].chunks is None                     # contiguous: flat memory
        assert sorted(np.unique(f['scale'][...]).tolist()) == ufs
    ds = H5PatchDataset(out, input_kind=kind, channels='y')
    assert len(ds) == want and ds.scales == ufs
    smp = ds[len(ds) - 1]
    assert smp['gt'].shape[-2:] == (int(a['--height']), int(a['--width']))
    f = smp['metainfo']['scale']
    assert smp['inputs'].shape[-1] == (smp['gt'].shape[-1] if kind == 'bicubic' else smp['gt'].shape[-1] // f)


# ------------------------------------------------------------------------------ what the patches are
def test_patches_follow_the_documented_procedure(small_images, tmp_path):
    from test_imresize import ref_imresize           # the independent MATLAB imresize reference
    out = tmp_path / 'p.h5'
    run_ok(['--input', str(small_images), '--number', '1', '--width', '12', '--height', '10', '--stride', '6',
            '-uf', '2', '--single_y', '--output', str(out)])
    img = cv2.cvtColor(cv2.imread(str(small_images / 'im0.png')), cv2.COLOR_BGR2RGB)
    Y = y_of(img)[:36, :40]                                                   # mod-crop to x2
    lr = ref_imresize(Y.astype(np.float64) / 255, 0.5)
    with h5py.File(out) as f:
        hr_p, lr_p = f['hr'][...], f['lr'][...]
    ys, xs = range(0, 36 - 10 + 1, 6), range(0, 40 - 12 + 1, 6)
    assert len(hr_p) == len(ys) * len(xs)
    k = 0
    for y in ys:                                                              # row-major window order
        for x in xs:
            np.testing.assert_array_equal(hr_p[k], Y[y:y + 10, x:x + 12])
            # float, not rounded
            assert np.abs(lr_p[k] - lr[y // 2:y // 2 + 5, x // 2:x // 2 + 6]).max() < 1e-6
            k += 1


def test_flips_and_rotations_order_and_meaning(tmp_path):
    d = tmp_path / 'sq'
    d.mkdir()
    img = np.arange(144, dtype=np.uint8).reshape(12, 12)
    cv2.imwrite(str(d / 'a.png'), img)
    out = tmp_path / 'f.h5'
    run_ok(['--input', str(d), '--width', '12', '--height', '12', '--stride', '12', '-uf', '2', '--single_y',
            '--flips', '0', '1', '2', '--rotations', '0', '90', '--output', str(out)])
    with h5py.File(out) as f:
        hr = f['hr'][...]
    want = [dihedral(img, fl, r) for fl in (0, 1, 2) for r in (0, 90)]          # flips outer, rotations inner
    assert len(hr) == 6
    for got, w in zip(hr, want):
        np.testing.assert_array_equal(got, w)
    np.testing.assert_array_equal(hr[1], np.rot90(img))                         # 90 = counter-clockwise
    np.testing.assert_array_equal(hr[2], img[:, ::-1])                          # 1 = left-right
    np.testing.assert_array_equal(hr[4], img[::-1])                             # 2 = up-down


def test_upsampling_methods_give_one_copy_each(small_images, tmp_path):
    out = tmp_path / 'u.h5'
    s = run_ok(['--input', str(small_images), '--number', '1', '--width', '12', '--height', '12',
                '--stride', '12',
                '-uf', '3', '--single_y', '--upsampling', 'nearest', 'bicubic', '--output', str(out)])
    with h5py.File(out) as f:
        hr, lr = f['hr'][...], f['lr'][...]
    n = s['patches'] // 2
    assert s['input_kind'] == 'bicubic' and lr.shape == hr.shape      # --upsampling implies HR-sized
    np.testing.assert_array_equal(hr[:n], hr[n:])                               # same HR patches, twice
    near = lr[:n]
    np.testing.assert_array_equal(near[:, ::3, ::3], near[:, 2::3, 2::3])      # nearest: constant 3x3 blocks
    assert not np.array_equal(lr[n:, ::3, ::3], lr[n:, 2::3, 2::3])


# ------------------------------------------------------------------------------ round trips
def _read_png(p):
    img = cv2.imread(str(p), cv2.IMREAD_UNCHANGED)
    return img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_BGR2RGB)


@pytest.mark.parametrize('extra,kind', [(['--same_size', '-uf', '2', '3'], 'bicubic'), (['-uf', '2'], 'lr')])
def test_round_trips_folder_h5_lmdb(small_images, tmp_path, extra, kind):
    from srbench.data.stores.lmdb import open_lmdb
    common = ['--input', str(small_images), '--width', '12', '--height', '12', '--stride', '8',
              '--rotations', '0', '90', '--single_y'] + extra
    s_h5 = run_ok(common + ['--output', str(tmp_path / 'a.h5')])
    s_u8 = run_ok(common + ['--output', str(tmp_path / 'b.h5'), '--dtype', 'uint8'])
    s_f = run_ok(common + ['--format', 'folder', '--output', str(tmp_path / 'fold')])
    s_l = run_ok(common + ['--format', 'lmdb', '--output', str(tmp_path / 'db')])
    n = s_h5['patches']
    assert n > 0 and s_u8['patches'] == s_f['patches'] == s_l['patches'] == n
    same = kind == 'bicubic'
    dh = H5PatchDataset(tmp_path / 'a.h5', input_kind=kind, channels='y')
    du = H5PatchDataset(tmp_path / 'b.h5', input_kind=kind, channels='y', in_memory=True)
    dfo = PatchPairDataset(tmp_path / 'fold' / 'train_HR', tmp_path / 'fold' / 'train_LR', same_size=same,
                           input_kind=kind, channels='y')
    dl = LMDBDataset(tmp_path / 'db' / 'train_HR.lmdb', tmp_path / 'db' / 'train_LR.lmdb', input_kind=kind,
                     channels='y')
    assert len(dh) == len(du) == len(dfo) == len(dl) == n
    from srbench.data import PatchDataset                       # the same stores, recognised from the path
    for path, ref in ((tmp_path / 'a.h5', dh), (tmp_path / 'fold', dfo), (tmp_path / 'db', dl)):
        pd = PatchDataset(str(path), input_kind=kind, channels='y')
        assert len(pd) == n and pd.same_size == same and pd.store.format == ref.store.format
        for i in (0, n - 1):
            assert torch.equal(pd[i]['inputs'], ref[i]['inputs']) and pd[i]['metainfo'] == ref[i]['metainfo']
    np.testing.assert_array_equal(dh.sample_scales, dfo.sample_scales)
    np.testing.assert_array_equal(dh.sample_scales, dl.sample_scales)
    env = open_lmdb(tmp_path / 'db' / 'train_LR.lmdb')          # the process-wide handle the dataset uses
    with h5py.File(tmp_path / 'a.h5') as fa, h5py.File(tmp_path / 'b.h5') as fb, env.begin() as txn:
        for i in list(range(0, n, max(1, n // 25))) + [n - 1]:
            a, u, fo, lm = dh[i], du[i], dfo[i], dl[i]
            # h5 float: exactly the stored arrays
            np.testing.assert_array_equal(a['gt'][0].numpy() * 255, fa['hr'][i].astype(np.float32))
            np.testing.assert_array_equal(a['inputs'][0].numpy(), fa['lr'][i])
            np.testing.assert_array_equal(np.round(u['inputs'][0].numpy() * 255), fb['lr'][i])
            # folder and lmdb: exactly the stored PNGs; and the same content as the uint8 h5
            name = fo['metainfo']['name']
            assert lm['metainfo']['name'] == name
            np.testing.assert_array_equal(np.round(fo['inputs'][0].numpy() * 255),
                                          _read_png(tmp_path / 'fold' / 'train_LR' / f'{name}.png'))
            png = cv2.imdecode(np.frombuffer(txn.get(name.encode()), np.uint8), cv2.IMREAD_UNCHANGED)
            np.testing.assert_array_equal(np.round(lm['inputs'][0].numpy() * 255), png)
            for x in (fo, lm):
                assert x['metainfo']['scale'] == a['metainfo']['scale']
                np.testing.assert_array_equal(x['gt'].numpy(), a['gt'].numpy())
                np.testing.assert_array_equal(x['inputs'].numpy(), u['inputs'].numpy())
            # the uint8 inputs are the float ones (which overshoot [0, 1] a little) saturated and rounded
            assert np.abs(u['inputs'].numpy() - a['inputs'].numpy().clip(0, 1)).max() <= 0.5 / 255 + 1e-7
    meta = (tmp_path / 'db' / 'train_HR.lmdb' / 'meta_info.txt').read_text().splitlines()
    assert len(meta) == n and meta[0].endswith('.png (12,12,1) 1')


def test_output_is_deterministic(small_images, tmp_path):
    argv = ['--input', str(small_images), '--width', '10', '--height', '10', '--stride', '5', '-uf', '2', '3',
            '--same_size', '--scales', '1.0', '0.7', '--flips', '0', '1']
    digests = []
    for name in ('x.h5', 'y.h5'):
        run_ok(argv + ['--output', str(tmp_path / name)])
        digests.append(hashlib.sha256((tmp_path / name).read_bytes()).hexdigest())
    assert digests[0] == digests[1]


def test_create_lmdb_tool_round_trip(small_images, tmp_path, capsys):
    from srbench.transforms import make_lr, mod_crop, to_channels
    hr_dir, lr_dir = tmp_path / 'HR', tmp_path / 'LR'
    hr_dir.mkdir()
    lr_dir.mkdir()
    for p in sorted(small_images.iterdir()):
        img = mod_crop(_read_png(p), 2)
        cv2.imwrite(str(hr_dir / p.name), img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
        lr = make_lr(to_channels(img, 'rgb'), 2, True)
        cv2.imwrite(str(lr_dir / p.name), cv2.cvtColor(lr, cv2.COLOR_RGB2BGR))
    create_lmdb_main([str(hr_dir), str(tmp_path / 'hr.lmdb')])
    create_lmdb_main([str(lr_dir), str(tmp_path / 'lr.lmdb')])
    assert {p.name for p in (tmp_path / 'hr.lmdb').iterdir()} >= {'data.mdb', 'lock.mdb', 'meta_info.txt'}
    meta = (tmp_path / 'hr.lmdb' / 'meta_info.txt').read_text().splitlines()
    assert meta[0] == 'im0.png (36,40,3) 1' and meta[3] == 'im3_gray.png (30,34,1) 1'
    ds = LMDBDataset(tmp_path / 'hr.lmdb', tmp_path / 'lr.lmdb', input_kind='lr', channels='rgb')
    assert ds.scales == [2] and len(ds) == 4
    for i, p in enumerate(sorted(small_images.iterdir())):
        want = to_channels(mod_crop(_read_png(p), 2), 'rgb')
        np.testing.assert_array_equal(np.round(ds[i]['gt'].numpy().transpose(1, 2, 0) * 255), want)
    assert 'already exists' in run_err([str(hr_dir), str(tmp_path / 'hr.lmdb')], capsys, create_lmdb_main)
    create_lmdb_main([str(hr_dir), str(tmp_path / 'hr.lmdb'), '--overwrite'])


# ------------------------------------------------------------------------------ errors
def test_bad_inputs_give_one_clear_error(small_images, tmp_path, capsys):
    out = tmp_path / 'o.h5'
    base = ['--width', '12', '--height', '12', '--stride', '12', '-uf', '2', '--output', str(out)]
    assert 'does not exist' in run_err(['--input', str(tmp_path / 'nope')] + base, capsys)
    (tmp_path / 'mixed').mkdir()
    cv2.imwrite(str(tmp_path / 'mixed' / 'a.png'), np.zeros((20, 20), np.uint8))
    (tmp_path / 'mixed' / 'notes.txt').write_text('x')
    assert 'not an image: notes.txt' in run_err(['--input', str(tmp_path / 'mixed')] + base, capsys)
    msg = run_err(['--input', str(small_images), '--width', '500', '--height', '12', '--stride', '4',
                   '--output', str(out)], capsys)
    assert 'no patch fits' in msg and '--width 500' in msg
    msg = run_err(['--input', str(small_images), '--upsampling', 'lanczos'] + base, capsys)
    assert "unknown method 'lanczos'" in msg
    msg = run_err(['--input', str(small_images), '--width', '33', '--height', '32', '--stride', '4',
                   '-uf', '2',
                   '--output', str(out)], capsys)
    assert '--width 33 is not divisible by upscale factor 2' in msg
    msg = run_err(['--input', str(small_images), '--width', '12', '--height', '12', '--stride', '12',
                   '-uf', '2', '3',
                   '--format', 'h5', '--output', str(out)], capsys)
    assert 'one size' in msg
    assert 'multiples of 90' in run_err(['--input', str(small_images), '--rotations', '45'] + base, capsys)
    assert 'flip codes' in run_err(['--input', str(small_images), '--flips', '5'] + base, capsys)
    assert not out.exists() and not list(tmp_path.glob('.o.h5*'))
    run_ok(['--input', str(small_images)] + base)
    assert 'already exists' in run_err(['--input', str(small_images)] + base, capsys)
    run_ok(['--input', str(small_images), '--overwrite'] + base)
    (tmp_path / 'user').mkdir()
    (tmp_path / 'user' / 'keep.txt').write_text('precious')
    msg = run_err(['--input', str(small_images), '--format', 'folder', '--overwrite',
                   '--output', str(tmp_path / 'user')]
                  + base[:-2], capsys)
    assert 'did not write' in msg and (tmp_path / 'user' / 'keep.txt').exists()


@pytest.mark.parametrize('fmt', ['h5', 'folder', 'lmdb'])
def test_interrupted_run_leaves_nothing(small_images, tmp_path, monkeypatch, capsys, fmt):
    cls = {'h5': H5PatchWriter, 'folder': FolderPatchWriter, 'lmdb': LMDBPatchWriter}[fmt]
    calls = []
    orig = cls._add

    def flaky(self, *a):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return orig(self, *a)

    monkeypatch.setattr(cls, '_add', flaky)
    out = tmp_path / ('o.h5' if fmt == 'h5' else 'o')
    with pytest.raises(SystemExit) as e:
        data_aug_main(['--input', str(small_images), '--width', '8', '--height', '8', '--stride', '4',
                       '-uf', '2',
                       '--format', fmt, '--output', str(out), '--quiet'])
    assert e.value.code == 130 and len(calls) == 3
    assert not out.exists()
    assert os.listdir(tmp_path) == ['imgs'], os.listdir(tmp_path)
