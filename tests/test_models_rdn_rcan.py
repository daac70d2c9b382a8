"""RDN and RCAN: parameter counts of the papers' configurations, output shapes at every scale, the authors'
state dicts (module trees rebuilt here with the authors' names) loading through the documented key mapping --
in-process and through ``tools/test.py --ckpt`` -- with the same outputs, every config building, a few
training steps lowering the loss, and the DIV2K recipes stopping with one error when DIV2K is absent."""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import torch
from torch import nn

from conftest import REPO, TOOLS, error_line, run_tool, tool_env

CONFIGS = REPO / 'configs'
MINE = sorted(p.name for p in CONFIGS.glob('*.py') if p.name.split('_')[0] in ('rdn', 'rcan'))
TINY = {'RDN': dict(mid_channels=8, growth=6, num_blocks=2, num_layers=3),
        'RCAN': dict(mid_channels=16, num_groups=2, num_blocks=2, reduction=4)}
SCALES = {'RDN': (2, 3, 4), 'RCAN': (2, 3, 4, 8)}

pytestmark = pytest.mark.usefixtures('one_thread')


def n_params(m: nn.Module) -> int:
    return sum(p.numel() for p in m.parameters())


def build(name, scale, **kw):
    from srbench.registry import MODELS
    return MODELS.build(dict(type=name, scale=scale, **kw))


# -- parameter counts ---------------------------------------------------------------------------------
@pytest.mark.parametrize('scale,count,millions', [(2, 22_123_395, 22.1), (3, 22_308_035, 22.3),
                                                  (4, 22_271_107, 22.3)])
def test_rdn_parameters(scale, count, millions):
    """RDN D=16, C=8, G=G0=64, all parameters (weights and biases), in millions 22.1 / 22.3 (this test's
    rounding). No count from the paper itself could be checked (paper.json's params_note; a third-party
    table quotes 22M at x4); the exact count is that of the authors' PyTorch module tree (EDSR-PyTorch
    src/model/rdn.py, rebuilt below as ``AuthorsRDN``), which this test also checks."""
    net = build('RDN', scale)
    assert n_params(net) == count
    assert round(count / 1e6, 1) == millions
    assert n_params(AuthorsRDN(scale, 64, 64, 16, 8)) == count
    ref = json.loads((REPO / 'plugins' / 'rdn' / 'paper.json').read_text())
    assert ref['params']['RDN'][str(scale)] == count


@pytest.mark.parametrize('scale,count,millions', [(2, 15_444_643, 15.4), (3, 15_629_283, 15.6),
                                                  (4, 15_592_355, 15.6), (8, 15_740_067, 15.7)])
def test_rcan_parameters(scale, count, millions):
    """RCAN, 10 residual groups x 20 RCABs, 64 features, reduction 16, all parameters (weights and biases; the
    fixed mean shifts are buffers), in millions 15.4-15.7 (this test's rounding). The paper's own figure
    could not be checked here (paper.json's params_note; a third-party table quotes 16M at x4); the exact
    count is that of the authors' module tree (RCAN code/model/rcan.py, rebuilt below as ``AuthorsRCAN``,
    whose two MeanShift convolutions hold 24 more parameters)."""
    net = build('RCAN', scale)
    assert n_params(net) == count
    assert round(count / 1e6, 1) == millions
    assert n_params(AuthorsRCAN(scale, 64, 10, 20, 16)) == count + 24
    ref = json.loads((REPO / 'plugins' / 'rcan' / 'paper.json').read_text())
    assert ref['params']['RCAN'][str(scale)] == count


@pytest.mark.parametrize('plugin', ['rdn', 'rcan'])
def test_paper_rows_say_whether_they_were_checked(plugin):
    """Every paper row of paper.json says whether its numbers were confirmed from a quoted source or are
    still unverified transcriptions (and why); the Set5 rows are confirmed (the authors' own result files)."""
    ref = json.loads((REPO / 'plugins' / plugin / 'paper.json').read_text())
    rows = [r for r in ref['results'] if r['label'].startswith('paper')]
    assert rows
    for r in rows:
        status, _, why = r.get('checked', '').partition(': ')
        assert status in ('confirmed', 'unverified') and len(why) > 20, (r['dataset'], r['scale'], r['label'])
        if r['dataset'] == 'Set5':
            assert status == 'confirmed' and 'PSNR_SSIM_Results_BI_model.txt' in why
    assert 'check against' in ref['source']      # the unverified rows are named in the source line


# -- shapes -------------------------------------------------------------------------------------------
CASES = [(n, s) for n in TINY for s in SCALES[n]]


@pytest.mark.parametrize('name,scale', CASES, ids=[f'{n}-x{s}' for n, s in CASES])
def test_output_shape_every_scale(name, scale):
    from srbench.models import SRModel
    model = SRModel(generator=dict(type=name, scale=scale, **TINY[name]), pixel_loss=dict(type='L1Loss'))
    model.eval()
    x = torch.rand(2, 3, 7, 9)
    ds = dict(gt=torch.rand(2, 3, 7 * scale, 9 * scale), metainfo=[dict(scale=scale)] * 2)
    with torch.no_grad():
        out = model(x, ds, mode='tensor')
        preds = model(x, ds, mode='predict')
    assert out.shape == (2, 3, 7 * scale, 9 * scale) and torch.isfinite(out).all()
    assert preds[1]['pred'].shape == (3, 7 * scale, 9 * scale)


@pytest.mark.parametrize('name,scale', [('RDN', 4), ('RCAN', 8)])
def test_paper_configuration_forward(name, scale):
    net = build(name, scale).eval()
    with torch.no_grad():
        y = net(torch.rand(1, 3, 5, 6))
    assert y.shape == (1, 3, 5 * scale, 6 * scale) and torch.isfinite(y).all()


def test_bad_arguments_are_one_clear_error():
    from srbench.errors import ConfigError, ModelInputError
    from srbench.models import SRModel
    with pytest.raises(ConfigError, match='RDN: scale must be 2, 3 or 4'):
        build('RDN', 8)
    with pytest.raises(ConfigError, match='RCAN: scale must be 2, 3, 4 or 8'):
        build('RCAN', 5)
    with pytest.raises(ConfigError, match='reduction'):
        build('RCAN', 2, mid_channels=8, reduction=16)
    model = SRModel(generator=dict(type='RCAN', scale=2, **TINY['RCAN']))
    with pytest.raises(ModelInputError, match=r'takes RGB input \(3 channels\), got 1'):
        model(torch.rand(1, 1, 6, 6), dict(gt=torch.rand(1, 1, 12, 12), metainfo=[dict(scale=2)]),
              mode='tensor')


# -- the authors' module trees ---------------------------------------------------------------------------
# Rebuilt from the authors' code (module nesting and names only, to produce state dicts with their keys and to
# compute their forward on 0..255 pixels): RCAN code/model/rcan.py + common.py; EDSR-PyTorch src/model/rdn.py.
def _conv(cin, cout, k=3):
    return nn.Conv2d(cin, cout, k, padding=k // 2)


class _CALayer(nn.Module):
    def __init__(self, c, r):
        super().__init__()
        self.avg_pool = nn.AdaptiveAvgPool2d(1)
        self.conv_du = nn.Sequential(_conv(c, c // r, 1), nn.ReLU(), _conv(c // r, c, 1), nn.Sigmoid())

    def forward(self, x):
        return x * self.conv_du(self.avg_pool(x))


class _Residual(nn.Module):
    """``body`` plus the input."""

    def __init__(self, *mods):
        super().__init__()
        self.body = nn.Sequential(*mods)

    def forward(self, x):
        return self.body(x) + x


def _mean_shift(sign):
    m = nn.Conv2d(3, 3, 1)
    with torch.no_grad():
        m.weight.copy_(torch.eye(3).view(3, 3, 1, 1))
        m.bias.copy_(sign * 255 * torch.tensor((0.4488, 0.4371, 0.4040)))
    return m


class AuthorsRCAN(nn.Module):
    def __init__(self, scale, c, groups, blocks, r):
        super().__init__()
        self.sub_mean = _mean_shift(-1)
        self.head = nn.Sequential(_conv(3, c))
        def rcab():
            return _Residual(_conv(c, c), nn.ReLU(), _conv(c, c), _CALayer(c, r))
        self.body = nn.Sequential(*[_Residual(*[rcab() for _ in range(blocks)], _conv(c, c))
                                    for _ in range(groups)], _conv(c, c))
        up = []
        for s in ([3] if scale == 3 else [2] * int(math.log2(scale))):
            up += [_conv(c, c * s * s), nn.PixelShuffle(s)]
        self.tail = nn.Sequential(nn.Sequential(*up), _conv(c, 3))
        self.add_mean = _mean_shift(1)

    def forward(self, x):
        x = self.head(self.sub_mean(x))
        return self.add_mean(self.tail(self.body(x) + x))


class _RDBConv(nn.Module):
    def __init__(self, cin, g):
        super().__init__()
        self.conv = nn.Sequential(_conv(cin, g), nn.ReLU())

    def forward(self, x):
        return torch.cat((x, self.conv(x)), 1)


class _RDB(nn.Module):
    def __init__(self, g0, g, c):
        super().__init__()
        self.convs = nn.Sequential(*[_RDBConv(g0 + i * g, g) for i in range(c)])
        self.LFF = _conv(g0 + c * g, g0, 1)

    def forward(self, x):
        return self.LFF(self.convs(x)) + x


class AuthorsRDN(nn.Module):
    def __init__(self, scale, g0, g, d, c):
        super().__init__()
        self.SFENet1, self.SFENet2 = _conv(3, g0), _conv(g0, g0)
        self.RDBs = nn.ModuleList(_RDB(g0, g, c) for _ in range(d))
        self.GFF = nn.Sequential(_conv(d * g0, g0, 1), _conv(g0, g0))
        if scale == 4:
            up = [_conv(g0, g * 4), nn.PixelShuffle(2), _conv(g, g * 4), nn.PixelShuffle(2)]
        else:
            up = [_conv(g0, g * scale * scale), nn.PixelShuffle(scale)]
        self.UPNet = nn.Sequential(*up, _conv(g, 3))

    def forward(self, x):
        f1 = self.SFENet1(x)
        f = self.SFENet2(f1)
        outs = []
        for b in self.RDBs:
            f = b(f)
            outs.append(f)
        return self.UPNet(self.GFF(torch.cat(outs, 1)) + f1)


AUTHORS = {
    'RCAN': lambda s: AuthorsRCAN(s, 16, 2, 2, 4),
    'RDN': lambda s: AuthorsRDN(s, 8, 6, 2, 3),
}
MAP_CASES = [('RCAN', 2), ('RCAN', 3), ('RCAN', 8), ('RDN', 3), ('RDN', 4)]


def _arch(name):
    from srbench_plugins.rcan import rcan_arch
    from srbench_plugins.rdn import rdn_arch
    return {'RCAN': rcan_arch, 'RDN': rdn_arch}[name]


@pytest.mark.parametrize('name,scale', MAP_CASES, ids=[f'{n}-x{s}' for n, s in MAP_CASES])
def test_authors_state_dict_loads_and_gives_the_authors_output(name, scale, tmp_path):
    """A state dict of the authors' module tree loads through ``load_weights`` (the plugin's mapping, applied
    by the hook) and our network then computes the authors' forward (theirs on 0..255 pixels, ours on
    0..1)."""
    from srbench.engine import load_weights
    from srbench.models import SRModel
    torch.manual_seed(0)
    theirs = AUTHORS[name](scale).eval()
    with torch.no_grad():                       # not the default init: make every tensor matter
        for p in theirs.parameters():
            p.add_(torch.randn_like(p) * 0.05)
    f = tmp_path / 'authors.pth'
    torch.save(theirs.state_dict(), f)
    model = SRModel(generator=dict(type=name, scale=scale, **TINY[name])).eval()
    load_weights(model, f)
    x = torch.rand(1, 3, 9, 7)
    with torch.no_grad():
        assert torch.allclose(model.generator(x) * 255, theirs(x * 255), atol=1e-3, rtol=1e-5)
    # the documented mapping and its inverse are each other's inverse, and give the authors' keys and shapes
    arch = _arch(name)
    ours = model.generator.state_dict()
    back = arch.to_authors_state_dict(ours)
    shapes = {k: tuple(v.shape) for k, v in theirs.state_dict().items()}
    assert {k: tuple(v.shape) for k, v in back.items()} == shapes
    assert arch.from_authors_state_dict(back).keys() == ours.keys()


def test_mismatched_authors_state_dict_is_one_clear_error(tmp_path):
    """An authors' RCAN x2 state dict given to an x4 model: the mapping applies, then the one-line error."""
    from srbench.engine import load_weights
    from srbench.errors import CheckpointError
    from srbench.models import SRModel
    f = tmp_path / 'x2.pth'
    torch.save(AUTHORS['RCAN'](2).state_dict(), f)
    model = SRModel(generator=dict(type='RCAN', scale=4, **TINY['RCAN']))
    with pytest.raises(CheckpointError, match=r'does not fit the model RCAN: missing keys upsampler\.2\.b'):
        load_weights(model, f)


@pytest.fixture(scope='module')
def set5(photos):
    """(name, HR folder): Set5, or the held-out sample photos."""
    from srbench.data.benchmarks import benchmark_root
    d = Path(benchmark_root()) / 'Set5' / 'HR'
    return ('Set5', d) if d.is_dir() else ('photos', Path(photos[1]))


@pytest.mark.parametrize('name', ['RCAN', 'RDN'])
def test_tools_test_ckpt_takes_the_authors_state_dict(name, set5, tmp_path):
    """``tools/test.py --ckpt`` with the authors' state dict gives the same numbers as with srbench's own
    checkpoint of the same weights."""
    from srbench.models import SRModel
    scale = 2
    torch.manual_seed(1)
    theirs = AUTHORS[name](scale)
    with torch.no_grad():
        for p in theirs.parameters():
            p.add_(torch.randn_like(p) * 0.02)
    authors = tmp_path / 'authors.pth'
    torch.save(theirs.state_dict(), authors)
    model = SRModel(generator=dict(type=name, scale=scale, **TINY[name]))
    model.generator.load_state_dict(_arch(name).from_authors_state_dict(theirs.state_dict()))
    native = tmp_path / 'native.pth'
    torch.save({'state_dict': model.state_dict()}, native)
    ds_name, hr_dir = set5
    gen = ', '.join(f'{k}={v!r}' for k, v in TINY[name].items())
    cfg = tmp_path / f'{name.lower()}_tiny.py'
    cfg.write_text(f"_base_ = [{str(CONFIGS / f'{name.lower()}_x2_div2k.py')!r}]\n"
                   "from srbench.data.benchmarks import test_loader\n"
                   f"model = dict(generator=dict({gen}))\n"
                   f"test_dataloader = [test_loader({ds_name!r}, 2, hr_dir={str(hr_dir)!r})]\n")
    res = {}
    for tag, ck in (('authors', authors), ('native', native)):
        out = tmp_path / f'{tag}.json'
        p = run_tool([TOOLS / 'test.py', cfg, '--ckpt', ck, '--out', out, '--work-dir', tmp_path / tag],
                     env=tool_env(OMP_NUM_THREADS=1))
        assert p.returncode == 0, p.stderr[-3000:]
        (r,) = json.loads(out.read_text())['results']
        res[tag] = r['metrics']
    assert res['authors'] == res['native']
    assert 5.0 < res['native']['PSNR'] < 60.0


# -- configs and training ---------------------------------------------------------------------------------
@pytest.mark.parametrize('name', MINE)
def test_config_builds_and_validates(name):
    from srbench.apis.common import load_config, model_info_of, validate_config
    from srbench.registry import MODELS
    cfg = load_config(CONFIGS / name)
    validate_config(cfg)
    gname, info, plugin = model_info_of(cfg)
    assert plugin is not None and plugin.name == name.split('_')[0]
    ds = cfg.train_dataloader.dataset
    scale = int(name.split('_')[1][1:])
    assert ds.type == 'RandomCropDataset' and ds.input_kind == 'lr' and ds.channels == 'rgb'
    assert cfg.model.generator.scale == ds.scale == cfg.val_dataloader.dataset.scale == scale
    assert [d.dataset.scale for d in cfg.test_dataloader] == [scale] * 4
    assert ds.patch_size == {'RDN': 32, 'RCAN': 48}[gname] and cfg.train_dataloader.batch_size == 16
    assert ds.hr_dir.endswith('DIV2K/DIV2K_train_HR' if name.endswith('_div2k.py') else '291/HR')
    assert cfg.model.pixel_loss.type == 'L1Loss' and cfg.optim_wrapper.optimizer.lr == 1e-4
    ref = json.loads((REPO / 'plugins' / plugin.name / 'paper.json').read_text())
    assert n_params(MODELS.build(cfg.model).generator) == ref['params'][gname][str(scale)]


@pytest.mark.parametrize('name', ['rdn_x3_div2k.py', 'rcan_x4_div2k.py'])
def test_training_iterations_lower_the_loss(name, photos):
    """A small variant of the config's model, on the config's dataset (random RGB crops, here of the sample
    photos, LR made on the fly): 30 Adam steps lower the loss of a held-out batch."""
    from mmengine.dataset import DefaultSampler
    from mmengine.optim import OptimWrapper
    from torch.utils.data import DataLoader

    from srbench.apis.common import apply_model_meta, load_config
    from srbench.data import sr_collate
    from srbench.registry import DATASETS, MODELS
    cfg = load_config(CONFIGS / name, {'train_dataloader.dataset.hr_dir': photos[0],
                                       'train_dataloader.dataset.patch_size': 12,
                                       'train_dataloader.dataset.length': 400})
    cfg.model.generator.update(TINY[cfg.model.generator.type])
    apply_model_meta(cfg)
    torch.manual_seed(0)
    net = MODELS.build(cfg.model)
    ds = DATASETS.build(cfg.train_dataloader.dataset)
    loader = DataLoader(ds, batch_size=8, sampler=DefaultSampler(ds, shuffle=True, seed=0),
                        collate_fn=sr_collate)
    batches = iter(loader)
    held = next(batches)

    def held_loss():
        with torch.no_grad():
            return net(**held, mode='loss')['loss'].item()

    net.train()
    before = held_loss()
    ow = OptimWrapper(torch.optim.Adam(net.parameters(), lr=1e-3))
    for _ in range(30):
        net.train_step(next(batches), ow)
    after = held_loss()
    assert after < 0.8 * before, f'{name}: held-out loss {before:.4g} -> {after:.4g}'


@pytest.mark.parametrize('name', ['rdn_x2_div2k.py', 'rcan_x2_div2k.py'])
def test_missing_div2k_stops_with_one_error_naming_it(name, tmp_path):
    root = tmp_path / 'data'
    root.mkdir()
    small = 'model.generator.num_blocks=1' + (' model.generator.num_groups=1' if 'rcan' in name else '')
    p = run_tool([TOOLS / 'train.py', CONFIGS / name, '--work-dir', tmp_path / 'wd', '--cfg-options',
                  *small.split()], env=tool_env(OMP_NUM_THREADS=1, SRBENCH_DATA_ROOT=root))
    line = error_line(p)
    assert f'{root}/DIV2K/DIV2K_train_HR' in line and 'does not exist' in line
