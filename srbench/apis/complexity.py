"""complexity_report(): what ``srbench complexity CONFIG`` calls -- parameters, MACs / FLOPs for a stated
input size and runtime per image of a config's network (conventions: :mod:`srbench.inference.complexity`)."""
from __future__ import annotations

from ..errors import ConfigError

DEFAULT_HR = (720, 1280)
"""The default size: the network's input for a 720p HR output (as CARN / NTIRE report Mult-Adds)."""


def complexity_report(config, ckpt=None, scale=None, input_size=None, device='cpu', runtime: bool = True,
                      warmup: int = 2, repeats: int = 5, cfg_options=None) -> dict:
    """Complexity of the network of ``config`` at ``scale`` (default: the model's own; required for
    multi-scale networks). ``input_size``: (H, W) of the tensor the network takes; default: the input for a
    1280x720 HR output (the LR for networks that take the LR, 1280x720 for those that take the bicubic
    image). Weights do not change the counts or the time: ``ckpt`` is optional. Returns
    :func:`srbench.inference.complexity.complexity`'s dict with ``model``, ``scale`` added."""
    from ..inference.complexity import complexity
    from ..registry import MODELS
    from .common import load_config, model_info_of
    cfg = load_config(config, cfg_options)
    gname, info, _ = model_info_of(cfg)
    model = MODELS.build(cfg.model)
    if ckpt is not None:
        from ..engine import load_weights
        load_weights(model, ckpt, strict=True)
    scale = int(scale) if scale is not None else model.fixed_scale
    if scale is None:
        raise ConfigError(f'{gname} serves several scales: give --scale (one of '
                          + ', '.join(str(s) for s in info.scales) + ')')
    scale = model._resolve_scale(None, scale)
    if input_size is None:
        h, w = DEFAULT_HR
        input_size = (h // scale, w // scale) if info.input == 'lr' else (h, w)
    h, w = (int(v) for v in input_size)
    req = model.size_requirements()
    if not req.check(h, w):
        raise ConfigError(f'{gname} takes inputs of {req.describe()}; --input-size {h} {w} is not one')
    c = 1 if info.channels == 'y' else 3
    out = complexity(model, (c, h, w), scale=scale, device=device, runtime=runtime, warmup=warmup,
                     repeats=repeats)
    return dict(out, model=gname, scale=scale)


def format_report(r: dict) -> str:
    """The report as a few lines of text."""
    c, h, w = r['input']
    lines = [f'{r["model"]} x{r["scale"]}, input {c}x{h}x{w} (channels x height x width)',
             f'  parameters: {r["params"]:,} ({r["weights"]:,} in weights, biases and other 1-D parameters '
             'excluded)',
             f'  MACs: {r["macs"]:,} ({r["macs"] / 1e9:.3f} G); FLOPs = 2 x MACs = {r["flops"]:,} '
             f'(counted by {r["counter"]}: convolutions and matrix products)']
    if 'runtime' in r:
        rt = r['runtime']
        lines.append(f'  runtime: {rt["seconds"] * 1000:.2f} ms per image (median of {rt["repeats"]} after '
                     f'{rt["warmup"]} warm-up runs) on {rt["device"]}')
    return '\n'.join(lines)
