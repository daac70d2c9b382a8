"""Array layouts of MATLAB-era SR code, as numpy helpers for the plugins' converters (no paper here).

MATLAB stores arrays column-major and drops trailing singleton dimensions (a 3×3×64×1 filter bank is saved
as 3×3×64, a 4×4×1×1 kernel as 4×4); scipy gives them back with MATLAB's indices (``a[i, j]`` is MATLAB's
``a(i+1, j+1)``), so only the dropped dimensions and the column-major *reshapes* of the authors' code need
undoing:

* :func:`with_dims` -- add the trailing singleton dimensions back;
* :func:`conv_hwio` -- MatConvNet's H×W×Cin×Cout filters (``vl_nnconv``, correlation) as a PyTorch
  Conv2d weight (Cout×Cin×H×W); :func:`convt_hwoi` -- MatConvNet's ``vl_nnconvt`` filters H×W×Cout×Cin as a
  PyTorch ConvTranspose2d weight (Cin×Cout×H×W);
* :func:`filter_bank` -- the SRCNN/FSRCNN MATLAB test code's Cin×k²×Cout arrays, each ``k²`` column reshaped
  column-major to k×k (``reshape(w(j,:,i), k, k)``) and applied with ``imfilter`` (correlation);
* :func:`vector` -- a bias or slope of any MATLAB shape (k×1, 1×k, scalar) as a 1-d array.
"""
from __future__ import annotations

import math

import numpy as np

from ..errors import CheckpointError


def with_dims(a, ndim: int, what: str = 'array') -> np.ndarray:
    """``a`` with MATLAB's dropped trailing singleton dimensions restored to ``ndim`` dimensions (more
    dimensions than ``ndim`` are accepted only when the extra trailing ones are 1)."""
    a = np.asarray(a)
    if a.ndim < ndim:
        return a.reshape(a.shape + (1,) * (ndim - a.ndim))
    while a.ndim > ndim and a.shape[-1] == 1:
        a = a.reshape(a.shape[:-1])
    if a.ndim != ndim:
        raise CheckpointError(f'{what}: expected {ndim} dimensions, got shape {a.shape}')
    return a


def conv_hwio(a, what: str = 'filter') -> np.ndarray:
    """MatConvNet convolution filters (H×W×Cin×Cout, trailing 1s possibly dropped) → Cout×Cin×H×W."""
    return np.ascontiguousarray(with_dims(a, 4, what).transpose(3, 2, 0, 1))


def convt_hwoi(a, what: str = 'filter') -> np.ndarray:
    """MatConvNet transposed-convolution filters (H×W×Cout×Cin: ``vl_nnconvt``'s layout) → Cin×Cout×H×W,
    the layout of :class:`torch.nn.ConvTranspose2d` (both are the adjoint of correlation: no flip)."""
    return np.ascontiguousarray(with_dims(a, 4, what).transpose(3, 2, 0, 1))


def filter_bank(a, what: str = 'filter') -> np.ndarray:
    """The MATLAB SR test code's Cin×k²×Cout filter array (SRCNN's ``weights_conv2``, FSRCNN's
    ``weights_conv{i}``), whose filter for input ``j`` and output ``i`` is ``reshape(w(j,:,i), k, k)`` (column
    major: tap (row a, column b) at ``a + k*b``), → PyTorch Cout×Cin×k×k for correlation (``imfilter``)."""
    a = with_dims(a, 3, what)
    cin, k2, cout = a.shape
    k = math.isqrt(k2)
    if k * k != k2:
        raise CheckpointError(f'{what}: the second dimension ({k2}) is not a square number of taps '
                              f'(shape {a.shape})')
    # split k² into (b, a) (column-major: the row index a varies fastest), then order as (out, in, a, b)
    return np.ascontiguousarray(a.reshape(cin, k, k, cout).transpose(3, 0, 2, 1))


def vector(a, what: str = 'vector') -> np.ndarray:
    """A MATLAB vector or scalar (k×1, 1×k, 1×1) as a 1-d array."""
    a = np.asarray(a)
    if sum(d != 1 for d in a.shape) > 1:
        raise CheckpointError(f'{what}: expected a vector, got shape {a.shape}')
    return a.reshape(-1)
