"""What every SR network shares: the MMEngine model wrapper, losses and common blocks."""
from .losses import CharbonnierLoss  # noqa: F401
from .sr_model import SRModel  # noqa: F401
