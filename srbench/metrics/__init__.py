"""Full-reference metrics under the papers' protocol (METRICS registry) and plain functions."""
from .base import SRMetric, mean_finite  # noqa: F401
from .psnr import PSNR, psnr  # noqa: F401
