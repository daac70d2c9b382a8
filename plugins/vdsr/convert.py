"""VDSR: the official model (``VDSR_Official.mat``: ``model.weight{1..20}`` H×W×Cin×Cout, the last stored as
3×3×64 because MATLAB drops trailing singleton dimensions; ``model.bias{1..20}``) -> srbench's VDSR."""
from __future__ import annotations

from srbench.weights import conv_hwio, vector


def convert_vdsr(released, weights) -> dict:
    n = int(weights.args.get('num_layers', 20))
    sd = {}
    for i in range(n):
        sd[f'body.{2 * i}.weight'] = conv_hwio(released.get(f'model.weight{{{i + 1}}}'), f'weight{{{i + 1}}}')
        sd[f'body.{2 * i}.bias'] = vector(released.get(f'model.bias{{{i + 1}}}'), f'bias{{{i + 1}}}')
    if f'model.weight{{{n + 1}}}' in released.arrays:
        raise KeyError(f'the file has more than {n} layers (model.weight{{{n + 1}}} exists)')
    return sd
