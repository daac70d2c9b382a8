"""srbench: a plugin-based benchmark harness for single-image super-resolution.

Importing :mod:`srbench` is cheap (no torch). The heavy parts live in sub-packages:
``srbench.registry`` (MMEngine registries), ``srbench.spec`` (what a plugin declares: torch-free),
``srbench.discovery`` (entry-point discovery), ``srbench.lookup`` (plugin metadata by network name),
``srbench.transforms``, ``srbench.data``, ``srbench.models``, ``srbench.metrics``,
``srbench.engine`` (MMEngine glue) and ``srbench.apis`` (what the tools call).
"""
__version__ = '0.1.0'

from .errors import SRBenchError  # noqa: E402,F401
