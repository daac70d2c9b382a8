"""srbench: a plugin-based benchmark harness for single-image super-resolution.

Importing :mod:`srbench` is cheap (no torch). The heavy parts live in sub-packages:
``srbench.registry`` (MMEngine registries), ``srbench.spec`` (what a plugin declares: torch-free),
``srbench.discovery`` (entry-point discovery), ``srbench.lookup`` (plugin metadata by network name),
``srbench.transforms``, ``srbench.data``, ``srbench.models``, ``srbench.metrics``,
``srbench.engine`` (MMEngine glue) and ``srbench.apis`` (what the tools call).
"""
__version__ = '0.1.0'

from .errors import SRBenchError  # noqa: E402,F401

# With pyiqa installed, MMEngine's optimizer registry imports `transformers`, which imports `bitsandbytes`, whose
# CPU backend logs "Failed to load CPU gemm_4bit_forward from kernels-community ..." on every start: a kernel
# srbench never uses. Keep that logger to errors (it is not srbench's; nothing else is changed).
import logging as _logging  # noqa: E402

_logging.getLogger('bitsandbytes').setLevel(_logging.ERROR)
