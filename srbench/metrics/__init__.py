"""Full-reference metrics under the papers' protocol (METRICS registry) and plain functions.

``PSNR``, ``SSIM``, ``IFC`` (srbench's own, MATLAB-exact) and ``PyIQA`` (any metric of the optional
``pyiqa`` package, imported only when a ``PyIQA`` metric is built). Each metric class says how many
decimals tables print (``decimals``; :func:`metric_decimals` looks them up by result key).
"""
from .base import (DEFAULT_DECIMALS, PROTOCOLS, SRMetric, decimals_table, mean_finite,  # noqa: F401
                   metric_decimals, prepare_pair)
from .ifc import IFC, ifc  # noqa: F401
from .psnr import PSNR, psnr  # noqa: F401
from .pyiqa_bridge import PyIQA  # noqa: F401
from .ssim import SSIM, ssim  # noqa: F401
