"""What every SR network shares: the MMEngine model wrapper, losses and common blocks."""
from .blocks import HRGridConvTranspose2d, bilinear_kernel, count_weights, msra_init  # noqa: F401
from .losses import CharbonnierLoss, EuclideanLoss  # noqa: F401
from .sr_model import SRModel  # noqa: F401
