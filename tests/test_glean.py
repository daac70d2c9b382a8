"""GLEAN (plugins/glean): the StyleGAN2 latent bank against a reference written here from MMagic's key layout,
the checkpoint layouts and their converter, the errors for a missing or unfitting StyleGAN2 file, the fixed
input size, the frozen bank, training steps through SRModel, and the paper configs (the full 64 -> 1024
network is built once)."""
from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F

from conftest import REPO, error_line, run_tool
from srbench.errors import CheckpointError, ConfigError, DataError, ModelInputError
from srbench.registry import MODELS

pytestmark = pytest.mark.usefixtures('one_thread')

CONFIGS = REPO / 'configs'
MMAGIC_FILE = 'stylegan2-ffhq-config-f-official_20210327_171224-bce9310c.pth'

# tiny sizes: style dim 32; channels 16 at 4..32, 8 at 64, 4 at 128 (channel multiplier 1/32, cap 16)
BANK = dict(style_dim=32, channel_multiplier=1 / 32, max_channels=16)
SMALL = dict(BANK, rrdb_channels=8, num_rrdbs=1, rrdb_growth=4, decoder_channels=8)


def glean(in_size=8, out_size=64, **kw):
    return MODELS.build(dict(type='GLEAN', in_size=in_size, out_size=out_size, **dict(SMALL, **kw)))


def glean_model(in_size=8, out_size=64, **kw):
    gen = dict(type='GLEAN', in_size=in_size, out_size=out_size, **dict(SMALL, **kw))
    return MODELS.build(dict(type='SRModel', generator=gen, pixel_loss=dict(type='MSELoss')))


# -- a StyleGAN2 generator in MMagic's key layout, and a reference forward written from that layout ----------
FIR = torch.tensor([1.0, 3.0, 3.0, 1.0])
FIR2 = FIR[:, None] * FIR[None, :] / 64.0


def channels(r, style_dim=32, channel_multiplier=1 / 32, max_channels=16):
    return min(max_channels, round(16384 * channel_multiplier / r))


def mmagic_state_dict(out_size=64, style_dim=32, seed=0, mapping=True) -> dict:
    """Random weights under the names of MMagic's StyleGANv2Generator (equalised-lr weights ``*_orig``,
    noise strengths and biases away from their zero initialisation so that every term counts)."""
    g = torch.Generator().manual_seed(seed)
    rnd = lambda *s: torch.randn(*s, generator=g)   # noqa: E731
    sd = {}
    log = int(math.log2(out_size))

    def modconv(pre, cin, cout, k, up=False, rgb=False):
        sd[pre + 'conv.weight_orig'] = rnd(1, cout, cin, k, k)
        sd[pre + 'conv.style_modulation.linear.weight_orig'] = rnd(cin, style_dim)
        sd[pre + 'conv.style_modulation.bias'] = 1 + 0.1 * rnd(cin)
        if up:
            sd[pre + 'conv.blur.kernel'] = FIR2 * 4
        if rgb:
            sd[pre + 'bias'] = 0.1 * rnd(1, cout, 1, 1)
        else:
            sd[pre + 'noise_injector.weight'] = 0.3 * rnd(1)
            sd[pre + 'activate.bias'] = 0.1 * rnd(cout)

    c = {2 ** i: channels(2 ** i) for i in range(2, log + 1)}
    sd['constant_input.input'] = rnd(1, c[4], 4, 4)
    modconv('conv1.', c[4], c[4], 3)
    modconv('to_rgb1.', c[4], 3, 1, rgb=True)
    for k in range(log - 2):
        r = 2 ** (k + 3)
        modconv(f'convs.{2 * k}.', c[r // 2], c[r], 3, up=True)
        modconv(f'convs.{2 * k + 1}.', c[r], c[r], 3)
        modconv(f'to_rgbs.{k}.', c[r], 3, 1, rgb=True)
        sd[f'to_rgbs.{k}.upsample.kernel'] = FIR2 * 4
    for i in range(2 * log - 3):
        r = 2 ** ((i + 5) // 2)
        sd[f'injected_noise_{i}'] = rnd(1, 1, r, r)
    if mapping:
        for i in range(1, 9):
            sd[f'style_mapping.{i}.linear.weight_orig'] = rnd(style_dim, style_dim)
            sd[f'style_mapping.{i}.bias'] = rnd(style_dim)
    return sd


def to_rosinality(sd: dict) -> dict:
    """The same weights under rosinality's stylegan2-pytorch names."""
    out = {}
    for k, v in sd.items():
        k = (k.replace('constant_input.input', 'input.input').replace('injected_noise_', 'noises.noise_')
             .replace('conv.style_modulation.linear.weight_orig', 'conv.modulation.weight')
             .replace('conv.style_modulation.bias', 'conv.modulation.bias')
             .replace('conv.weight_orig', 'conv.weight').replace('noise_injector.weight', 'noise.weight'))
        if k.startswith('style_mapping.'):
            k = k.replace('style_mapping.', 'style.').replace('.linear.weight_orig', '.weight')
        out[k] = v
    return out


def _blur(x, pad):
    c = x.shape[1]
    return F.conv2d(F.pad(x, (pad[0], pad[1], pad[0], pad[1])), (FIR2 * 4).expand(c, 1, 4, 4), groups=c)


def _up2(x):
    n, c, h, w = x.shape
    z = x.new_zeros(n, c, 2 * h, 2 * w)
    z[..., ::2, ::2] = x
    return _blur(z, (2, 1))


def _modconv(sd, pre, x, w, demod=True, up=False):
    """Per-sample modulated filters and a grouped convolution (StyleGAN2's "fused" form)."""
    weight = sd[pre + 'conv.weight_orig']
    _, cout, cin, k, _ = weight.shape
    a = sd[pre + 'conv.style_modulation.linear.weight_orig']
    s = w @ a.t() / math.sqrt(a.shape[1]) + sd[pre + 'conv.style_modulation.bias']
    wt = weight / math.sqrt(cin * k * k) * s[:, None, :, None, None]
    if demod:
        wt = wt * torch.rsqrt(wt.pow(2).sum((2, 3, 4)) + 1e-8)[:, :, None, None, None]
    n, _, h, wd = x.shape
    if up:
        y = F.conv_transpose2d(x.reshape(1, n * cin, h, wd), wt.transpose(1, 2).reshape(n * cin, cout, k, k),
                               stride=2, groups=n)
        return _blur(y.reshape(n, cout, *y.shape[-2:]), (1, 1))
    y = F.conv2d(x.reshape(1, n * cin, h, wd), wt.reshape(n * cout, cin, k, k), padding=k // 2, groups=n)
    return y.reshape(n, cout, h, wd)


def _styleconv(sd, pre, x, w, noise, up=False):
    y = _modconv(sd, pre, x, w, up=up) + sd[pre + 'noise_injector.weight'] * noise
    return F.leaky_relu(y + sd[pre + 'activate.bias'].view(1, -1, 1, 1), 0.2) * math.sqrt(2)


def _torgb(sd, pre, x, w, skip):
    y = _modconv(sd, pre, x, w, demod=False) + sd[pre + 'bias']
    return y if skip is None else y + _up2(skip)


def reference_synthesis(sd, latents):
    log = int(math.log2(sd[f'injected_noise_{len([k for k in sd if k.startswith("injected_noise_")]) - 1}']
                        .shape[-1]))
    x = sd['constant_input.input'].repeat(latents.shape[0], 1, 1, 1)
    x = _styleconv(sd, 'conv1.', x, latents[:, 0], sd['injected_noise_0'])
    rgb = _torgb(sd, 'to_rgb1.', x, latents[:, 1], None)
    for k in range(log - 2):
        i = 1 + 2 * k
        x = _styleconv(sd, f'convs.{i - 1}.', x, latents[:, i], sd[f'injected_noise_{i}'], up=True)
        x = _styleconv(sd, f'convs.{i}.', x, latents[:, i + 1], sd[f'injected_noise_{i + 1}'])
        rgb = _torgb(sd, f'to_rgbs.{k}.', x, latents[:, i + 2], rgb)
    return rgb


@pytest.fixture(scope='module')
def mmagic_ckpt(tmp_path_factory):
    """(path, bare generator state dict) of an MMagic-style checkpoint: generator, generator_ema (the one
    GLEAN must take) and discriminator weights in one state_dict, plus metadata."""
    sd = mmagic_state_dict()
    other = mmagic_state_dict(seed=1)
    full = {**{f'generator_ema.{k}': v for k, v in sd.items()},
            **{f'generator.{k}': v for k, v in other.items()},
            'discriminator.convs.0.0.conv.weight_orig': torch.randn(4, 3, 1, 1)}
    p = tmp_path_factory.mktemp('sg2') / MMAGIC_FILE
    torch.save(dict(state_dict=full, meta=dict(epoch=0, note='test')), p)
    return p, sd


# -- the latent bank ---------------------------------------------------------------------------------------
@pytest.mark.parametrize('prefix', ['generator_ema', None])
def test_mmagic_layout_loads_and_synthesises_as_the_reference(mmagic_ckpt, prefix):
    path, sd = mmagic_ckpt
    net = glean(pretrained=dict(ckpt_path=str(path), prefix=prefix))
    bank = net.bank
    assert net.pretrained_info['layout'] == 'mmagic' and net.pretrained_info['prefix'] == 'generator_ema'
    # a few correspondences by hand
    assert torch.equal(bank.blocks[1].conv.weight, sd['convs.3.conv.weight_orig'][0])
    assert torch.equal(bank.blocks[1].up.affine.weight,
                       sd['convs.2.conv.style_modulation.linear.weight_orig'])
    assert torch.equal(bank.blocks[2].rgb.bias, sd['to_rgbs.2.bias'].flatten())
    assert torch.equal(bank.conv4.noise_strength, sd['conv1.noise_injector.weight'])
    assert torch.equal(bank.noise_4, sd['injected_noise_4'])
    torch.manual_seed(0)
    latents = torch.randn(2, bank.num_latents, 32)
    with torch.no_grad():
        ours, ref = bank.synthesize(latents), reference_synthesis(sd, latents)
    assert ours.shape == (2, 3, 64, 64)
    assert torch.allclose(ours, ref, atol=1e-4, rtol=1e-4), (ours - ref).abs().max()
    # the noise maps and the upsampling matter: a wrong filter or noise would not match
    with torch.no_grad():
        sd2 = dict(sd, injected_noise_6=torch.zeros_like(sd['injected_noise_6']))
        assert not torch.allclose(reference_synthesis(sd2, latents), ref, atol=1e-3)


def test_rosinality_layout_gives_the_same_generator(mmagic_ckpt, tmp_path):
    path, sd = mmagic_ckpt
    p = tmp_path / 'stylegan2-ffhq-config-f.pt'
    torch.save({'g_ema': to_rosinality(sd), 'latent_avg': torch.randn(32)}, p)
    a = glean(pretrained=dict(ckpt_path=str(path))).bank.state_dict()
    net = glean(pretrained=dict(ckpt_path=str(p)))
    assert net.pretrained_info['layout'] == 'rosinality' and net.pretrained_info['prefix'] == 'g_ema'
    b = net.bank.state_dict()
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_converter_cli_writes_the_srbench_layout(mmagic_ckpt, tmp_path, capsys):
    from srbench_plugins.glean.convert import main
    path, sd = mmagic_ckpt
    out = tmp_path / 'out' / 'stylegan2_ffhq.pth'
    main([str(path), str(out)])                     # in-process: the command line without 10 s of imports
    assert 'mmagic layout (prefix generator_ema)' in capsys.readouterr().out and out.is_file()
    ckpt = torch.load(out, weights_only=True)
    conv = ckpt['state_dict']
    assert 'const' in conv and not any(k.startswith(('style', 'generator')) for k in conv)
    assert torch.equal(conv['blocks.0.up.weight'], sd['convs.0.conv.weight_orig'][0])
    net = glean(pretrained=dict(ckpt_path=str(out)))
    assert net.pretrained_info['layout'] == 'srbench'
    ref = glean(pretrained=dict(ckpt_path=str(path))).bank.state_dict()
    assert all(torch.equal(v, ref[k]) for k, v in net.bank.state_dict().items())
    # a bad source is one error line, exit status 2
    with pytest.raises(SystemExit) as e:
        main([str(tmp_path / 'none.pth'), str(tmp_path / 'x.pth')])
    err = capsys.readouterr().err.strip().splitlines()
    assert e.value.code == 2 and len(err) == 1 and 'none.pth' in err[0]
    assert err[0].startswith('srbench: error: StyleGAN2 checkpoint does not exist')
    assert not (tmp_path / 'x.pth').exists()


# -- errors -------------------------------------------------------------------------------------------------
def test_missing_stylegan2_file_is_one_clear_error(tmp_path):
    missing = tmp_path / MMAGIC_FILE
    want = (r'StyleGAN2 checkpoint \(model.generator.pretrained.ckpt_path\) does not exist: '
            r'.*bce9310c\.pth\. .*FFHQ 1024x1024 config-F')
    with pytest.raises(CheckpointError, match=want):
        glean_model(pretrained=dict(ckpt_path=str(missing)))
    with pytest.raises(CheckpointError, match='is not set'):
        glean(pretrained=dict(ckpt_path=None))
    with pytest.raises(ConfigError, match='pretrained must be dict'):
        glean(pretrained=dict(path=str(missing)))


def test_unfitting_or_broken_stylegan2_files(mmagic_ckpt, tmp_path):
    path, sd = mmagic_ckpt
    with pytest.raises(CheckpointError, match=r'do not fit .*out_size=128.* 16 missing \(e.g. noise_9\)'):
        glean(8, 128, pretrained=dict(ckpt_path=str(path)))
    with pytest.raises(CheckpointError, match=r'do not fit .*style_dim=64.* of another shape'):
        glean(style_dim=64, pretrained=dict(ckpt_path=str(path)))
    with pytest.raises(CheckpointError, match="no weights under the prefix 'g_ema'"):
        glean(pretrained=dict(ckpt_path=str(path), prefix='g_ema'))
    with pytest.raises(CheckpointError, match="rosinality layout, but layout='mmagic'"):
        p = tmp_path / 'r.pt'
        torch.save({'g_ema': to_rosinality(sd)}, p)
        glean(pretrained=dict(ckpt_path=str(p), layout='mmagic'))
    p = tmp_path / 'extra.pth'
    torch.save(dict(sd, **{'conv1.conv.extra_scale': torch.ones(1)}), p)
    with pytest.raises(CheckpointError, match=r'extra\.pth: .*does not know, e.g. conv1.conv.extra_scale'):
        glean(pretrained=dict(ckpt_path=str(p)))
    p = tmp_path / 'blur.pth'
    torch.save(dict(sd, **{'convs.2.conv.blur.kernel': torch.ones(4, 4) / 4}), p)
    with pytest.raises(CheckpointError, match=r'convs.2.conv.blur.kernel is not the \[1, 3, 3, 1\] filter'):
        glean(pretrained=dict(ckpt_path=str(p)))
    p = tmp_path / 'text.pth'
    p.write_text('not a checkpoint')
    with pytest.raises(CheckpointError, match='is not a checkpoint'):
        glean(pretrained=dict(ckpt_path=str(p)))


def test_bad_sizes_are_config_errors():
    with pytest.raises(ConfigError, match='in_size must be a power of two'):
        glean(in_size=12)
    with pytest.raises(ConfigError, match=r'in_size \(64\) must be smaller than out_size \(64\)'):
        glean(in_size=64, out_size=64)
    with pytest.raises(ModelInputError, match='scale 4 is not supported; supported scales: 8, 16'):
        glean_model(16, 64)


def test_wrong_input_size_is_one_clear_error_before_the_network_runs():
    model = glean_model(8, 64)

    def must_not_run(*a, **k):
        raise AssertionError('the network ran')
    model.generator.forward = must_not_run
    lr, hr = torch.rand(1, 3, 12, 12), torch.rand(1, 3, 96, 96)
    with pytest.raises(ModelInputError,
                       match=r'GLEAN takes inputs of exactly 8x8 pixels \(LR of HR 64x64 at x8: .*\), got 12x12'):
        model(lr, dict(gt=hr, metainfo=[dict(scale=8)]), mode='predict')


# -- shapes, frozen bank, training --------------------------------------------------------------------------
@pytest.mark.parametrize('in_size,out_size', [(8, 64), (8, 128), (4, 64)], ids=['x8', 'x16', 'x16-from-4x4'])
def test_output_shapes_at_x8_and_x16(in_size, out_size):
    torch.manual_seed(0)
    model = glean_model(in_size, out_size).eval()
    s = out_size // in_size
    lr, hr = torch.rand(2, 3, in_size, in_size), torch.rand(2, 3, out_size, out_size)
    with torch.no_grad():
        out = model(lr, dict(gt=hr, metainfo=[dict(scale=s)] * 2), mode='tensor')
        preds = model(lr, dict(gt=hr, metainfo=[dict(scale=s)] * 2), mode='predict')
    assert model.fixed_scale == s and out.shape == (2, 3, out_size, out_size) and torch.isfinite(out).all()
    assert preds[1]['pred'].shape == (3, out_size, out_size)
    assert model.generator.bank.channels[out_size] == channels(out_size)


def test_the_latent_bank_is_frozen_and_every_trainable_weight_gets_a_gradient():
    torch.manual_seed(0)
    model = glean_model(8, 64)
    net = model.generator
    frozen = {n for n, p in net.named_parameters() if not p.requires_grad}
    assert frozen == {f'bank.{n}' for n, _ in net.bank.named_parameters()}
    lr, hr = torch.rand(2, 3, 8, 8), torch.rand(2, 3, 64, 64)
    model(lr, dict(gt=hr, metainfo=[dict(scale=8)] * 2), mode='loss')['loss'].backward()
    assert all(p.grad is None for p in net.bank.parameters())
    no_grad = [n for n, p in net.named_parameters() if p.requires_grad and p.grad is None]
    assert not no_grad, no_grad
    # fine-tuning the bank (not the paper's choice) trains its convolutions; its ToRGB layers stay frozen
    net2 = glean(freeze_bank=False)
    trainable = {n for n, p in net2.bank.named_parameters() if p.requires_grad}
    assert 'blocks.1.up.weight' in trainable and 'const' in trainable
    assert not any('rgb' in n for n in trainable)


def _smooth_images(n, size, seed):
    g = torch.Generator().manual_seed(seed)
    coarse = torch.rand(n, 3, 4, 4, generator=g)
    return F.interpolate(coarse, size=(size, size), mode='bicubic', align_corners=False).clamp(0, 1)


def test_training_steps_lower_the_loss_and_leave_the_bank_unchanged(mmagic_ckpt):
    from mmengine.optim import OptimWrapper
    path, _ = mmagic_ckpt
    torch.manual_seed(0)
    model = glean_model(8, 64, pretrained=dict(ckpt_path=str(path)))
    model.train()
    hr = _smooth_images(4, 64, 0)
    lr = F.avg_pool2d(hr, 8)
    data = dict(inputs=lr, data_samples=dict(gt=hr, metainfo=[dict(scale=8)] * 4))
    bank0 = {k: v.clone() for k, v in model.generator.bank.state_dict().items()}
    enc0 = model.generator.encoder_latent[-1].weight.detach().clone()
    dec0 = model.generator.decoder_out[-1].weight.detach().clone()

    def loss():
        with torch.no_grad():
            return model(**data, mode='loss')['loss'].item()
    before = loss()
    ow = OptimWrapper(torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=2e-3))
    for _ in range(25):
        log = model.train_step(data, ow)
    after = loss()
    assert after < 0.5 * before, (before, after, log)
    assert not torch.equal(model.generator.encoder_latent[-1].weight, enc0)
    assert not torch.equal(model.generator.decoder_out[-1].weight, dec0)
    assert all(torch.equal(v, bank0[k]) for k, v in model.generator.bank.state_dict().items())


# -- the plugin and the paper configs -----------------------------------------------------------------------
def test_declaration():
    from srbench.plugins import find_model, get_plugin
    info, plugin, _ = find_model('GLEAN')
    assert (info.input, info.channels, info.scales, info.multiscale) == ('lr', 'rgb', (8, 16), False)
    assert 'fixed input size' in plugin.description
    ref = get_plugin('glean').reference_numbers()
    rows = ref['results']
    assert rows and all({'label', 'dataset', 'scale', 'metrics', 'table'} <= set(r) for r in rows)
    assert {r['scale'] for r in rows} <= {8, 16}


PAPER_CONFIGS = [('glean_x16_ffhq.py', 64, 16), ('glean_x8_ffhq.py', 128, 8)]


@pytest.mark.parametrize('name,in_size,scale', PAPER_CONFIGS, ids=[c[0] for c in PAPER_CONFIGS])
def test_paper_config_structure(name, in_size, scale, tmp_path, monkeypatch):
    from srbench.apis.common import load_config, model_info_of, validate_config
    from srbench.registry import DATASETS
    monkeypatch.chdir(tmp_path)                     # relative data / weight paths point nowhere
    cfg = load_config(CONFIGS / name)
    validate_config(cfg)
    gname, info, plugin = model_info_of(cfg)
    assert gname == 'GLEAN' and plugin.name == 'glean' and cfg.model.type == 'SRModel'
    gen = cfg.model.generator
    assert (gen.in_size, gen.out_size, gen.style_dim, gen.channel_multiplier) == (in_size, 1024, 512, 2)
    assert gen.out_size // gen.in_size == scale and scale in info.scales
    assert gen.pretrained.ckpt_path.endswith(MMAGIC_FILE) and gen.pretrained.prefix is None
    loaders = [cfg.train_dataloader, cfg.val_dataloader] + list(cfg.test_dataloader)
    for dl in loaders:
        assert dl.dataset.scale == scale and dl.dataset.channels == 'rgb' and dl.dataset.input_kind == 'lr'
    assert cfg.optim_wrapper.optimizer.type == 'Adam' and cfg.optim_wrapper.optimizer.lr == 1e-4
    assert cfg.model.pixel_loss.type == 'MSELoss'
    # absent data: one error naming the folder; absent StyleGAN2 file: one error naming it, before the build
    with pytest.raises(DataError, match=r'HR folder \(hr_dir\) does not exist: data/FFHQ/images'):
        DATASETS.build(cfg.train_dataloader.dataset)
    with pytest.raises(CheckpointError, match=r'does not exist: .*' + MMAGIC_FILE.replace('.', r'\.')):
        MODELS.build(cfg.model)


def test_train_tool_without_the_stylegan2_file_prints_one_error_line(tmp_path):
    p = run_tool([REPO / 'tools' / 'train.py', CONFIGS / 'glean_x16_ffhq.py', '--work-dir', tmp_path / 'wd'],
                 cwd=tmp_path)
    line = error_line(p)
    assert 'StyleGAN2 checkpoint' in line and MMAGIC_FILE in line and 'README' in line


def test_full_size_x16_network_builds_with_a_local_checkpoint(tmp_path):
    """The paper's 64 -> 1024 network, once: about 3 s and 1.5 GB on the build machine. Config-F's synthesis
    network has 28,268,812 parameters: the official StyleGAN2 FFHQ generator's 30,370,060 less its 8-layer
    mapping network (8 x (512 x 512 + 512) = 2,101,248), which GLEAN does not use."""
    from srbench.apis.common import load_config
    from srbench_plugins.glean.stylegan2_arch import StyleGAN2Generator
    torch.manual_seed(0)
    gen = StyleGAN2Generator(1024, 512, 2)
    assert sum(p.numel() for p in gen.parameters()) == 30_370_060 - 8 * (512 * 512 + 512)
    ckpt = tmp_path / 'stylegan2_ffhq_1024.pth'
    torch.save(dict(state_dict=gen.state_dict()), ckpt)
    const = gen.const.detach().clone()
    del gen
    cfg = load_config(CONFIGS / 'glean_x16_ffhq.py', {'model.generator.pretrained.ckpt_path': str(ckpt)})
    model = MODELS.build(cfg.model)
    net = model.generator
    total = sum(p.numel() for p in net.parameters())
    trainable = sum(p.numel() for p in net.parameters() if p.requires_grad)
    assert torch.equal(net.bank.const, const) and net.pretrained_info['layout'] == 'srbench'
    assert total - trainable == 28_268_812
    assert total == 173_345_935          # as built (README); MMagic's module also holds the mapping network
