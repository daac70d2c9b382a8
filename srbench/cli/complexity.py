"""Model complexity: ``srbench complexity CONFIG [--scale S] [--input-size H W] [--device cuda]
[--no-runtime]`` prints the parameters, the MACs / FLOPs for the input size (default: the input of a
1280x720 output) and the runtime per image (median after warm-up) on the named device."""
from __future__ import annotations

HELP = 'parameters, MACs/FLOPs and runtime per image of a config\'s network'


def add_arguments(p) -> None:
    p.add_argument('config', help='config file, or the name of a config a plugin ships')
    p.add_argument('--ckpt', '--checkpoint', dest='ckpt', help='weights (optional: counts and time do not '
                                                                'depend on them)')
    p.add_argument('--scale', type=int, help='upscaling factor (needed for networks that serve several)')
    p.add_argument('--input-size', type=int, nargs=2, metavar=('H', 'W'),
                   help='height and width of the network\'s input (default: for a 1280x720 output)')
    p.add_argument('--device', default='cpu', help='cpu, cuda, ... (default: cpu)')
    p.add_argument('--no-runtime', action='store_true', help='count only, do not time')
    p.add_argument('--repeats', type=int, default=5, help='timed runs (the median is reported; default 5)')
    p.add_argument('--json', action='store_true', help='machine-readable output')
    p.add_argument('--cfg-options', nargs='+', metavar='KEY=VALUE', help='override config keys')


def run(a) -> int:
    import json

    from ..apis.cli import parse_cfg_options
    from ..apis.complexity import complexity_report, format_report
    r = complexity_report(a.config, a.ckpt, scale=a.scale, input_size=a.input_size, device=a.device,
                          runtime=not a.no_runtime, repeats=a.repeats,
                          cfg_options=parse_cfg_options(a.cfg_options))
    print(json.dumps(r, indent=1) if a.json else format_report(r))
    return 0
