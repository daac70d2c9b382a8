"""Convert an author's released weight file into an srbench checkpoint:
``srbench convert FILE [-o OUT.pth] [--weights NAME | --model NET [--plugin P] [--args k=v ...]]``,
``srbench convert --list [--json]`` lists the released weights the installed plugins declare.

The file is identified by its sha256 among the plugins' declarations (``Plugin.weights``), else by its file
name -- then a differing sha256 is a warning naming both hashes --, else ``--model`` says which network it
is. It is read (MATLAB v5/v7.3, MatConvNet, PyTorch state dicts of BasicSR / MMagic / the authors' code),
mapped by the plugin's converter, every tensor is checked against srbench's network (the first that does
not fit is named), and a weights-only-loadable checkpoint is written atomically, with the provenance in
``meta.converted`` (source file, sha256, converter, srbench version). Converting again gives the same bytes.
``srbench test CONFIG --ckpt FILE`` also takes the released file itself.
"""
from __future__ import annotations

HELP = "convert an author's released weights (.mat, MatConvNet, other toolboxes' .pth) to a checkpoint"


def add_arguments(p) -> None:
    p.add_argument('file', nargs='?', help='the released weight file')
    p.add_argument('-o', '--out', help='the srbench checkpoint to write (default: work_dirs/released/'
                                       '<weights name>.pth)')
    p.add_argument('--weights', help='the declared released weights the file is (default: found by its '
                                     'sha256, else by its file name)')
    p.add_argument('--model', help='the network of an undeclared file (converted with its plugin\'s '
                                   'converter)')
    p.add_argument('--plugin', help='the plugin of --model (default: the one declaring the network)')
    p.add_argument('--args', nargs='+', metavar='KEY=VALUE', help='network arguments over the declaration\'s '
                                                                  '(e.g. kernel_sizes="(9,5,5)")')
    p.add_argument('--list', action='store_true', help='list the released weights the plugins declare')
    p.add_argument('--json', action='store_true', help='with --list: machine-readable output')


def run(a) -> int:
    import json

    from ..errors import ConfigError
    if a.list:
        from ..weights.listing import format_weights, weights_rows
        print(json.dumps(weights_rows(), indent=1) if a.json else format_weights())
        return 0
    if not a.file:
        raise ConfigError('srbench convert: give the released FILE to convert (or --list)')
    from ..apis.convert import convert
    res = convert(a.file, out=a.out, weights=a.weights, model=a.model, plugin=a.plugin, args=_args(a.args))
    for w in res['warnings']:
        print(f'srbench: warning: {w}')
    check = {True: 'sha256 ok', False: 'sha256 DIFFERS from the declaration', None: 'undeclared'}
    print(f'{res["source"]} ({res["weights"]}, {check[res["sha256_ok"]]}) -> {res["out"]}')
    if res.get('config'):
        print(f'test it: srbench test {res["config"]} --ckpt {res["out"]}')
    return 0


def _args(items):
    if not items:
        return None
    from ..apis.cli import parse_cfg_options
    return parse_cfg_options(items)
