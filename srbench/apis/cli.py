"""Shared command-line plumbing: clean one-line errors instead of tracebacks."""
from __future__ import annotations

import sys

from ..errors import SRBenchError, one_line


def parse_cfg_options(items):
    """``k=v`` pairs → dict, with MMEngine's DictAction value parsing (ints, floats, lists, tuples)."""
    if not items:
        return None
    from mmengine.config import DictAction
    out = {}
    for kv in items:
        if '=' not in kv:
            raise SRBenchError(f'--cfg-options expects key=value, got {kv!r}')
        k, v = kv.split('=', 1)
        out[k] = DictAction._parse_iterable(v)
    return out


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
