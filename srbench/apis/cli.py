"""Shared command-line plumbing: clean one-line errors instead of tracebacks."""
from __future__ import annotations

import re
import sys

from ..errors import ConfigError, SRBenchError, one_line


# MMEngine's build_from_cfg re-raises as "class `X` in <file>: __init__() got an unexpected keyword argument 'k'"
_BUILD_ARG = re.compile(r"(?:class `\w+` in \S+: )?(\w+)\.__init__\(\) (got an unexpected keyword argument '\w+'|"
                        r"missing \d+ required (?:positional|keyword-only) arguments?: .*)")


_CALL = re.compile(r'^[A-Za-z_][\w.]*\(.*\)$', re.S)


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
    except RecursionError:          # DictAction on deeply nested brackets
        raise ConfigError('--cfg-options: a value nests brackets too deeply to parse') from None
    for key, value in ns.cfg_options.items():
        bad = _python_expression(value)
        if bad is not None:
            raise ConfigError(f'--cfg-options {key}={bad}: values are numbers, strings, booleans, None or '
                              'lists/tuples of them, not Python expressions such as dict(...) (it would be '
                              f'kept as the string {bad!r}); set nested keys one at a time '
                              '(test_evaluator.0.type=PSNR) or write a config that inherits this one')
    return ns.cfg_options


def _python_expression(value):
    """The first string in a parsed option value that looks like a call (``dict(type=PSNR)``), else None."""
    if isinstance(value, (list, tuple)):
        return next((b for b in map(_python_expression, value) if b is not None), None)
    if isinstance(value, str) and _CALL.match(value.strip()):
        return value
    return None


def run_cli(fn, *args, **kwargs):
    """Call ``fn``; an SRBenchError (also when MMEngine wrapped it while building a component)
    becomes ``srbench: error: <message>`` on stderr and exit status 2."""
    try:
        return fn(*args, **kwargs)
    except SRBenchError as e:
        print(f'srbench: error: {one_line(e)}', file=sys.stderr)
        sys.exit(2)
    except OSError as e:            # a file system refusal that no check caught: one line naming the path
        where = ' -> '.join(str(f) for f in (e.filename, getattr(e, 'filename2', None)) if f)
        print(f'srbench: error: {where or "file system"}: {e.strerror or type(e).__name__}', file=sys.stderr)
        sys.exit(2)
    except TypeError as e:          # MMEngine building a component from a config key it does not take
        m = _BUILD_ARG.search(str(e))
        if m is None:
            raise
        print(f'srbench: error: the config gives {m.group(1)} an argument it does not take: '
              f'{m.group(2)} (check that key in the config and --cfg-options)', file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print('srbench: interrupted', file=sys.stderr)
        sys.exit(130)
