"""FSRCNN: the authors' MATLAB test package's models (``model/FSRCNN/x{2,3,4}.mat``, ``model/FSRCNN-s/...``,
exported from Caffe) -> srbench's FSRCNN. Their files are not redistributed with srbench's tests; the
layout, read from the package's ``FSRCNN.m``:

* ``weights_conv{1..L}`` -- L = m + 4 layers, each Cin × k² × Cout (``reshape(w(j,:,i), k, k)``, column-major,
  applied with ``imfilter(..., 'same', 'replicate')``); the last, ``weights_conv{L}``, is the deconvolution,
  1 × 81 × d (its filter for input channel ``j`` is ``reshape(w(1,:,j), 9, 9)``, added at HR ``r·i + u - 4``:
  ``deconv.m``, the ``'authors'`` grid of :class:`~.fsrcnn_arch.FSRCNN`);
* ``biases_conv{1..L}``, and ``prelu_conv{1..L-1}`` -- one slope per layer (a scalar: the test code
  multiplies a whole feature map by it) or per channel.
"""
from __future__ import annotations

import numpy as np

from srbench.weights import filter_bank, vector, with_dims


def convert_fsrcnn(released, weights) -> dict:
    g = released.get
    n = 1
    while f'weights_conv{{{n + 1}}}' in released.arrays:
        n += 1
    m = int(weights.args.get('m', 4))
    if n != m + 4:
        raise KeyError(f'the file has {n} layers (weights_conv{{1..{n}}}); FSRCNN with m={m} needs {m + 4}')
    sd, idx = {}, 0
    for i in range(1, n):
        w = filter_bank(g(f'weights_conv{{{i}}}'), f'weights_conv{{{i}}}')
        b = vector(g(f'biases_conv{{{i}}}'), f'biases_conv{{{i}}}')
        a = vector(g(f'prelu_conv{{{i}}}'), f'prelu_conv{{{i}}}')
        if a.size == 1:
            a = np.repeat(a, w.shape[0])
        sd[f'body.{idx}.weight'], sd[f'body.{idx}.bias'], sd[f'body.{idx + 1}.weight'] = w, b, a
        idx += 2
    dw = with_dims(g(f'weights_conv{{{n}}}'), 3, f'weights_conv{{{n}}}')    # 1 × k² × d
    # d × 1 × k × k: ConvTranspose2d's (in, out, k, k), as filter_bank gives it for a 1-input bank
    sd['deconv.weight'] = filter_bank(dw, f'weights_conv{{{n}}}')
    sd['deconv.bias'] = vector(g(f'biases_conv{{{n}}}'), f'biases_conv{{{n}}}')
    return sd
