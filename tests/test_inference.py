"""srbench.inference: tiled forward (exact when the overlap covers the receptive field), x8 self-ensemble,
the receptive fields the first-party networks declare, parameter and MAC counts."""
import json
from pathlib import Path

import pytest
import torch
from torch import nn

from srbench.errors import ConfigError, ModelInputError
from srbench.inference import (TileSpec, measure_receptive_field, plan_windows, receptive_field_of,
                               resolve_tiling, run_network, self_ensemble, tiled_forward)
from srbench.inference.complexity import complexity, count_macs, count_parameters, measure_runtime
from srbench.registry import MODELS
from srbench.spec import GLOBAL, SizeRequirements

REPO = Path(__file__).resolve().parents[1]


def net_fn(name, out_scale, kw):
    net = MODELS.build(dict(type=name, **kw)).eval()
    if name.startswith('Bicubic'):
        return net, (lambda x: net(x, scale=out_scale))
    return net, net


# (network, constructor arguments, input channels, output pixels per input pixel)
EXACT = [
    ('ESPCN', dict(scale=3), 1, 3),
    ('FSRCNN', dict(scale=2), 1, 2),
    ('FSRCNN', dict(scale=3), 1, 3),
    ('FSRCNN', dict(scale=4, edge='zeros'), 1, 4),
    ('VDSR', dict(mid_channels=16), 1, 1),
    ('SRCNN', dict(scale=3), 1, 1),
    ('DRCN', dict(scale=2, mid_channels=8, num_recursions=3), 1, 1),
    ('DRRN', dict(mid_channels=8, num_blocks=2, num_units=3), 1, 1),
    ('LapSRN', dict(scale=4, mid_channels=8), 1, 4),
    ('RDN', dict(scale=3, mid_channels=8, growth=4, num_blocks=2, num_layers=3), 3, 3),
    ('Bicubic', dict(uint8=False), 1, 2),
]


@pytest.mark.parametrize('name,kw,c,s', EXACT, ids=[f'{e[0]}-x{e[3]}' for e in EXACT])
def test_tiled_equals_untiled_with_the_declared_receptive_field(name, kw, c, s):
    torch.manual_seed(0)
    net, fn = net_fn(name, s, kw)
    rf = receptive_field_of(net)
    assert isinstance(rf, int) and rf > 0
    x = torch.rand(2, c, 37, 29)
    with torch.no_grad():
        full = fn(x)
        tiled = tiled_forward(fn, x, tile=8, overlap=rf, out_scale=s)
    assert tiled.shape == full.shape
    assert float((tiled - full).abs().max()) <= 1e-5


@pytest.mark.parametrize('name,kw,c,s', [e for e in EXACT if e[0] in ('ESPCN', 'VDSR', 'FSRCNN')][:3],
                         ids=['ESPCN', 'FSRCNN-x2', 'FSRCNN-x3'])
def test_a_margin_below_the_receptive_field_is_not_exact(name, kw, c, s):
    """The comparison above can fail: with too little context the tiles' seams show."""
    torch.manual_seed(0)
    net, fn = net_fn(name, s, kw)
    x = torch.rand(1, c, 37, 29)
    with torch.no_grad():
        diff = (tiled_forward(fn, x, 8, receptive_field_of(net) - 2, s) - fn(x)).abs().max()
    assert float(diff) > 1e-4


def test_declared_receptive_fields_cover_the_measured_ones():
    torch.manual_seed(0)
    for name, kw, c, s in EXACT:
        net, fn = net_fn(name, s, kw)
        net.double()
        measured = measure_receptive_field(fn, c, s, size=65)
        assert measured != GLOBAL and measured <= receptive_field_of(net), (name, measured)
        if name != 'DRCN':        # DRCN starts with an identity recursion: its gradient shows less
            assert receptive_field_of(net) - measured <= 2, (name, measured)


def test_rcan_sees_the_whole_image_and_tiles_only_with_an_explicit_overlap():
    torch.manual_seed(0)
    net, fn = net_fn('RCAN', 2, dict(scale=2, num_groups=1, num_blocks=2, mid_channels=16, reduction=4))
    assert receptive_field_of(net) == GLOBAL
    assert measure_receptive_field(fn, 3, 2, size=33, dtype=torch.float32) == GLOBAL
    x = torch.rand(1, 3, 20, 18)
    with pytest.raises(ModelInputError, match='whole image'):
        run_network(fn, x, 2, TileSpec(tile=8), receptive_field=GLOBAL, name='RCAN')
    with torch.no_grad():
        full = fn(x)
        # an overlap that covers the whole image: every window is the image, the cores are cut from it
        covered = run_network(fn, x, 2, TileSpec(tile=8, overlap=20), receptive_field=GLOBAL)
        approx = run_network(fn, x, 2, TileSpec(tile=8, overlap=4), receptive_field=GLOBAL)
    assert float((covered - full).abs().max()) <= 1e-5
    assert float((approx - full).abs().max()) > 0     # the channel attention's global pooling differs


class _Stride4(nn.Module):
    """A toy network that needs sides multiple of 4 (two stride-2 convolutions, then x4 pixel shuffle)."""

    def __init__(self):
        super().__init__()
        self.down = nn.Sequential(nn.Conv2d(1, 4, 3, 2, 1), nn.ReLU(), nn.Conv2d(4, 16, 3, 2, 1))
        self.up = nn.PixelShuffle(4)

    def forward(self, x):
        return self.up(self.down(x)) + x


def test_tiles_respect_multiple_of_and_minimum():
    torch.manual_seed(0)
    net = _Stride4().eval()
    req = SizeRequirements(multiple_of=4)
    x = torch.rand(1, 1, 40, 28)
    with torch.no_grad():
        full = net(x)
        tiled = tiled_forward(net, x, tile=6, overlap=6, req=req)     # tile rounded up to 8, windows aligned
    assert float((tiled - full).abs().max()) <= 1e-5
    for c0, c1, w0, w1 in plan_windows(40, 6, 6, multiple=4):
        assert w0 % 4 == 0 and w1 % 4 == 0 and w0 <= c0 < c1 <= w1
    for c0, c1, w0, w1 in plan_windows(30, 4, 1, minimum=13):
        assert w1 - w0 >= 13 and w0 <= c0 < c1 <= w1 <= 30
    with pytest.raises(ModelInputError, match='multiples of 4'):
        tiled_forward(net, torch.rand(1, 1, 30, 28), 8, 4, req=req)


def test_exact_size_networks_refuse_tiling_with_one_error():
    with pytest.raises(ModelInputError, match='exactly 64x64.*cannot be run in tiles'):
        resolve_tiling(32, None, 10, SizeRequirements(exact=64), 'GLEAN')
    with pytest.raises(ModelInputError, match='no receptive field'):
        resolve_tiling(32, None, None, SizeRequirements(), 'Net')
    with pytest.raises(ConfigError):
        resolve_tiling(0, None, 3, None)
    assert resolve_tiling(None, None, None, None) is None


def test_tiling_a_size_changing_network_is_one_error():
    conv = nn.Conv2d(1, 1, 3)         # valid: loses a pixel per side
    with pytest.raises(ModelInputError, match='cannot be tiled'):
        tiled_forward(conv, torch.rand(1, 1, 20, 20), 8, 1)


def test_self_ensemble_of_bicubic_equals_its_output():
    torch.manual_seed(0)
    net, fn = net_fn('Bicubic', 3, dict(uint8=False))
    x = torch.rand(2, 3, 11, 14)
    assert float((self_ensemble(fn, x) - fn(x)).abs().max()) <= 1e-6


def test_self_ensemble_averages_eight_transforms_back():
    seen = []

    def fn(t):
        seen.append(tuple(t.shape[-2:]))
        return t * 2

    x = torch.rand(1, 1, 5, 7)
    assert torch.allclose(self_ensemble(fn, x), 2 * x)
    assert len(seen) == 8 and seen.count((7, 5)) == 4


def test_sr_model_test_cfg_tiles_and_ensembles_in_predict_mode():
    from srbench.models import SRModel
    torch.manual_seed(0)
    model = SRModel(generator=dict(type='ESPCN', scale=3)).eval()
    x = torch.rand(1, 1, 23, 17)
    meta = dict(metainfo=[dict(scale=3)])
    with torch.no_grad():
        plain = model(x, meta, mode='predict')[0]['pred']
        model.test_cfg = dict(tile=8)
        assert model.test_cfg.overlap is None and model.receptive_field() == 4
        tiled = model(x, meta, mode='predict')[0]['pred']
        model.test_cfg = dict(tile=8, self_ensemble=True)
        ens = model(x, meta, mode='predict')[0]['pred']
    assert float((tiled - plain).abs().max()) <= 1e-5
    assert ens.shape == plain.shape and float((ens - plain).abs().max()) > 0
    assert model.last_forward_seconds is not None and model.last_forward_seconds >= 0
    with pytest.raises(ConfigError, match="unknown key 'tiles'"):
        model.test_cfg = dict(tiles=8)
    m2 = SRModel(generator=dict(type='ESPCN', scale=3), test_cfg=dict(tile=16, tile_overlap=5))
    assert m2.test_cfg == TileSpec(16, 5, False)


def _declared_params():
    out = []
    for plugin in ('srcnn', 'espcn', 'fsrcnn', 'vdsr', 'drcn', 'drrn', 'lapsrn', 'rdn', 'rcan'):
        ref = json.loads((REPO / 'plugins' / plugin / 'paper.json').read_text())
        for variant, per_scale in ref['params'].items():
            for s, n in per_scale.items():
                out.append((plugin, variant, int(s) if s.isdigit() else s, n,
                            'all' if 'all parameters' in ref.get('params_note', '') else 'weights'))
    return out


VARIANT_ARGS = {
    ('SRCNN', '9-1-5'): dict(kernel_sizes=(9, 1, 5)), ('SRCNN', '9-3-5'): dict(kernel_sizes=(9, 3, 5)),
    ('SRCNN', '9-5-5'): dict(kernel_sizes=(9, 5, 5)),
    ('FSRCNN-s', None): dict(d=32, s=5, m=1),
    ('LapSRN (4x4 feature upsampling)', None): dict(upsample_kernel=4),
}


@pytest.mark.parametrize('plugin,variant,scale,count,kind', _declared_params(),
                         ids=[f'{v}-{s}' for _, v, s, _, _ in _declared_params()])
def test_parameter_counts_equal_the_declared_ones(plugin, variant, scale, count, kind):
    name = variant.split(' ')[0].split('-s')[0] if plugin != 'srcnn' else 'SRCNN'
    key = (name, scale) if plugin == 'srcnn' else (variant, None)
    kw = dict(VARIANT_ARGS.get(key) or {})
    if isinstance(scale, int) and name not in ('VDSR', 'DRRN'):
        kw['scale'] = scale
    net = MODELS.build(dict(type=name, **kw))
    counts = count_parameters(net)
    assert counts['params' if kind == 'all' else 'weights'] == count


def test_srcnn_macs_equal_the_analytic_count():
    """SRCNN 9-1-5 on a 256x256 (bicubic) input, 'same' padding as at test time: per output pixel
    9*9*1*64 + 1*1*64*32 + 5*5*32*1 = 8032 multiply-accumulates (= its weight count); FLOPs = 2 x MACs."""
    net = MODELS.build(dict(type='SRCNN', scale=3)).eval()
    info = complexity(net, (1, 256, 256), runtime=False)
    assert info['macs'] == 256 * 256 * (81 * 64 + 64 * 32 + 25 * 32) == 526_385_152
    assert info['flops'] == 2 * info['macs'] and info['weights'] == 8032
    assert info['input'] == [1, 256, 256]


def test_transposed_convolutions_are_counted_over_their_input():
    t = nn.ConvTranspose2d(2, 3, 4, stride=2, padding=1)
    assert count_macs(t, torch.zeros(1, 2, 16, 16)) == 16 * 16 * 2 * 3 * 4 * 4
    assert count_macs(nn.PixelShuffle(2), torch.zeros(1, 4, 8, 8)) == 0


def test_runtime_is_a_median_on_a_named_device():
    r = measure_runtime(lambda t: t * 2, torch.zeros(1, 1, 8, 8), warmup=1, repeats=3)
    assert len(r['all']) == 3 and r['seconds'] == sorted(r['all'])[1]
    assert r['device'].startswith('cpu (') and r['warmup'] == 1
