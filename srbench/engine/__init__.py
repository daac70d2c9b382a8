"""MMEngine glue: weights-only/atomic checkpoints, CPU distributed set-up, CPU AMP, train and test loops.

Importing it changes nothing in MMEngine; :func:`srbench.engine.patches.install` applies srbench's fixes to
MMEngine (the runner set-up calls it)."""
from . import patches  # noqa: F401
from .checkpoint import find_latest_checkpoint, load_checkpoint_file, load_weights, sha256_file  # noqa: F401
from .dist import setup_distributed  # noqa: F401
from .console import SRLogProcessor  # noqa: F401
from .hooks import ProgressHook, TrainTimeLimitHook  # noqa: F401
from .loops import MultiTestLoop  # noqa: F401
from .model_data import TestLoop, ValLoop  # noqa: F401
from .optim import CPUAmpOptimWrapper  # noqa: F401
from .runner import SRRunner  # noqa: F401
from .train_loop import IterBasedTrainLoop  # noqa: F401
