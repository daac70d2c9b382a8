"""MMEngine glue: weights-only/atomic checkpoints, CPU distributed set-up, CPU AMP, train and test loops."""
from . import checkpoint, history  # noqa: F401  (install the checkpoint loader/saver and fast HistoryBuffer)
from .checkpoint import find_latest_checkpoint, load_checkpoint_file, load_weights, sha256_file  # noqa: F401
from .dist import setup_distributed  # noqa: F401
from .hooks import TrainTimeLimitHook  # noqa: F401
from .loops import MultiTestLoop  # noqa: F401
from .model_data import TestLoop, ValLoop  # noqa: F401
from .optim import CPUAmpOptimWrapper  # noqa: F401
from .train_loop import IterBasedTrainLoop  # noqa: F401
