"""Released weights: declarations (srbench.spec.Weights), readers (MATLAB v5/v7.3, MatConvNet, other
toolboxes' torch files), the MATLAB layout helpers, the plugins' converters, `srbench convert`, the
authors' evaluation protocols and pixel grids -- and, with /work/shared/weights present, the papers' Set5
numbers reproduced from the authors' own files (skipped with a reason when the files are absent)."""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

from conftest import REPO, TOOLS, error_line, run_tool
from srbench.errors import CheckpointError, ConfigError, PluginError

scipy_io = pytest.importorskip('scipy.io', reason='scipy (the "convert" extra) reads MATLAB v5 files')

WEIGHTS = next((p for p in (REPO.parent / 'shared' / 'weights', Path('/work/shared/weights')) if p.is_dir()),
               None)
needs_weights = pytest.mark.skipif(WEIGHTS is None, reason='the authors\' released weights '
                                   '(../shared/weights) are absent')


def _file(decl_name: str) -> Path:
    """The released file of a declaration in the shared folder (SRCNN's files are renamed there)."""
    from srbench.weights import find_declaration
    w = find_declaration(decl_name).weights
    sub = {'SRCNN': 'srcnn', 'VDSR': 'vdsr', 'LapSRN': 'lapsrn'}[w.model]
    return WEIGHTS / sub / (f'{decl_name}.mat' if w.model == 'SRCNN' else w.file)


def _sha(p) -> str:
    return hashlib.sha256(Path(p).read_bytes()).hexdigest()


# -- declarations -------------------------------------------------------------------------------------
def test_weights_declaration_checks():
    from srbench.spec import PaperNumber, Plugin, Weights
    ok = dict(name='a', model='M', file='a.mat', sha256='0' * 64, url='u', format='mat', converter='m:f')
    assert Weights(**ok).sha256 == '0' * 64
    with pytest.raises(PluginError, match='sha256 must be 64 hex digits'):
        Weights(**{**ok, 'sha256': 'xyz'})
    with pytest.raises(PluginError, match='format must be one of'):
        Weights(**{**ok, 'format': 'onnx'})
    with pytest.raises(PluginError, match="converter must be 'module:function'"):
        Weights(**{**ok, 'converter': 'mf'})
    with pytest.raises(PluginError, match='table .* is required'):
        PaperNumber('Set5', 2, {'PSNR': 1.0}, '')
    with pytest.raises(PluginError, match='weights declared twice: a'):
        Plugin('p', weights=[Weights(**ok), ok])


def test_every_declared_number_names_its_table_and_config_exists():
    from srbench.apis.common import resolve_config_path
    from srbench.data.paired import EVAL_PROTOCOLS
    from srbench.weights import declarations
    decls = declarations()
    names = {d.weights.name for d in decls}
    assert {'vdsr_official', 'lapsrn_x2', 'lapsrn_x4', 'lapsrn_x8', 'srcnn_9-5-5_imagenet_x2'} <= names
    for d in decls:
        w = d.weights
        assert w.protocol in EVAL_PROTOCOLS, w.name
        assert resolve_config_path(w.config).is_file(), w.config
        for n in w.numbers:
            assert n.table and n.dataset in ('Set5', 'Set14', 'BSD100', 'Urban100'), (w.name, n)


def test_every_paper_json_number_names_its_table():
    """Each result row of the classic plugins' paper.json says which table it is from (RCAN, RDN, GLEAN say it
    in their ``source``)."""
    for name in ('bicubic', 'drcn', 'drrn', 'espcn', 'fsrcnn', 'lapsrn', 'srcnn', 'vdsr'):
        f = REPO / 'plugins' / name / 'paper.json'
        d = json.loads(f.read_text())
        for r in d.get('results', []):
            assert r.get('table'), (f, r)
    srcnn = json.loads((REPO / 'plugins' / 'srcnn' / 'paper.json').read_text())['results']
    tpami14 = {r['scale']: r['metrics']['PSNR'] for r in srcnn
               if r['label'] == 'paper' and r['dataset'] == 'Set14'}
    assert tpami14 == {2: 32.45, 3: 29.30, 4: 27.50}
    fsrcnn = {(r['label'], r['scale']): r['metrics']['PSNR']
              for r in json.loads((REPO / 'plugins' / 'fsrcnn' / 'paper.json').read_text())['results']
              if r['dataset'] == 'Set5'}
    assert fsrcnn[('paper (91 images)', 3)] == 33.06 and fsrcnn[('paper (General-100, released)', 3)] == 33.16


def test_listing_shows_the_weights():
    proc = run_tool([TOOLS / 'convert_weights.py', '--list'])
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert 'vdsr_official' in proc.stdout and 'lapsrn-matlab' in proc.stdout and 'x2 37.53' in proc.stdout
    proc = run_tool([TOOLS / 'convert_weights.py', '--list', '--json'])
    rows = json.loads(proc.stdout)
    assert {r['name'] for r in rows} >= {'lapsrn_x8'} and all(len(r['sha256']) == 64 for r in rows)


# -- MATLAB layout helpers and readers ------------------------------------------------------------------
def test_with_dims_restores_dropped_trailing_singletons():
    from srbench.weights import conv_hwio, with_dims
    a = np.zeros((3, 3, 64))                       # MATLAB's 3x3x64x1
    assert with_dims(a, 4).shape == (3, 3, 64, 1)
    assert conv_hwio(a).shape == (1, 64, 3, 3)
    assert with_dims(np.zeros((4, 4, 1, 1)), 2).shape == (4, 4)
    with pytest.raises(CheckpointError, match='expected 2 dimensions'):
        with_dims(np.zeros((4, 4, 2)), 2)


def test_filter_bank_is_column_major_correlation():
    """``reshape(w(j,:,i), k, k)`` in MATLAB: tap (row a, column b) is element a + k*b of the k² column; the
    filter applied with imfilter (correlation) equals PyTorch's conv2d with the converted weight."""
    from srbench.weights import filter_bank
    rng = np.random.default_rng(0)
    cin, k, cout = 2, 3, 4
    w = rng.standard_normal((cin, k * k, cout))
    out = filter_bank(w)
    assert out.shape == (cout, cin, k, k)
    for i in range(cout):
        for j in range(cin):
            ref = w[j, :, i].reshape(k, k, order='F')             # MATLAB's reshape
            np.testing.assert_array_equal(out[i, j], ref)
    x = rng.standard_normal((cin, 7, 7))
    y = torch.nn.functional.conv2d(torch.from_numpy(x)[None], torch.from_numpy(out))[0].numpy()
    corr = sum(np.sum(x[j, 2:5, 2:5] * w[j, :, 1].reshape(k, k, order='F')) for j in range(cin))
    assert y[1, 2, 2] == pytest.approx(corr)


def test_mat_v5_reader_flattens_structs_and_cells(tmp_path):
    from srbench.weights import read_released
    cell = np.empty((1, 2), dtype=object)
    cell[0, 0], cell[0, 1] = np.ones((3, 3, 2)), np.arange(4.0)
    scipy_io.savemat(tmp_path / 'm.mat', {'model': {'weight': cell, 'n': 2.0}, 'b': np.zeros((5, 1))})
    r = read_released(tmp_path / 'm.mat')
    assert r.kind == 'mat'
    assert r.arrays['model.weight{1}'].shape == (3, 3, 2) and r.arrays['model.weight{2}'].size == 4
    assert r.arrays['b'].shape == (5, 1)
    with pytest.raises(CheckpointError, match=r"m\.mat: has no tensor 'model.weight\{3\}'"):
        r.get('model.weight{3}')


def test_mat_v73_reader(tmp_path):
    import h5py

    from srbench.weights import read_released
    p = tmp_path / 'v73.mat'
    with h5py.File(p, 'w', userblock_size=512) as f:
        f['weights_conv1'] = np.arange(6.0).reshape(3, 2)          # MATLAB 2x3, stored transposed
    with open(p, 'r+b') as f:
        f.write(b'MATLAB 7.3 MAT-file'.ljust(116, b' '))
    r = read_released(p)
    assert r.arrays['weights_conv1'].shape == (2, 3)
    np.testing.assert_array_equal(r.arrays['weights_conv1'], np.arange(6.0).reshape(3, 2).T)


def test_truncated_or_foreign_files_are_one_clear_error(tmp_path):
    from srbench.weights import read_released
    bad = tmp_path / 'x.mat'
    bad.write_bytes(b'MATLAB 5.0 MAT-file' + b'\0' * 50)
    with pytest.raises(CheckpointError, match=r'x\.mat is not a readable MATLAB \.mat file'):
        read_released(bad)
    txt = tmp_path / 'w.pth'
    txt.write_text('hello')
    with pytest.raises(CheckpointError, match=r'w\.pth is not a checkpoint'):
        read_released(txt)


@pytest.mark.parametrize('wrap,note', [
    (lambda sd: {'params_ema': sd, 'params': {k: v * 0 for k, v in sd.items()}}, 'params_ema'),
    (lambda sd: {'params': sd}, 'params'),
    (lambda sd: {'state_dict': {**{f'generator_ema.{k}': v for k, v in sd.items()},
                                **{f'generator.{k}': v * 0 for k, v in sd.items()}}},
     'state_dict > generator_ema.'),
    (lambda sd: {f'module.{k}': v for k, v in sd.items()}, 'module.'),
])
def test_torch_readers_unwrap_other_toolboxes(tmp_path, wrap, note):
    from srbench.weights import read_released
    sd = {'conv.weight': torch.ones(2, 1, 3, 3), 'conv.bias': torch.ones(2)}
    torch.save(wrap(sd), tmp_path / 'w.pth')
    r = read_released(tmp_path / 'w.pth')
    assert r.kind == 'torch' and r.note == note
    assert set(r.arrays) == set(sd) and all(torch.equal(r.arrays[k], sd[k]) for k in sd)


# -- FSRCNN: the authors' layout and pixel grid (their files are not here: synthetic) -------------------
def _deconv_m(x: np.ndarray, f: np.ndarray, r: int) -> np.ndarray:
    """The FSRCNN package's deconv.m, written out: pad the input by one pixel (replicate), add each pixel's
    kernel at stride r, crop from (fsize + 1) / 2 + r (1-based)."""
    xp = np.pad(x, 1, mode='edge')
    h, w = xp.shape
    k = f.shape[0]
    out = np.zeros((h * r + k - 1, w * r + k - 1))
    for i in range(h):
        for j in range(w):
            out[i * r:i * r + k, j * r:j * r + k] += xp[i, j] * f
    c = (k + 1) // 2 + r - 1                                   # 0-based start
    return out[c:c + x.shape[0] * r, c:c + x.shape[1] * r]


@pytest.mark.parametrize('r', [2, 3, 4])
def test_fsrcnn_authors_grid_is_deconv_m(r):
    from srbench.models import HRGridConvTranspose2d
    rng = np.random.default_rng(r)
    x, f = rng.standard_normal((9, 8)), rng.standard_normal((9, 9))
    ref = _deconv_m(x, f, r)
    layer = HRGridConvTranspose2d(1, 1, 9, r, bias=False, edge='replicate', offset=4).double()
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(f)[None, None])
        ours = layer(torch.from_numpy(x)[None, None])[0, 0].numpy()
    b = 2 * r                       # the border pixels see deconv.m's single padded pixel only
    np.testing.assert_allclose(ours[b:-b, b:-b], ref[b:-b, b:-b], atol=1e-10)
    centre = HRGridConvTranspose2d(1, 1, 9, r, bias=False, edge='replicate').double()
    with torch.no_grad():
        centre.weight.copy_(layer.weight)
        shifted = centre(torch.from_numpy(x)[None, None])[0, 0].numpy()
    # srbench's centre grid is 1 / 1 / 2 HR pixels further at x2 / x3 / x4 (at x3 the authors' demo compares
    # with shave_x3, one pixel shifted: the centre grid is what their x3 numbers measure)
    shift = 4 - (9 - r) // 2
    assert shift == {2: 1, 3: 1, 4: 2}[r]
    np.testing.assert_allclose(shifted[b + shift:-b, b + shift:-b], ours[b:-b - shift, b:-b - shift],
                               atol=1e-10)
    assert not np.allclose(shifted[b:-b, b:-b], ours[b:-b, b:-b])


def test_hr_grid_offset_checked():
    from srbench.models import HRGridConvTranspose2d
    with pytest.raises(ConfigError, match=r'offset must be an integer in \[0, 8\]'):
        HRGridConvTranspose2d(1, 1, 9, 2, offset=9)


def _fsrcnn_mat(net, path, shared_prelu: bool):
    """Write an srbench FSRCNN in the authors' MATLAB layout (FSRCNN.m's weights_conv / biases_conv /
    prelu_conv cells)."""
    convs = [m for m in net.body if isinstance(m, torch.nn.Conv2d)]
    prelus = [m for m in net.body if isinstance(m, torch.nn.PReLU)]
    n = len(convs) + 1
    W, B, P = (np.empty((n, 1), dtype=object) for _ in range(3))
    P = np.empty((n - 1, 1), dtype=object)
    for i, (c, a) in enumerate(zip(convs, prelus)):
        w = c.weight.detach().double().numpy()                  # out, in, k, k
        cout, cin, k, _ = w.shape
        W[i, 0] = w.transpose(1, 3, 2, 0).reshape(cin, k * k, cout)   # column-major k² (b outer, a inner)
        B[i, 0] = c.bias.detach().double().numpy()[:, None]
        P[i, 0] = (a.weight.detach().double().numpy()[:1] if shared_prelu
                   else a.weight.detach().double().numpy()[:, None])
    dw = net.deconv.weight.detach().double().numpy()            # d, 1, 9, 9
    W[n - 1, 0] = dw.transpose(1, 3, 2, 0).reshape(1, 81, dw.shape[0])
    B[n - 1, 0] = net.deconv.bias.detach().double().numpy()[:, None]
    scipy_io.savemat(path, {'weights_conv': W, 'biases_conv': B, 'prelu_conv': P})


@pytest.mark.parametrize('shared_prelu', [False, True])
def test_fsrcnn_converter_reads_the_authors_layout(tmp_path, shared_prelu):
    from srbench.weights import convert_file
    from srbench_plugins.fsrcnn.fsrcnn_arch import FSRCNN
    torch.manual_seed(0)
    net = FSRCNN(scale=2, grid='authors')
    with torch.no_grad():
        for m in net.body:
            if isinstance(m, torch.nn.PReLU):
                m.weight.fill_(0.1) if shared_prelu else m.weight.uniform_(0, 0.5)
        net.deconv.bias.fill_(0.3)
    _fsrcnn_mat(net, tmp_path / 'x2.mat', shared_prelu)
    conv = convert_file(tmp_path / 'x2.mat', model='FSRCNN', args=dict(scale=2, grid='authors'))
    own = net.state_dict()
    assert set(conv.state_dict) == set(own)
    for k, v in own.items():
        torch.testing.assert_close(conv.state_dict[k], v.float(), msg=k)
    assert conv.meta['model'] == dict(type='FSRCNN', scale=2, grid='authors')
    assert conv.meta['sha256_ok'] is None and conv.meta['declared_sha256'] is None
    with pytest.raises(CheckpointError, match="layers .*m=1 needs 5"):
        convert_file(tmp_path / 'x2.mat', model='FSRCNN', args=dict(scale=2, d=32, s=5, m=1))


def test_undeclared_file_needs_a_model(tmp_path):
    from srbench.weights import convert_file
    scipy_io.savemat(tmp_path / 'mine.mat', {'a': np.zeros(3)})
    with pytest.raises(CheckpointError, match=r'mine\.mat \(sha256 [0-9a-f]{64}\) is not a released file any '
                                              r'plugin declares; give --model'):
        convert_file(tmp_path / 'mine.mat')


# -- protocols --------------------------------------------------------------------------------------------
def test_eval_protocol_sets_and_records_the_data_protocol(tmp_path):
    from PIL import Image

    from srbench.data.paired import PairedImageDataset
    rng = np.random.default_rng(1)
    Image.fromarray(rng.integers(0, 256, (24, 24, 3), dtype=np.uint8)).save(tmp_path / 'a.png')
    ds = PairedImageDataset(tmp_path, 2, input_kind='lr', channels='y', eval_protocol='lapsrn-matlab')
    assert ds.lr_protocol == 'rgb-double'
    info = ds.protocol_info()
    assert info['eval_protocol'] == 'lapsrn-matlab' and 'test_LapSRN.m' in info['eval_protocol_info']
    s = ds[0]
    assert s['gt'].dtype == torch.float32 and not torch.allclose(s['gt'] * 255, (s['gt'] * 255).round())
    with pytest.raises(ConfigError, match="lr_from='y' contradicts eval_protocol 'lapsrn-matlab'"):
        PairedImageDataset(tmp_path, 2, input_kind='lr', channels='y', lr_from='y',
                           eval_protocol='lapsrn-matlab')
    with pytest.raises(ConfigError, match="unknown eval_protocol 'nope'"):
        PairedImageDataset(tmp_path, 2, input_kind='lr', channels='y', eval_protocol='nope')


def test_rgb_uint8_bicubic_input_y_is_float(tmp_path):
    """A bicubic-input Y network given a uint8 RGB LR gets the LR's Y in float, upsampled in double: the
    input equals imresize(rgb2ycbcr(im2double(lr))), not a rounded uint8 image."""
    from PIL import Image

    from srbench.data.paired import PairedImageDataset
    from srbench.transforms.color import rgb2ycbcr
    from srbench.transforms.degrade import make_lr
    from srbench.transforms.imresize import imresize_np
    rng = np.random.default_rng(2)
    img = rng.integers(0, 256, (24, 24, 3), dtype=np.uint8)
    Image.fromarray(img).save(tmp_path / 'a.png')
    ds = PairedImageDataset(tmp_path, 2, input_kind='bicubic', channels='y', lr_from='rgb')
    assert ds.lr_protocol == 'rgb-uint8' and 'upsampled in double' in ds.protocol_info()['lr']
    inp = ds[0]['inputs'][0].numpy()
    lr = make_lr(img, 2, True)
    ref = imresize_np(rgb2ycbcr(lr.astype(np.float64) / 255.0, y_only=True), output_shape=(24, 24))
    np.testing.assert_allclose(inp, ref, atol=1e-6)
    assert not np.allclose(inp * 255, np.round(inp * 255))
    lr_ds = PairedImageDataset(tmp_path, 2, input_kind='lr', channels='y', lr_from='rgb')   # unchanged
    assert lr_ds[0]['inputs'].mul(255).round().eq(lr_ds[0]['inputs'].mul(255)).all()


def test_matlab_double_metric_does_not_round():
    from srbench.metrics.base import prepare_pair
    pred = torch.full((1, 8, 8), 0.5001)
    gt = torch.full((1, 8, 8), 0.5)
    sr, hr = prepare_pair(pred, gt, {'scale': 2}, protocol='matlab-double')
    assert sr[0, 0, 0] == pytest.approx(0.5001 * 255, rel=1e-6) and hr[0, 0, 0] == pytest.approx(127.5)
    sr8, hr8 = prepare_pair(pred, gt, {'scale': 2}, protocol='matlab')
    assert sr8[0, 0, 0] == 128 and hr8[0, 0, 0] == 128


# -- the authors' files ---------------------------------------------------------------------------------
@needs_weights
def test_shared_files_match_their_declarations():
    from srbench.weights import identify
    for f in sorted(WEIGHTS.glob('*/*.mat')):
        d, warn = identify(_sha(f), f.name)
        assert d is not None and warn is None, f


@needs_weights
def test_convert_every_released_file(tmp_path):
    from srbench.weights import convert_file, save_converted
    for f in sorted(WEIGHTS.glob('*/*.mat')):
        conv = convert_file(f)
        out = save_converted(conv, tmp_path / f'{f.stem}.pth')
        ck = torch.load(out, weights_only=True)
        meta = ck['meta']['converted']
        assert meta['source_sha256'] == _sha(f) and meta['sha256_ok'] and meta['source_file'] == f.name
        assert meta['converter'] == conv.weights.converter and meta['srbench_version']
        net_keys = set(conv.state_dict)
        assert set(ck['state_dict']) == net_keys


@needs_weights
def test_reconversion_gives_the_same_bytes(tmp_path):
    from srbench.apis.convert import convert
    a = convert(_file('vdsr_official'), out=tmp_path / 'a.pth')
    b = convert(_file('vdsr_official'), out=tmp_path / 'b.pth')
    assert (tmp_path / 'a.pth').read_bytes() == (tmp_path / 'b.pth').read_bytes()
    assert a['sha256_ok'] and not a['warnings'] and b['config'] == 'vdsr_x234_released'


@needs_weights
def test_sha256_mismatch_is_a_warning_naming_both(tmp_path):
    from srbench.weights import WeightsWarning, convert_file
    src = _file('srcnn_9-5-5_imagenet_x2')
    with pytest.warns(WeightsWarning) as rec:
        conv = convert_file(src, weights='srcnn_9-5-5_imagenet_x3')    # same shapes, another file
    msg = str(rec[0].message)
    assert _sha(src) in msg and conv.weights.sha256 in msg and 'srcnn_9-5-5_imagenet_x3' in msg
    assert conv.meta['sha256_ok'] is False and conv.meta['source_sha256'] == _sha(src)


@needs_weights
@pytest.mark.parametrize('case', ['other_model', 'shapes', 'truncated'])
def test_wrong_file_is_one_error_line(tmp_path, case):
    if case == 'other_model':       # VDSR's file declared as LapSRN's
        args, expect = [_file('vdsr_official'), '--weights', 'lapsrn_x4'], "has no tensor 'input_conv_f'"
    elif case == 'shapes':          # SRCNN 9-1-5 weights for the 9-5-5 network
        args, expect = ([_file('srcnn_9-1-5_imagenet_x3'), '--weights', 'srcnn_9-5-5_imagenet_x3'],
                        r"tensor 'conv2.weight' is \(32, 64, 1, 1\), SRCNN needs \(32, 64, 5, 5\)")
    else:
        t = tmp_path / 'LapSRN_x2.mat'
        t.write_bytes(_file('lapsrn_x2').read_bytes()[:20000])
        args, expect = [t], r'LapSRN_x2\.mat is not a readable MATLAB \.mat file'
    proc = run_tool([TOOLS / 'convert_weights.py', *args, '-o', tmp_path / 'out.pth'])
    line = error_line(proc)
    assert str(args[0]) in line or Path(args[0]).name in line
    import re
    assert re.search(expect, line), line
    assert not (tmp_path / 'out.pth').exists()


@needs_weights
def test_test_takes_the_released_file_and_records_provenance(tmp_path, monkeypatch):
    """`srbench test CONFIG --ckpt RELEASED.mat` converts on the fly; the results JSON records the released
    file, its sha256 and the conversion, and the named protocol."""
    from srbench.apis import test
    from srbench.apis.common import load_config
    from srbench.data.benchmarks import benchmark_root
    root = Path(benchmark_root())
    if not (root / 'Set5' / 'HR').is_dir():
        pytest.skip('Set5 is absent (SRBENCH_DATA_ROOT)')
    hr = tmp_path / 'hr'
    hr.mkdir()
    shutil.copy(sorted((root / 'Set5' / 'HR').iterdir())[0], hr)     # one image: fast
    cfg = load_config('srcnn_x3_915_91images_released')
    from srbench.data.benchmarks import test_loader
    cfg.test_dataloader = [test_loader('Set5', 3, hr_dir=str(hr), eval_protocol='srcnn-matlab')]
    src = _file('srcnn_9-1-5_91images_x3')
    res = test(cfg, ckpt=src, work_dir=str(tmp_path / 'w'), out=str(tmp_path / 'r.json'))
    ck = res['checkpoint']
    assert ck['path'] == str(src.resolve()) and ck['sha256'] == _sha(src)
    assert ck['converted']['weights'] == 'srcnn_9-1-5_91images_x3' and ck['converted']['sha256_ok']
    assert res['results'][0]['protocol']['data']['eval_protocol'] == 'srcnn-matlab'
    from srbench.results import load_results
    assert load_results(tmp_path / 'r.json').checkpoint.converted['source_sha256'] == _sha(src)


# the papers' Set5 numbers (the acceptance list); each within 0.05 dB under the authors' protocol
REPRO = [('srcnn_9-5-5_imagenet_x2', 2, 36.66), ('srcnn_9-5-5_imagenet_x3', 3, 32.75),
         ('srcnn_9-5-5_imagenet_x4', 4, 30.49), ('srcnn_9-1-5_91images_x3', 3, 32.39),
         ('vdsr_official', 2, 37.53), ('vdsr_official', 3, 33.66), ('vdsr_official', 4, 31.35),
         ('lapsrn_x2', 2, 37.52), ('lapsrn_x4', 4, 31.54), ('lapsrn_x8', 8, 26.14)]


@needs_weights
@pytest.mark.parametrize('name,scale,paper', REPRO, ids=[f'{n}-x{s}' for n, s, _ in REPRO])
def test_reproduces_the_paper_on_set5(tmp_path, name, scale, paper):
    from srbench.apis import test
    from srbench.apis.common import load_config
    from srbench.data.benchmarks import benchmark_root, test_loaders
    from srbench.weights import find_declaration
    if not (Path(benchmark_root()) / 'Set5' / 'HR').is_dir():
        pytest.skip('Set5 is absent (SRBENCH_DATA_ROOT)')
    w = find_declaration(name).weights
    assert any(n.dataset == 'Set5' and n.scale == scale and n.metrics['PSNR'] == paper for n in w.numbers)
    cfg = load_config(w.config)
    m = dict(cfg.test_evaluator[0])
    cfg.test_dataloader = test_loaders(['Set5'], [scale], eval_protocol=w.protocol)
    cfg.test_evaluator = [m]
    res = test(cfg, ckpt=_file(name), work_dir=str(tmp_path / 'w'), out=str(tmp_path / 'r.json'))
    psnr = res['results'][0]['metrics']['PSNR']
    assert abs(psnr - paper) <= 0.05, f'{name} x{scale}: srbench {psnr:.3f} dB, paper {paper}'


def test_matconvnet_simplenn_reader(tmp_path):
    from srbench.weights import read_released
    layers = np.empty((1, 2), dtype=object)
    w = np.empty((1, 2), dtype=object)
    w[0, 0], w[0, 1] = np.ones((3, 3, 1, 8)), np.zeros((8, 1))
    layers[0, 0] = {'name': 'conv1', 'type': 'conv', 'weights': w, 'pad': np.array([[1, 1, 1, 1]])}
    layers[0, 1] = {'name': 'relu1', 'type': 'relu'}
    scipy_io.savemat(tmp_path / 'net.mat', {'net': {'layers': layers, 'meta': {'x': 1.0}}})
    r = read_released(tmp_path / 'net.mat')
    assert r.kind == 'matconvnet-simplenn'
    assert r.arrays['conv1.weights{1}'].shape == (3, 3, 1, 8) and r.arrays['conv1.weights{2}'].shape == (8, 1)
    assert [ly['name'] for ly in r.layers] == ['conv1', 'relu1']
    assert r.layer('conv1')['block']['pad'] == [1] * 4
