"""StyleGAN2 weights for GLEAN's latent bank: key layouts, conversion, loading with clear errors.

GLEAN needs a pretrained StyleGAN2 generator (``stylegan2_arch.StyleGAN2Generator``). Three key layouts are
read (``layout='auto'`` tells them apart by their keys):

``srbench`` -- this plugin's own (what :func:`main` writes), the keys of
``StyleGAN2Generator.state_dict()``::

    const                                  (1, C4, 4, 4)      learned constant input
    conv4.{weight, affine.weight, affine.bias, noise_strength, bias}     4x4 modulated conv
    rgb4.{weight, affine.weight, affine.bias, bias}                      4x4 ToRGB
    blocks.<k>.up.*  blocks.<k>.conv.*     (as conv4)         k-th resolution above 4x4 (8, 16, ...)
    blocks.<k>.rgb.*                       (as rgb4)
    noise_<i>                              (1, 1, r, r)       fixed noise maps, i = 0 ... 2*log2(size) - 4
    (conv weights (out, in, k, k); affine.weight (in, style_dim); biases 1-D; noise_strength (1,))

``mmagic`` -- MMagic / MMEditing / MMGeneration ``StyleGANv2Generator``, e.g. the official FFHQ 1024 weights
converted by OpenMMLab, ``stylegan2-ffhq-config-f-official_20210327_171224-bce9310c.pth`` (prefix
``generator_ema`` inside its ``state_dict``)::

    constant_input.input                                   -> const
    conv1.* / to_rgb1.*                                    -> conv4.* / rgb4.*
    convs.<2k>.* / convs.<2k+1>.* / to_rgbs.<k>.*          -> blocks.<k>.up.* / .conv.* / .rgb.*
      conv.weight_orig (1, out, in, k, k)                  -> weight (out, in, k, k)
      conv.style_modulation.linear.weight_orig / .bias     -> affine.weight / affine.bias
      noise_injector.weight                                -> noise_strength
      activate.bias                                        -> bias
      bias (1, 3, 1, 1)  [ToRGB]                           -> bias (3,)
      conv.blur.kernel / upsample.kernel                   checked to be the [1, 3, 3, 1] filter, dropped
    injected_noise_<i>                                     -> noise_<i>
    style_mapping.*                                        dropped (mapping network; GLEAN does not use it)

``rosinality`` -- rosinality's stylegan2-pytorch ``Generator`` (``g_ema`` of the ``.pt`` its
``convert_weight.py`` makes from NVIDIA's official pickle): as ``mmagic`` with ``input.input``,
``conv.weight``, ``conv.modulation.{weight, bias}``, ``noise.weight``, ``noises.noise_<i>`` and ``style.*``.

All three store equalised-learning-rate weights unscaled (N(0, 1) at initialisation; the 1/sqrt(fan_in) is
applied when used), so conversion only renames and reshapes.

Command line (writes the ``srbench`` layout, atomically)::

    python -m srbench_plugins.glean.convert stylegan2-ffhq-config-f-official_20210327_171224-bce9310c.pth \\
        work_dirs/weights/stylegan2_ffhq_1024.pth [--prefix generator_ema] [--layout auto]
"""
from __future__ import annotations

import argparse
import os
import re
from pathlib import Path

import torch

from srbench.errors import CheckpointError

LAYOUTS = ('srbench', 'mmagic', 'rosinality')

HOW_TO_GET = (
    'GLEAN needs a pretrained StyleGAN2 generator of the configured size as a local file (nothing is '
    'downloaded at run time): for faces, the official FFHQ 1024x1024 config-F generator, e.g. MMagic\'s '
    'conversion stylegan2-ffhq-config-f-official_20210327_171224-bce9310c.pth (prefix generator_ema) or '
    'rosinality\'s convert_weight.py output of NVIDIA\'s stylegan2-ffhq-config-f.pkl (prefix g_ema); '
    'see plugins/glean/README.md')

# per layout: (constant input, noise-map prefix, mapping-network prefix, sub-key renames)
_LAYOUT_KEYS = {
    'mmagic': ('constant_input.input', 'injected_noise_', 'style_mapping.', {
        'conv.weight_orig': 'weight', 'conv.style_modulation.linear.weight_orig': 'affine.weight',
        'conv.style_modulation.bias': 'affine.bias', 'noise_injector.weight': 'noise_strength',
        'activate.bias': 'bias', 'bias': 'bias'}),
    'rosinality': ('input.input', 'noises.noise_', 'style.', {
        'conv.weight': 'weight', 'conv.modulation.weight': 'affine.weight',
        'conv.modulation.bias': 'affine.bias', 'noise.weight': 'noise_strength', 'activate.bias': 'bias',
        'bias': 'bias'}),
}
_FILTER_KEYS = ('conv.blur.kernel', 'upsample.kernel')
_LAYER_RE = re.compile(r'^(conv1|to_rgb1|convs\.(\d+)|to_rgbs\.(\d+))\.(.+)$')
DEFAULT_PREFIX = {'mmagic': 'generator_ema', 'rosinality': 'g_ema'}


def detect_layout(sd: dict) -> str:
    """'srbench', 'mmagic' or 'rosinality' from the keys of a bare generator state dict."""
    if 'const' in sd and 'conv4.weight' in sd:
        return 'srbench'
    for layout, (const_key, *_rest) in _LAYOUT_KEYS.items():
        if const_key in sd:
            return layout
    raise CheckpointError('no StyleGAN2 generator in these weights (none of the keys const, '
                          'constant_input.input, input.input); keys start with: ' + ', '.join(list(sd)[:5]))


def _expected_filter(blur_kernel) -> torch.Tensor:
    from .stylegan2_arch import fir_kernel
    return fir_kernel(blur_kernel) * 4


def to_srbench(sd: dict, layout: str = 'auto', blur_kernel=(1, 3, 3, 1)) -> dict:
    """A bare StyleGAN2 generator state dict in ``layout`` converted to this plugin's layout.

    Unknown keys are a CheckpointError (nothing is silently dropped but the mapping network and the
    fixed filter buffers, whose values are checked)."""
    if layout == 'auto':
        layout = detect_layout(sd)
    if layout == 'srbench':
        return dict(sd)
    if layout not in _LAYOUT_KEYS:
        raise CheckpointError(f'unknown StyleGAN2 key layout {layout!r}; known: auto, {", ".join(LAYOUTS)}')
    const_key, noise_prefix, mapping_prefix, renames = _LAYOUT_KEYS[layout]
    want_filter = _expected_filter(blur_kernel)
    out, unknown = {}, []
    for key, value in sd.items():
        if key == const_key:
            out['const'] = value
            continue
        if key.startswith(noise_prefix) and key[len(noise_prefix):].isdigit():
            out[f'noise_{key[len(noise_prefix):]}'] = value
            continue
        if key.startswith(mapping_prefix):
            continue
        m = _LAYER_RE.match(key)
        if m is None:
            unknown.append(key)
            continue
        layer, conv_i, rgb_i, sub = m.groups()
        if sub in _FILTER_KEYS:
            v = value.float().cpu()
            if v.shape != want_filter.shape or not torch.allclose(v, want_filter, atol=1e-6):
                raise CheckpointError(f'StyleGAN2 weights: {key} is not the {list(blur_kernel)} filter this '
                                      'generator is built with (set blur_kernel to the checkpoint\'s)')
            continue
        if sub not in renames or (sub == 'bias' and not layer.startswith('to_rgb')):
            unknown.append(key)
            continue
        if layer == 'conv1':
            dst = 'conv4'
        elif layer == 'to_rgb1':
            dst = 'rgb4'
        elif conv_i is not None:
            i = int(conv_i)
            dst = f'blocks.{i // 2}.{"up" if i % 2 == 0 else "conv"}'
        else:
            dst = f'blocks.{rgb_i}.rgb'
        name = renames[sub]
        if name == 'weight' and value.ndim == 5:
            value = value.squeeze(0)
        elif name == 'bias' and value.ndim == 4:
            value = value.reshape(-1)
        out[f'{dst}.{name}'] = value
    if unknown:
        raise CheckpointError(f'StyleGAN2 weights ({layout} layout): {len(unknown)} keys this converter does '
                              f'not know, e.g. {", ".join(unknown[:3])}')
    return out


def select_generator(obj, prefix: str | None, source) -> tuple[dict, str | None]:
    """The bare generator state dict inside a loaded checkpoint, and the prefix used.

    ``prefix`` picks a nested dict (``obj[prefix]``, rosinality's ``g_ema``) or the keys ``<prefix>.*`` of
    the state dict (``obj['state_dict']`` or ``obj``; MMagic's ``generator_ema``). ``None`` tries
    ``generator_ema`` and ``g_ema``, then the whole state dict."""
    if not isinstance(obj, dict):
        raise CheckpointError(f'{source} is not a checkpoint: it holds a {type(obj).__name__}, not a dict')
    candidates = [prefix] if prefix else ['generator_ema', 'g_ema', '']
    sd_all = obj.get('state_dict', obj)
    for p in candidates:
        if p and isinstance(obj.get(p), dict):
            sd = obj[p]
        elif p:
            sd = {k[len(p) + 1:]: v for k, v in sd_all.items()
                  if isinstance(k, str) and k.startswith(p + '.')}
        else:
            sd = sd_all
        sd = {k: v for k, v in sd.items() if isinstance(v, torch.Tensor)} if isinstance(sd, dict) else {}
        if sd:
            return sd, p or None
    tops = ', '.join(map(str, list(obj)[:6]))
    if prefix:
        raise CheckpointError(f'{source} holds no weights under the prefix {prefix!r} (its top-level keys: '
                              f'{tops}); MMagic checkpoints use generator_ema, rosinality\'s g_ema')
    raise CheckpointError(f'{source} holds no tensors (top-level keys: {tops})')


def check_ckpt_path(ckpt_path, key: str = 'pretrained.ckpt_path') -> Path:
    """The StyleGAN2 checkpoint's path (absolute), or one CheckpointError saying how to obtain the file."""
    if ckpt_path is None or str(ckpt_path) == '':
        raise CheckpointError(f'GLEAN: {key} is not set. {HOW_TO_GET}')
    p = Path(os.path.expanduser(str(ckpt_path))).absolute()
    if not p.is_file():
        what = 'is not a file' if p.exists() else 'does not exist'
        raise CheckpointError(f'GLEAN: the StyleGAN2 checkpoint ({key}) {what}: {p}. {HOW_TO_GET}')
    return p


def load_stylegan2(generator, ckpt_path, prefix: str | None = None, layout: str = 'auto',
                   key: str = 'pretrained.ckpt_path') -> dict:
    """Load a StyleGAN2 checkpoint file into ``generator`` (a ``StyleGAN2Generator``), strictly.

    A missing file, an unreadable one, a checkpoint without a generator, or weights of another size are
    each one CheckpointError naming the file (and, for a missing file, how to obtain one). Returns a summary
    (file, layout, prefix)."""
    from srbench.engine.checkpoint import load_checkpoint_file
    p = check_ckpt_path(ckpt_path, key)
    obj = load_checkpoint_file(p)
    sd, used_prefix = select_generator(obj, prefix, p)
    try:
        found = detect_layout(sd)
        if layout not in ('auto', found):
            raise CheckpointError(f'the weights are in the {found} layout, but layout={layout!r} was given')
        sd = to_srbench(sd, found, generator.blur_kernel)
    except CheckpointError as e:
        raise CheckpointError(f'{p}: {e}') from None
    own = generator.state_dict()
    missing = [k for k in own if k not in sd]
    unexpected = [k for k in sd if k not in own]
    shapes = [(k, tuple(sd[k].shape), tuple(v.shape)) for k, v in own.items()
              if k in sd and tuple(sd[k].shape) != tuple(v.shape)]
    if missing or unexpected or shapes:
        g = generator
        built = (f'out_size={g.out_size}, style_dim={g.style_dim}, '
                 f'channel_multiplier={g.channel_multiplier}, max_channels={g.max_channels}')
        parts = []
        if missing:
            parts.append(f'{len(missing)} missing (e.g. {missing[0]})')
        if unexpected:
            parts.append(f'{len(unexpected)} unexpected (e.g. {unexpected[0]})')
        if shapes:
            k, a, b = shapes[0]
            parts.append(f'{len(shapes)} of another shape (e.g. {k}: {a} in the file, {b} here)')
        raise CheckpointError(f'{p}: the StyleGAN2 weights do not fit the generator this config builds '
                              f'({built}): ' + '; '.join(parts))
    generator.load_state_dict(sd, strict=True)
    return dict(file=str(p), layout=found, prefix=used_prefix)


def convert_file(src, dst, prefix: str | None = None, layout: str = 'auto') -> dict:
    """Read a StyleGAN2 checkpoint and write its generator in the ``srbench`` layout to ``dst``."""
    from srbench.engine.checkpoint import atomic_torch_save, load_checkpoint_file
    src = Path(os.path.expanduser(str(src)))
    if not src.is_file():
        raise CheckpointError(f'StyleGAN2 checkpoint does not exist: {src}. {HOW_TO_GET}')
    sd, used = select_generator(load_checkpoint_file(src), prefix, src)
    try:
        found = detect_layout(sd) if layout == 'auto' else layout
        out = to_srbench(sd, found)
    except CheckpointError as e:
        raise CheckpointError(f'{src}: {e}') from None
    out = {k: v.detach().clone().contiguous() for k, v in out.items()}
    meta = dict(source=src.name, layout=found, prefix=used or '',
                style_dim=int(out['conv4.affine.weight'].shape[1]),
                num_noises=sum(1 for k in out if k.startswith('noise_')))
    atomic_torch_save(dict(state_dict=out, meta=meta), os.path.expanduser(str(dst)))
    return meta


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(prog='python -m srbench_plugins.glean.convert',
                                 description='Convert a StyleGAN2 generator checkpoint (MMagic or rosinality '
                                             'layout) to the srbench GLEAN layout.')
    ap.add_argument('src', help='StyleGAN2 checkpoint (.pth / .pt)')
    ap.add_argument('dst', help='output file (srbench layout, loadable with weights_only=True)')
    ap.add_argument('--prefix', default=None,
                    help='where the generator is in the file (default: generator_ema, then g_ema, then the '
                         'whole state dict)')
    ap.add_argument('--layout', default='auto', choices=('auto',) + LAYOUTS)
    args = ap.parse_args(argv)
    from srbench.apis.cli import run_cli
    meta = run_cli(convert_file, args.src, args.dst, args.prefix, args.layout)
    print(f'wrote {args.dst}: {meta["layout"]} layout (prefix {meta["prefix"] or "none"}), style_dim '
          f'{meta["style_dim"]}, {meta["num_noises"]} noise maps')


if __name__ == '__main__':
    main()
