"""SRCNN: the authors' MATLAB test package's models (``model/<variant>/x<scale>.mat``) -> srbench's SRCNN.

The package stores ``weights_conv1`` (k1² × n1), ``weights_conv2`` (n1 × k2² × n2; 9-1-5's is n1 × 1 × n2),
``weights_conv3`` (n2 × k3²) and ``biases_conv{1,2,3}``; ``SRCNN.m`` reshapes each k² column column-major
to k×k and applies it with ``imfilter(..., 'same', 'replicate')`` -- correlation with edge replication, which
is srbench's ``test_padding='replicate'``.
"""
from __future__ import annotations

import numpy as np

from srbench.weights import filter_bank, vector, with_dims


def convert_srcnn(released, weights) -> dict:
    """``released`` (:class:`srbench.weights.Released`) -> SRCNN's state dict (numpy arrays)."""
    g = released.get
    w1 = with_dims(g('weights_conv1'), 2, 'weights_conv1')                  # k1² × n1
    w3 = with_dims(g('weights_conv3'), 2, 'weights_conv3')                  # n2 × k3²
    return {
        'conv1.weight': filter_bank(w1[None], 'weights_conv1'),
        'conv1.bias': vector(g('biases_conv1'), 'biases_conv1'),
        'conv2.weight': filter_bank(g('weights_conv2'), 'weights_conv2'),
        'conv2.bias': vector(g('biases_conv2'), 'biases_conv2'),
        'conv3.weight': filter_bank(w3[:, :, None], 'weights_conv3'),
        'conv3.bias': np.asarray(vector(g('biases_conv3'), 'biases_conv3')),
    }
