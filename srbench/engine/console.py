"""What srbench's runs print on the console, and what goes only to the log file.

MMEngine's Runner logs, at INFO, its system/runtime environment, the whole config, the hook table and a
few set-up notes: hundreds of lines before the first useful one. srbench keeps all of it in the log file
(``<work_dir>/<timestamp>/<timestamp>.log``) and drops it from the console unless verbose output was asked
for (``-v``/``--verbose`` on the command line, or ``SRBENCH_VERBOSE=1``). MMEngine's deprecation warnings
about its own internals are filtered the same way.

Training prints one line per logging interval (:class:`SRLogProcessor`: iteration, learning rate, ETA,
it/s, loss); a progress bar is added where stderr is a terminal (:class:`srbench.engine.hooks.ProgressHook`).
"""
from __future__ import annotations

import contextlib
import logging
import os
import warnings

from mmengine.runner import LogProcessor

from ..registry import LOG_PROCESSORS

VERBOSE_ENV = 'SRBENCH_VERBOSE'

# Messages of MMEngine's Runner that are set-up detail: kept in the log file, off the console.
QUIET_PREFIXES = (
    '\n' + '-' * 60 + '\nSystem environment:',    # Runner._log_env
    'Config:\n',                                 # the full config
    'Hooks will be executed in the following order',
    'Distributed training is not used',
    'Checkpoints will be saved to',
    'paramwise_options -- ',                     # DefaultOptimWrapperConstructor, one line per tensor
    'Exp name: ',                                # LoggerHook, every 1000 iterations
    'The prefix is not set in metric class',
    '"FileClient" will be deprecated',
    '"HardDiskBackend" is the alias',
)


def verbose() -> bool:
    """Whether the console gets everything MMEngine logs (``SRBENCH_VERBOSE`` set to 1/true/yes/on)."""
    return os.environ.get(VERBOSE_ENV, '').strip().lower() in ('1', 'true', 'yes', 'on')


def set_verbose(on: bool) -> None:
    """Turn verbose console output on or off for this process and the processes it starts (what
    ``-v``/``--verbose`` calls)."""
    if on:
        os.environ[VERBOSE_ENV] = '1'
    else:
        os.environ.pop(VERBOSE_ENV, None)


_own_test_lines = [0]    # > 0 while srbench's MultiTestLoop runs: it prints its own line per data set


@contextlib.contextmanager
def own_test_lines():
    """While active, MMEngine's ``Iter(test) ...`` lines stay off the console (:class:`MultiTestLoop` prints
    one line per data set instead; MMEngine's line sums up all sets so far under one iteration count)."""
    _own_test_lines[0] += 1
    try:
        yield
    finally:
        _own_test_lines[0] -= 1


class ConsoleFilter(logging.Filter):
    """Drops MMEngine's set-up dumps (:data:`QUIET_PREFIXES`) from a console handler unless verbose."""

    def filter(self, record: logging.LogRecord) -> bool:
        if verbose():
            return True
        try:
            msg = record.getMessage()
        except Exception:  # noqa: BLE001 -- a malformed record is not ours to judge
            return True
        if _own_test_lines[0] and msg.startswith('Iter(test)'):
            return False
        return not msg.startswith(QUIET_PREFIXES)


def quiet_console(logger: logging.Logger) -> logging.Logger:
    """Add :class:`ConsoleFilter` to ``logger``'s console handlers (not its file handlers); idempotent."""
    for h in logger.handlers:
        if isinstance(h, logging.StreamHandler) and not isinstance(h, logging.FileHandler):
            if not any(isinstance(f, ConsoleFilter) for f in h.filters):
                h.addFilter(ConsoleFilter())
    return logger


def filter_mmengine_warnings() -> None:
    """Hide deprecation warnings raised inside MMEngine about MMEngine's (or torch's) internals: a user of
    srbench can do nothing about them. Verbose output keeps them."""
    if verbose():
        return
    for cat in (DeprecationWarning, PendingDeprecationWarning, FutureWarning):
        warnings.filterwarnings('ignore', category=cat, module=r'mmengine(\.|$)')
    # torch.distributed.optim imported by mmengine's ZeroRedundancyOptimizer wrapper (torch 2.13)
    warnings.filterwarnings('ignore', message=r'.*torch\.jit\.\w+ is deprecated', category=DeprecationWarning)


@LOG_PROCESSORS.register_module()
class SRLogProcessor(LogProcessor):
    """MMEngine's LogProcessor with the training speed in iterations per second next to the ETA
    (``Iter(train) [ 250/3000]  lr: 2.0000e-03  eta: 0:00:41  66.7 it/s  time: 0.0150 ...  loss: 0.0012``)."""

    def get_log_after_iter(self, runner, batch_idx: int, mode: str):
        tag, log_str = super().get_log_after_iter(runner, batch_idx, mode)
        t = tag.get('time')
        if mode == 'train' and isinstance(t, (int, float)) and t > 0:
            speed = f'{1.0 / t:.1f} it/s  '
            i = log_str.find('time: ')
            log_str = log_str[:i] + speed + log_str[i:] if i >= 0 else log_str + '  ' + speed
        return tag, log_str
