"""Exceptions that srbench reports to the user as one clear line.

Every error a user can cause (bad config, missing file, wrong input) is raised as a subclass of
:class:`SRBenchError` with a message that names the file or key and says what was expected. The
command-line tools print ``srbench: error: <message>`` and exit with status 2 instead of a traceback.

The constructors take a single message argument on purpose: MMEngine's ``build_from_cfg`` re-raises
exceptions as ``type(e)(f'class `X` in ...: {e}')``, which keeps our type (and our message) intact.
"""


class SRBenchError(Exception):
    """Base class of every user-facing srbench error."""


class ConfigError(SRBenchError, ValueError):
    """A config is missing, malformed, or names something that does not exist."""


class DataError(SRBenchError, ValueError):
    """Input data (a folder, an image, an h5/lmdb file) is missing or not what was expected."""


class CheckpointError(SRBenchError, ValueError):
    """A checkpoint is missing or is not a checkpoint."""


class PluginError(SRBenchError, RuntimeError):
    """A plugin could not be loaded, or plugins conflict."""


class ModelInputError(SRBenchError, ValueError):
    """A model got an input it does not support (scale, input kind, channels)."""


def one_line(exc: BaseException) -> str:
    """The message of ``exc`` on one line (MMEngine prefixes build errors with the class location)."""
    msg = str(exc).strip() or type(exc).__name__
    if 'Original Traceback' in msg:      # re-raised from a DataLoader worker: keep the worker's message
        last = [ln for ln in msg.splitlines() if ln.strip()][-1]
        msg = last.split(': ', 1)[1] if last.split(': ', 1)[0].endswith(('Error', 'Exception')) else last
    return ' '.join(msg.split())


def describe_exception(exc: BaseException) -> str:
    """``'TypeError: <first line of the message>'``, or only the type's name when the message is empty
    (``raise IndexError()``): an error message about an error that cannot itself fail."""
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    return f'{type(exc).__name__}: {lines[0]}' if lines else type(exc).__name__
