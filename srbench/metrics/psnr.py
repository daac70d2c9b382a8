"""PSNR (METRICS registry)."""
import numpy as np

from ..registry import METRICS
from .base import SRMetric


def psnr(sr: np.ndarray, hr: np.ndarray, peak: float = 255.0) -> float:
    """PSNR in dB of two arrays on the same scale; ``inf`` when they are identical."""
    mse = np.mean((np.asarray(sr, np.float64) - np.asarray(hr, np.float64)) ** 2)
    return float('inf') if mse == 0 else float(10.0 * np.log10(peak * peak / mse))


@METRICS.register_module()
class PSNR(SRMetric):
    """Peak signal-to-noise ratio, ``10 log10(255^2 / MSE)`` on uint8-quantised images (see
    :class:`srbench.metrics.base.SRMetric` for crop_border / channel / protocol)."""
    metric_name = 'PSNR'

    def score(self, sr, hr):
        return psnr(sr, hr)
