"""Shared command-line plumbing: clean one-line errors instead of tracebacks."""
from __future__ import annotations

import sys

from ..errors import ConfigError, SRBenchError, one_line


def parse_cfg_options(items):
    """``k=v`` pairs (``--cfg-options``) -> dict, parsed by MMEngine's ``DictAction`` (the argparse action
    MMEngine's own tools use): ints, floats, ``true``/``false``, ``None``, lists ``a,b`` / ``[a,b]``, tuples
    ``(a,b)``, nesting, surrounding quotes removed."""
    if not items:
        return None
    from argparse import Namespace

    from mmengine.config import DictAction
    for kv in items:
        if '=' not in kv:
            raise ConfigError(f'--cfg-options expects key=value, got {kv!r}')
    ns = Namespace()
    try:
        DictAction(option_strings=['--cfg-options'], dest='cfg_options')(None, ns, list(items))
    except AssertionError as e:     # DictAction asserts balanced brackets
        raise ConfigError(f'--cfg-options: {e}') from None
    return ns.cfg_options


def run_cli(fn, *args, **kwargs):
    """Call ``fn``; an SRBenchError (also when MMEngine wrapped it while building a component)
    becomes ``srbench: error: <message>`` on stderr and exit status 2."""
    try:
        return fn(*args, **kwargs)
    except SRBenchError as e:
        print(f'srbench: error: {one_line(e)}', file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print('srbench: interrupted', file=sys.stderr)
        sys.exit(130)
