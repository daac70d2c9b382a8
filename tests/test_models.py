"""The classic model plugins (SRCNN, FSRCNN, VDSR, ESPCN, DRCN, DRRN, LapSRN): weight counts equal to
the papers', output shapes at every supported scale (odd sizes too), the geometry of the HR-grid
deconvolution, the paper-specific losses, the LR-scaled gradient clipping, and one clear error for
bad input."""
from __future__ import annotations

import pytest
import torch

from srbench.errors import ConfigError, ModelInputError
from srbench.models import HRGridConvTranspose2d, SRModel, bilinear_kernel, count_weights
from srbench.lookup import find_model
from srbench.registry import MODELS


pytestmark = pytest.mark.usefixtures('one_thread')

# (generator config, weights the paper/issue table gives, biases excluded)
PAPER_COUNTS = [
    (dict(type='SRCNN', kernel_sizes=(9, 1, 5)), 8032),
    (dict(type='SRCNN', kernel_sizes=(9, 3, 5)), 24416),
    (dict(type='SRCNN', kernel_sizes=(9, 5, 5)), 57184),
    (dict(type='FSRCNN', scale=3), 12464),
    (dict(type='FSRCNN', scale=3, d=32, s=5, m=1), 3937),
    (dict(type='VDSR'), 664704),
    (dict(type='ESPCN', scale=3), 22624),
    (dict(type='DRCN'), 1774080),
    (dict(type='DRRN'), 297216),
    (dict(type='LapSRN', scale=4), 812768),        # the "812K" quoted for LapSRN x4
]


@pytest.mark.parametrize('gen,count', PAPER_COUNTS, ids=[f'{g["type"]}-{c}' for g, c in PAPER_COUNTS])
def test_weight_count_equals_paper(gen, count):
    assert count_weights(MODELS.build(gen)) == count


# Small but complete variants for the shape tests (same code paths, fewer channels/recursions).
SMALL = {
    'SRCNN': dict(type='SRCNN'),
    'FSRCNN': dict(type='FSRCNN'),
    'VDSR': dict(type='VDSR', num_layers=5, mid_channels=8),
    'ESPCN': dict(type='ESPCN'),
    'DRCN': dict(type='DRCN', mid_channels=8, num_recursions=3),
    'DRRN': dict(type='DRRN', mid_channels=8, num_units=3),
    'LapSRN': dict(type='LapSRN', mid_channels=8, depth=2),
}
CASES = [(name, s) for name in SMALL for s in find_model(name)[0].scales]


def build(name, scale, **kw):
    info = find_model(name)[0]
    gen = dict(SMALL[name], **kw)
    if not info.multiscale:
        gen['scale'] = scale
    model = SRModel(generator=gen, pixel_loss=dict(type='MSELoss'))
    return model, info


def batch(info, scale, lr_hw=(7, 9), n=2, channels=1):
    H, W = lr_hw[0] * scale, lr_hw[1] * scale
    inp = torch.rand(n, channels, *(lr_hw if info.input == 'lr' else (H, W)))
    meta = [dict(scale=scale) for _ in range(n)]
    return inp, dict(gt=torch.rand(n, channels, H, W), metainfo=meta)


@pytest.mark.parametrize('name,scale', CASES, ids=[f'{n}-x{s}' for n, s in CASES])
def test_output_shape_every_scale_odd_sizes(name, scale):
    model, info = build(name, scale)
    model.eval()
    inp, ds = batch(info, scale, lr_hw=(7, 9))          # odd LR sizes; HR 7s x 9s
    with torch.no_grad():
        out = model(inp, ds, mode='tensor')
        preds = model(inp, ds, mode='predict')
    assert out.shape == (2, 1, 7 * scale, 9 * scale)
    assert len(preds) == 2 and preds[0]['pred'].shape == (1, 7 * scale, 9 * scale)
    assert torch.isfinite(out).all()


@pytest.mark.parametrize('name', list(SMALL))
def test_loss_mode_trains_every_parameter(name):
    scale = find_model(name)[0].scales[-1]
    model, info = build(name, scale)
    model.train()
    inp, ds = batch(info, scale, lr_hw=(12, 11))      # SRCNN's valid convolutions need > 12 pixels at x2
    losses = model(inp, ds, mode='loss')
    total = sum(v for k, v in losses.items() if 'loss' in k)
    total.backward()
    no_grad = [n for n, p in model.named_parameters() if p.grad is None]
    assert not no_grad, f'parameters outside the graph: {no_grad}'


# -- bad input ---------------------------------------------------------------------------------------
def test_unsupported_scale_is_one_clear_error():
    with pytest.raises(ModelInputError, match='scale 5 is not supported'):
        SRModel(generator=dict(type='ESPCN', scale=5))
    model, info = build('VDSR', 2)                    # multi-scale: the batch says x8
    inp, ds = batch(info, 8, lr_hw=(3, 3))
    with pytest.raises(ModelInputError, match=r'does not support scale x8; supported: x2, x3, x4'):
        model(inp, ds, mode='tensor')
    model, info = build('LapSRN', 4)
    inp, ds = batch(info, 3)
    with pytest.raises(ModelInputError, match='does not support scale x3'):
        model(inp, ds, mode='tensor')
    with pytest.raises(ConfigError, match='power of two'):
        MODELS.build(dict(type='LapSRN', scale=3))


def test_wrong_input_kind_is_one_clear_error():
    # LR input to a model that takes the bicubic-upsampled image
    model, _ = build('SRCNN', 3)
    lr = torch.rand(1, 1, 12, 12)
    with pytest.raises(ModelInputError, match=r'bicubic-upsampled to the HR size .*input_kind="bicubic"'):
        model(lr, dict(gt=torch.rand(1, 1, 36, 36), metainfo=[dict(scale=3)]), mode='tensor')
    # HR-sized input to a model that takes the LR image
    model, _ = build('FSRCNN', 3)
    with pytest.raises(ModelInputError, match=r'takes the LR image .*HR-sized .*input_kind="lr"'):
        hr = torch.rand(1, 1, 36, 36)
        model(hr, dict(gt=hr, metainfo=[dict(scale=3)]), mode='tensor')


def test_wrong_channel_count_is_one_clear_error():
    for name in ('VDSR', 'ESPCN'):
        model, info = build(name, 3)
        inp, ds = batch(info, 3, channels=3)
        with pytest.raises(ModelInputError, match=r'takes Y input \(1 channel\), got 3 channels'):
            model(inp, ds, mode='tensor')


def test_bad_constructor_arguments():
    with pytest.raises(ConfigError, match='kernel_sizes'):
        MODELS.build(dict(type='SRCNN', kernel_sizes=(9, 2, 5)))
    with pytest.raises(ConfigError, match='train_padding'):
        MODELS.build(dict(type='SRCNN', train_padding='same'))
    with pytest.raises(ConfigError, match='edge'):
        MODELS.build(dict(type='FSRCNN', edge='reflect'))
    with pytest.raises(ConfigError, match='kernel_size >= stride'):
        HRGridConvTranspose2d(1, 1, 3, 4)


# -- SRCNN: valid convolutions for training, full size for testing -------------------------------------
@pytest.mark.parametrize('kernels,out', [((9, 1, 5), 21), ((9, 3, 5), 19), ((9, 5, 5), 17)])
def test_srcnn_valid_training_full_size_testing(kernels, out):
    net = MODELS.build(dict(type='SRCNN', kernel_sizes=kernels))
    x = torch.rand(2, 1, 33, 33)
    net.train()
    assert net(x).shape[-2:] == (out, out)               # the paper's 33 -> 21 / 19 / 17
    net.eval()
    y = net(x)
    assert y.shape[-2:] == (33, 33)
    # the padded output agrees with the valid one away from the borders (same weights)
    net.train()
    b = net.border
    assert torch.allclose(y[..., b:-b, b:-b], net(x), atol=1e-6)


def test_srcnn_loss_compares_the_centre_of_the_hr():
    model = SRModel(generator=dict(type='SRCNN', scale=3), pixel_loss=dict(type='MSELoss'))
    model.train()
    x = torch.rand(1, 1, 33, 33)
    gt = torch.zeros(1, 1, 33, 33)
    with torch.no_grad():
        out = model.generator(x)
        gt[..., 6:27, 6:27] = out
        gt[..., :6, :] = 5.0                             # the border must not count
    loss = model(x, dict(gt=gt, metainfo=[dict(scale=3)]), mode='loss')['loss']
    assert loss.item() == pytest.approx(0.0, abs=1e-10)


def test_srcnn_valid_input_too_small():
    model = SRModel(generator=dict(type='SRCNN'))   # the network states its minimum, SRModel checks it
    model.train()
    with pytest.raises(ModelInputError, match='SRCNN takes inputs of at least 13x13 pixels'):
        model(torch.rand(1, 1, 12, 30), dict(gt=None, metainfo=[dict(scale=3)]), mode='tensor')


# -- FSRCNN / HR-grid transposed convolution ------------------------------------------------------------
@pytest.mark.parametrize('kernel,stride', [(9, 2), (9, 3), (9, 4), (4, 2)])
def test_hr_grid_deconv_reproduces_a_linear_ramp(kernel, stride):
    """With a linear-interpolation kernel the output is the ramp sampled at HR pixel centres:
    LR pixel i sits at HR coordinate r*i + (r-1)/2 (MATLAB's convention)."""
    m = HRGridConvTranspose2d(1, 1, kernel, stride, bias=False, edge='replicate')
    with torch.no_grad():
        m.weight[0, 0] = bilinear_kernel(kernel, stride)
    h = 9
    i = torch.arange(h, dtype=torch.float32)
    ramp = (2 * i + 1).view(1, 1, h, 1).expand(1, 1, h, 5)
    out = m(ramp)[0, 0, :, 2]
    o = torch.arange(h * stride, dtype=torch.float32)
    want = 2 * ((o + 0.5) / stride - 0.5) + 1
    inner = slice(stride, (h - 1) * stride)            # edge replication flattens the ramp at the ends
    assert out.shape[0] == h * stride
    assert torch.allclose(out[inner], want[inner], atol=1e-5)


@pytest.mark.parametrize('scale', [2, 3, 4])
def test_fsrcnn_constant_image_stays_constant(scale):
    """Edge padding everywhere: constant features; an interpolation kernel in the deconvolution then
    gives a constant HR image, border pixels included (zero padding would darken them)."""
    torch.manual_seed(0)
    net = MODELS.build(dict(type='FSRCNN', scale=scale)).eval()
    with torch.no_grad():
        net.deconv.weight.zero_()
        net.deconv.weight[:, 0] = bilinear_kernel(9, scale) / net.deconv.weight.shape[0]
        y = net(torch.full((1, 1, 6, 7), 0.4))
    assert y.shape == (1, 1, 6 * scale, 7 * scale)
    assert (y.max() - y.min()).item() < 1e-5


@pytest.mark.parametrize('scale', [2, 3, 4])
def test_fsrcnn_shifted_input_shifts_the_output(scale):
    torch.manual_seed(0)
    net = MODELS.build(dict(type='FSRCNN', scale=scale)).eval()
    with torch.no_grad():
        net.deconv.weight.normal_(0, 0.05)               # random weights everywhere (not just the init)
        x = torch.rand(1, 1, 24, 24)
        a = net(x[..., :, :-1])                          # columns 0..22
        b = net(x[..., :, 1:])                           # columns 1..23: the image shifted left by one
    # away from the borders (receptive field), b equals a shifted by `scale` HR pixels
    m = 10 * scale
    assert torch.allclose(a[..., m:-m, m + scale:-m], b[..., m:-m, m:-m - scale], atol=1e-5)


# -- DRCN and LapSRN: plain networks, training models that ask for the intermediate outputs ------------------
def test_drcn_recursive_supervision_and_alpha_schedule():
    model = MODELS.build(dict(type='DRCNModel', generator=dict(type='DRCN', scale=2, mid_channels=8,
                                                               num_recursions=4),
                              pixel_loss=dict(type='MSELoss'), alpha_start=1.0, alpha_end=0.0,
                              alpha_decay_iters=100))
    assert [model.alpha(i) for i in (0, 50, 100, 1000)] == [1.0, 0.5, 0.0, 0.0]
    gen = model.generator
    assert gen.ensemble.shape == (4,) and torch.allclose(gen.ensemble, torch.full((4,), 0.25))
    w = gen.recursive.weight                              # identity init: self-connections only
    assert w[torch.arange(8), torch.arange(8), 1, 1].eq(1).all() and w.abs().sum() == 8
    model.train()
    x, gt = torch.rand(2, 1, 10, 10), torch.rand(2, 1, 10, 10)
    losses = model(x, dict(gt=gt, metainfo=[dict(scale=2)] * 2), mode='loss')
    assert set(losses) == {'loss_intermediate', 'loss_final'}
    final, inter = gen.recursive_outputs(x)
    assert inter.shape == (4, 2, 1, 10, 10)
    want = sum(torch.mean((p - gt) ** 2) for p in inter) / 4
    assert torch.equal(losses['loss_intermediate'], want)            # alpha = 1 at iteration 0
    assert losses['loss_final'].item() == 0.0
    assert torch.allclose(final, (inter * 0.25).sum(0))               # the weighted ensemble
    with torch.no_grad():
        model.alpha_start = model.alpha_end = 0.0                      # only the ensemble is supervised
        losses = model(x, dict(gt=gt, metainfo=[dict(scale=2)] * 2), mode='loss')
    assert torch.equal(losses['loss_final'], torch.mean((final - gt) ** 2).detach())


@pytest.mark.parametrize('gen_cfg,method', [
    (dict(type='DRCN', scale=2, mid_channels=8, num_recursions=3), 'recursive_outputs'),
    (dict(type='LapSRN', scale=8, mid_channels=8, depth=1), 'pyramid')])
def test_multi_output_networks_return_the_sr_image_in_every_mode(gen_cfg, method):
    torch.manual_seed(0)
    net = MODELS.build(gen_cfg)
    x = torch.rand(1, 1, 6, 7)
    with torch.no_grad():
        outs = getattr(net, method)(x)
        finest = outs[0] if method == 'recursive_outputs' else outs[-1]
        for mode in (True, False):
            net.train(mode)
            y = net(x)
            assert isinstance(y, torch.Tensor) and torch.equal(y, finest)


def test_training_models_refuse_a_network_without_the_intermediate_outputs():
    for model, method in (('DRCNModel', 'recursive_outputs'), ('LapSRNModel', 'pyramid')):
        with pytest.raises(ConfigError, match=f'no {method}'):
            MODELS.build(dict(type=model, generator=dict(type='ESPCN', scale=2),
                              pixel_loss=dict(type='MSELoss')))


def test_drcn_and_lapsrn_state_dict_keys_are_unchanged():
    """Existing checkpoints (and the released LapSRN weights' mapping) depend on these names."""
    drcn = MODELS.build(dict(type='DRCNModel', pixel_loss=dict(type='MSELoss'),
                             generator=dict(type='DRCN', scale=2, mid_channels=8, num_recursions=2)))
    assert list(drcn.state_dict()) == ['generator.' + k for k in (
        'ensemble', 'embed.0.weight', 'embed.0.bias', 'embed.2.weight', 'embed.2.bias', 'recursive.weight',
        'recursive.bias', 'reconstruct.0.weight', 'reconstruct.0.bias', 'reconstruct.2.weight',
        'reconstruct.2.bias')]
    lap = MODELS.build(dict(type='LapSRN', scale=4, mid_channels=8, depth=1))
    assert list(lap.state_dict()) == [
        'input_conv.weight', 'input_conv.bias', 'features.0.0.weight', 'features.0.0.bias',
        'features.0.2.weight', 'features.0.2.bias', 'features.1.0.weight', 'features.1.0.bias',
        'features.1.2.weight', 'features.1.2.bias', 'residuals.0.weight', 'residuals.0.bias',
        'residuals.1.weight', 'residuals.1.bias', 'image_up.0.weight', 'image_up.1.weight']


def test_lapsrn_supervises_every_level_against_downscaled_hr():
    from srbench.transforms.imresize import imresize_torch
    model = MODELS.build(dict(type='LapSRNModel',
                              generator=dict(type='LapSRN', scale=8, mid_channels=8, depth=1),
                              pixel_loss=dict(type='CharbonnierLoss', reduction='batchmean')))
    model.train()
    x, gt = torch.rand(2, 1, 5, 6), torch.rand(2, 1, 40, 48)
    losses = model(x, dict(gt=gt, metainfo=[dict(scale=8)] * 2), mode='loss')
    assert list(losses) == ['loss_x2', 'loss_x4', 'loss_x8']
    levels = model.generator.pyramid(x)
    assert [tuple(t.shape[-2:]) for t in levels] == [(10, 12), (20, 24), (40, 48)]
    want = torch.sqrt((levels[0] - imresize_torch(gt, output_shape=(10, 12))) ** 2 + 1e-6).sum() / 2
    assert torch.allclose(losses['loss_x2'], want)
    assert torch.equal(losses['loss_x8'], torch.sqrt((levels[2] - gt) ** 2 + 1e-6).sum() / 2)


def test_lapsrn_image_branch_starts_as_bilinear_upsampling():
    net = MODELS.build(dict(type='LapSRN', scale=2, mid_channels=8, depth=1)).eval()
    with torch.no_grad():
        net.residuals[0].weight.zero_()
        net.residuals[0].bias.zero_()
        x = torch.rand(1, 1, 6, 6)
        y = net(x)
    ref = torch.nn.functional.interpolate(x, scale_factor=2, mode='bilinear', align_corners=False)
    assert torch.allclose(y[..., 1:-1, 1:-1], ref[..., 1:-1, 1:-1], atol=1e-6)


# -- the optimiser wrapper of VDSR/DRRN ------------------------------------------------------------------
@pytest.mark.parametrize('mode', ['value', 'norm'])
def test_lr_scaled_gradient_clipping(mode):
    from srbench.registry import OPTIM_WRAPPERS
    p = torch.nn.Parameter(torch.zeros(4))
    ow = OPTIM_WRAPPERS.build(dict(type='LRScaledClipOptimWrapper', theta=0.01, mode=mode,
                                   optimizer=torch.optim.SGD([p], lr=0.1)))
    p.grad = torch.tensor([3.0, -0.05, 0.0, -2.0])
    ow.step()
    # limit theta/lr = 0.1: the step lr * g is bounded by theta
    if mode == 'value':
        assert torch.allclose(p.data, -0.1 * torch.tensor([0.1, -0.05, 0.0, -0.1]))
    else:
        assert torch.linalg.vector_norm(p.data).item() == pytest.approx(0.01, rel=1e-4)
    with pytest.raises(ConfigError, match='theta'):
        OPTIM_WRAPPERS.build(dict(type='LRScaledClipOptimWrapper', theta=0,
                                  optimizer=torch.optim.SGD([p], lr=0.1)))


def test_grouped_constructor_merges_equal_groups_and_keeps_the_rates():
    from mmengine.optim import DefaultOptimWrapperConstructor

    from srbench.engine.optim import GroupedOptimWrapperConstructor
    net = SRModel(generator=dict(type='FSRCNN', scale=3))
    cfg = dict(optimizer=dict(type='SGD', lr=1e-3, momentum=0.9))
    pw = dict(bias_lr_mult=0.1, custom_keys={'generator.deconv': dict(lr_mult=0.1)})
    grouped = GroupedOptimWrapperConstructor(cfg, pw)(net).optimizer
    default = DefaultOptimWrapperConstructor(cfg, pw)(net).optimizer
    assert len(default.param_groups) == len(list(net.parameters())) == 23
    # lr 1e-3: weights and PReLU slopes; 1e-4: biases; 1e-4 with MMEngine's lr_mult tag: the deconvolution
    assert len(grouped.param_groups) == 3
    lr_of = {id(p): g['lr'] for g in grouped.param_groups for p in g['params']}
    for g in default.param_groups:
        (p,) = g['params']
        assert lr_of[id(p)] == pytest.approx(g['lr'])
    assert all(type(g) is dict for g in grouped.param_groups)


def test_sr_data_preprocessor_equals_mmengine_default():
    from mmengine.model import BaseDataPreprocessor
    model, info = build('ESPCN', 3)
    inp, ds = batch(info, 3)
    data = dict(inputs=inp, data_samples=ds)
    a, b = model.data_preprocessor(data, True), BaseDataPreprocessor()(data, True)
    assert torch.equal(a['inputs'], b['inputs'])
    assert torch.equal(a['data_samples']['gt'], b['data_samples']['gt'])
    assert a['data_samples']['metainfo'] == b['data_samples']['metainfo']
    assert model.data_preprocessor([inp]) == [inp]          # any other layout: MMEngine's behaviour
