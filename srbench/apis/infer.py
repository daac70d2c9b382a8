"""infer(): what ``srbench infer`` calls -- super-resolve the user's own images with any model and write PNGs.

As the papers' demos do: a Y network (SRCNN, VDSR, ...) super-resolves the Y of MATLAB ``rgb2ycbcr`` (on
uint8), the chroma (Cb, Cr) is upscaled with MATLAB bicubic ``imresize``, and the result goes back to RGB with
MATLAB ``ycbcr2rgb``; a gray image is its own Y and stays gray. An RGB network takes the image as it is (a
gray image repeated to three channels; its output is RGB). Networks that take the bicubic image get the
LR upscaled with MATLAB ``imresize`` on uint8, as in the test protocol. An RGBA image keeps its alpha,
upscaled with MATLAB bicubic; 16-bit images are refused (:mod:`srbench.inference.images`).

Each image is read, super-resolved and written (atomically, ``<out_dir>/<stem>.png``) on its own: an image
that cannot be read or processed is one ``srbench: error: ...`` line naming it, and the others are still
written. The result says which were written and which failed (``srbench infer`` exits with status 1 when any
failed).
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from ..errors import ConfigError, SRBenchError, one_line
from ..inference.images import UserImage, expand_inputs, read_image, write_png


def build_model(config, ckpt=None, device='cpu', cfg_options=None):
    """(model in eval mode on ``device``, generator name): the config's model with the weights of ``ckpt``
    (required unless the network has no weights)."""
    from ..engine import load_checkpoint_file, load_weights
    from ..registry import MODELS
    from .common import load_config, model_info_of
    cfg = load_config(config, cfg_options)
    gname, info, _ = model_info_of(cfg)
    if ckpt is None and info.trainable:
        raise ConfigError(f'--ckpt is required: {gname} has weights (only weight-free models such as Bicubic '
                          'run without one)')
    if ckpt is not None:
        load_checkpoint_file(ckpt)
    model = MODELS.build(cfg.model)
    if ckpt is not None:
        load_weights(model, ckpt, strict=True)
    return model.to(device).eval(), gname


def super_resolve(model, image: UserImage, scale: int, amp: bool = False):
    """(pixels, alpha) of the SR image of ``image`` (uint8; gray, RGB; alpha or None)."""
    import torch

    from ..transforms.color import rgb2ycbcr, to_channels, ycbcr2rgb
    from ..transforms.degrade import upsample
    from ..transforms.imresize import imresize_np
    from ..utils.uint8 import im2uint8
    info = model.info
    pix = image.pixels
    h, w = pix.shape[:2]
    out_hw = (h * scale, w * scale)
    cbcr = None
    if info.channels == 'y':
        if pix.ndim == 2:
            net_in = pix[:, :, None]
        else:
            ycc = rgb2ycbcr(pix)
            net_in, cbcr = ycc[:, :, :1], ycc[:, :, 1:]
    else:
        net_in = to_channels(pix, 'rgb')
    if info.input == 'bicubic':
        net_in = upsample(net_in, scale, out_hw)
        net_in = net_in if net_in.ndim == 3 else net_in[:, :, None]
    device = next(iter(model.parameters()), torch.zeros(0)).device
    x = torch.from_numpy(np.ascontiguousarray(net_in.transpose(2, 0, 1))).float().div_(255.0)[None].to(device)
    with torch.no_grad(), torch.autocast(device.type, enabled=bool(amp)):
        pred = model(x, dict(metainfo=[dict(scale=scale)]), mode='predict')[0]['pred']
    out = im2uint8(pred.float().cpu().numpy()).transpose(1, 2, 0)
    if out.shape[:2] != out_hw:
        raise SRBenchError(f'{model.generator_name} produced {out.shape[1]}x{out.shape[0]} for x{scale} of '
                           f'{w}x{h}; expected {out_hw[1]}x{out_hw[0]}')
    if info.channels == 'y':
        y = out[:, :, 0]
        result = y if cbcr is None else ycbcr2rgb(np.dstack([y, imresize_np(cbcr, output_shape=out_hw)]))
    else:
        result = np.ascontiguousarray(out)
    alpha = None if image.alpha is None else imresize_np(image.alpha, output_shape=out_hw)
    return result, alpha


def infer(config, ckpt=None, inputs=(), out_dir='sr_out', scale=None, tile=None, tile_overlap=None,
          self_ensemble=False, device='cpu', amp=False, cfg_options=None, log=print) -> dict:
    """Super-resolve ``inputs`` (image files and folders) with the model of ``config`` / ``ckpt`` and write
    ``<out_dir>/<stem>.png`` for each. ``scale``: required for a network that serves several scales
    (default: the one a single-scale model was built for). ``tile`` / ``tile_overlap`` / ``self_ensemble``:
    :mod:`srbench.inference`. Returns ``{'written': [paths], 'errors': [messages], 'ok': bool}``; errors of
    single images are printed as ``srbench: error: ...`` lines on stderr as they happen; a bad config,
    checkpoint or option is raised (one error, nothing written)."""
    files = expand_inputs(inputs)
    model, gname = build_model(config, ckpt, device, cfg_options)
    if scale is None:
        scale = model.fixed_scale
    if scale is None:
        raise ConfigError(f'{gname} serves several scales: give --scale (one of '
                          + ', '.join(str(s) for s in model.info.scales) + ')')
    scale = model._resolve_scale(None, int(scale))
    model.test_cfg = dict(tile=tile, tile_overlap=tile_overlap, self_ensemble=bool(self_ensemble))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written, errors, taken = [], [], {}
    for i, f in enumerate(files, 1):
        target = out / f'{f.stem}.png'
        try:
            if target.name in taken:
                raise SRBenchError(f'{f}: its output {target} is also the output of {taken[target.name]}; '
                                   'rename one of them')
            image = read_image(f)
            pixels, alpha = super_resolve(model, image, scale, amp)
            write_png(target, pixels, alpha)
        except (SRBenchError, RuntimeError, ValueError) as e:
            msg = one_line(e)
            msg = msg if str(f) in msg else f'{f}: {msg}'
            errors.append(msg)
            print(f'srbench: error: {msg}', file=sys.stderr, flush=True)
            continue
        taken[target.name] = f
        written.append(str(target))
        if log:
            ih, iw = image.pixels.shape[:2]
            log(f'[{i}/{len(files)}] {f.name} ({image.kind}, {iw}x{ih}) -> {target} '
                f'({pixels.shape[1]}x{pixels.shape[0]})')
    return dict(written=written, errors=errors, ok=not errors, model=gname, scale=scale,
                test_cfg=model.test_cfg.as_dict())
