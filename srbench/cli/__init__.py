"""The ``srbench`` command (also ``python -m srbench``): one entry point, one module per subcommand.

Map (``srbench <command>`` -> module of this package -> what it calls):

====================  ======================  ==========================================================
command               module                  function it calls
====================  ======================  ==========================================================
``train``             ``cli/train.py``        :func:`srbench.apis.train`
``test``              ``cli/test.py``         :func:`srbench.apis.test`
``leaderboard``       ``cli/leaderboard.py``  :func:`srbench.apis.leaderboard.leaderboard`
``data-aug``          ``cli/data_aug.py``     :func:`srbench.apis.data_aug.data_aug`
``create-lmdb``       ``cli/create_lmdb.py``  :func:`srbench.data.stores.lmdb.make_lmdb_from_folder`
``configs``           ``cli/configs.py``      :func:`srbench.config_files.list_configs`
``plugins``           ``cli/plugins.py``      :func:`srbench.discovery.records`
``demo``              ``cli/demo.py``         :func:`srbench.apis.demo.run_demo`
``new-plugin``        ``cli/new_plugin.py``   :func:`srbench.plugin_template.new_plugin`
====================  ======================  ==========================================================

A subcommand is one module here with ``HELP`` (one line for ``srbench --help``), ``add_arguments(parser)``
and ``run(args) -> int | None``, and one line in :data:`COMMANDS`. Modules import only argparse-level things
at the top (``srbench --help`` stays fast); the work is imported inside ``run``. Every error goes through
one handler (:func:`srbench.apis.cli.run_cli`): an :class:`~srbench.errors.SRBenchError` is printed as one
``srbench: error: <message>`` line with exit status 2, Ctrl-C exits with 130. ``tools/*.py`` are thin
wrappers: :func:`run_command` gives them the same parser and handler.
"""
from __future__ import annotations

import argparse
import difflib
import importlib
import sys

COMMANDS: tuple[tuple[str, str], ...] = (
    ('train', 'train'),
    ('test', 'test'),
    ('leaderboard', 'leaderboard'),
    ('data-aug', 'data_aug'),
    ('create-lmdb', 'create_lmdb'),
    ('configs', 'configs'),
    ('plugins', 'plugins'),
    ('demo', 'demo'),
    ('new-plugin', 'new_plugin'),
    ('infer', 'infer'),
    ('complexity', 'complexity'),
    ('compare', 'compare'),
    ('data', 'data'),
    ('convert', 'convert'),
)
"""(command name, module name in :mod:`srbench.cli`), in the order ``srbench --help`` lists them."""


def command_module(name: str):
    """The module of subcommand ``name`` (``'data-aug'`` -> :mod:`srbench.cli.data_aug`)."""
    mod = dict(COMMANDS)[name]
    return importlib.import_module(f'{__name__}.{mod}')


def versions() -> str:
    """``srbench 0.1.0 (torch 2.14.1, mmengine 0.10.7, Python 3.11.7)``, read from the installed metadata
    (no torch import)."""
    import importlib.metadata as ilm
    import platform

    from .. import __version__

    def v(dist):
        try:
            return ilm.version(dist)
        except ilm.PackageNotFoundError:
            return 'not installed'
    return (f'srbench {__version__} (torch {v("torch")}, mmengine {v("mmengine")}, '
            f'Python {platform.python_version()})')


def _formatter(prog):
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=32)


def build_parser(prog: str = 'srbench') -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog=prog, formatter_class=_formatter,
        description='srbench: plugin-based benchmark harness for single-image super-resolution.',
        epilog=f'Run "{prog} COMMAND --help" for the options of a command.')
    ap.add_argument('--version', action='version', version=versions(),
                    help='print the versions of srbench, torch, mmengine and Python, and exit')
    ap.add_argument('-v', '--verbose', action='store_true',
                    help="MMEngine's environment, config and hook dumps on the console too (always in the "
                         'log file); same as SRBENCH_VERBOSE=1')
    sub = ap.add_subparsers(dest='command', metavar='COMMAND', title='commands')
    sub.required = True
    for name, _ in COMMANDS:
        mod = command_module(name)
        p = sub.add_parser(name, help=mod.HELP, description=getattr(mod, '__doc__', None) or mod.HELP,
                           formatter_class=_formatter)
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return ap


def _unknown_command(argv: list[str]) -> str | None:
    """The error line for a misspelt command (argparse only says "invalid choice"), with close matches."""
    names = [n for n, _ in COMMANDS]
    first = next((a for a in argv if not a.startswith('-')), None)
    if first is None or first in names or any(a in ('-h', '--help', '--version') for a in argv[:1]):
        return None
    close = difflib.get_close_matches(first, names, n=3, cutoff=0.5)
    hint = f'; did you mean {" or ".join(repr(c) for c in close)}?' if close else ''
    return f'unknown command {first!r}{hint} (commands: {", ".join(names)})'


def _dispatch(args):
    """Run a parsed command through the one error handler; its return value (an exit status, or a result
    such as data-aug's summary)."""
    from ..apis.cli import run_cli
    from ..apis.startup import defer_optional_optimizers
    defer_optional_optimizers()         # MMEngine's import of bitsandbytes / transformers: 5-10 s
    try:
        return run_cli(args._run, args)
    except BrokenPipeError:             # `srbench plugins | head`: the reader left; not an error
        import os
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _status(result) -> int:
    return result if isinstance(result, int) and not isinstance(result, bool) else 0


def main(argv: list[str] | None = None) -> int:
    """``srbench ...``: parse, run the subcommand, return its exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    bad = _unknown_command(argv)
    if bad:
        print(f'usage: srbench [-h] [--version] COMMAND ...\nsrbench: error: {bad}', file=sys.stderr)
        return 2
    args = build_parser().parse_args(argv)
    if args.verbose:
        from ..engine.console import set_verbose
        set_verbose(True)
    return _status(_dispatch(args))


def run_command(name: str, argv: list[str] | None = None, prog: str | None = None):
    """``srbench <name> argv...`` under another program name (``tools/<name>.py``): the same options and
    error handling; returns what the command's ``run`` returns (data-aug and create-lmdb: their summary)."""
    mod = command_module(name)
    p = argparse.ArgumentParser(prog=prog or f'tools/{dict(COMMANDS)[name]}.py', description=mod.__doc__,
                                formatter_class=_formatter)
    mod.add_arguments(p)
    p.set_defaults(_run=mod.run)
    return _dispatch(p.parse_args(sys.argv[1:] if argv is None else argv))

