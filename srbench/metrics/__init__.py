"""Full-reference metrics under the papers' protocol (METRICS registry) and plain functions.

``PSNR``, ``SSIM``, ``IFC`` (srbench's own, MATLAB-exact) and ``PyIQA`` (any metric of the optional
``pyiqa`` package, imported only when a ``PyIQA`` metric is built).
"""
from .base import PROTOCOLS, SRMetric, mean_finite, prepare_pair  # noqa: F401
from .ifc import IFC, ifc  # noqa: F401
from .psnr import PSNR, psnr  # noqa: F401
from .pyiqa_bridge import PyIQA  # noqa: F401
from .ssim import SSIM, ssim  # noqa: F401
