"""PSNR (METRICS registry)."""
import numpy as np

from ..registry import METRICS
from .base import SRMetric


def psnr(sr: np.ndarray, hr: np.ndarray, peak: float = 255.0) -> float:
    """PSNR in dB of two arrays on the same scale (all channels together); ``inf`` when identical."""
    sr, hr = np.asarray(sr, np.float64), np.asarray(hr, np.float64)
    if sr.shape != hr.shape:
        raise ValueError(f'PSNR of arrays of different shapes {sr.shape} and {hr.shape}')
    d = np.subtract(sr, hr).ravel()
    mse = float(np.dot(d, d)) / d.size if d.size else float('nan')   # one pass less than mean((sr - hr)**2)
    return float('inf') if mse == 0 else float(10.0 * np.log10(peak * peak / mse))


@METRICS.register_module()
class PSNR(SRMetric):
    """Peak signal-to-noise ratio, ``10 log10(255^2 / MSE)`` on uint8-quantised images (see
    :class:`srbench.metrics.base.SRMetric` for crop_border / channel / protocol).
    With ``channel='rgb'`` the MSE is taken over all channels."""
    metric_name = 'PSNR'
    decimals = 2
    metric_info = dict(formula='10 log10(255^2 / MSE), MSE over all pixels (and channels) of the cropped '
                               'image')

    def score(self, sr, hr):
        return psnr(sr, hr)
