"""LapSRN: the authors' MatConvNet DagNN models (``pretrained_models/LapSRN_x{2,4,8}.mat``) -> LapSRN.

Traps: the DagNN numbers its levels from the finest: ``level1`` is the last (finest) x2 stage, so at x4
``level2`` is srbench's level 0 and at x8 ``level3`` is; the released x8 model has depth 5, not 10. Every
transposed convolution's crop decides where its output lies on the HR grid: this converter checks that the
file's crops are the ones srbench's :class:`~srbench.models.HRGridConvTranspose2d` reproduces (feature
upsampling 3×3 crop [0 1 0 1], image upsampling 4×4 crop [1 1 1 1]) and refuses a file that differs.
"""
from __future__ import annotations

from srbench.errors import CheckpointError
from srbench.weights import conv_hwio, convt_hwoi, vector

CROPS = {3: [0, 1, 0, 1], 4: [1, 1, 1, 1]}      # kernel size -> MatConvNet crop srbench's grid matches


def _check_crop(released, layer: str, k: int) -> None:
    if not released.layers:
        return
    blk = released.layer(layer)['block']
    crop, up = blk.get('crop'), blk.get('upsample')
    if list(crop or []) != CROPS[k] or list(up or [2, 2]) != [2, 2]:
        raise CheckpointError(f'{released.path}: layer {layer!r} has crop {crop} / upsample {up}; srbench\'s '
                              f'{k}x{k} x2 transposed convolution reproduces crop {CROPS[k]} only')


def convert_lapsrn(released, weights) -> dict:
    levels = {2: 1, 4: 2, 8: 3}[int(weights.args.get('scale', 4))]
    depth = int(weights.args.get('depth', 10))
    k = int(weights.args.get('upsample_kernel', 3))
    g = released.get
    sd = {'input_conv.weight': conv_hwio(g('input_conv_f')), 'input_conv.bias': vector(g('input_conv_b'))}
    for i in range(levels):
        name = f'level{levels - i}'                 # srbench's level i (coarsest first)
        for j in range(depth):
            sd[f'features.{i}.{2 * j}.weight'] = conv_hwio(g(f'{name}_conv{j + 1}_f'))
            sd[f'features.{i}.{2 * j}.bias'] = vector(g(f'{name}_conv{j + 1}_b'))
        if f'{name}_conv{depth + 1}_f' in released.arrays:
            raise KeyError(f'{name} has more than depth={depth} convolutions ({name}_conv{depth + 1}_f)')
        sd[f'features.{i}.{2 * depth}.weight'] = convt_hwoi(g(f'{name}_upconv_f'))
        sd[f'features.{i}.{2 * depth}.bias'] = vector(g(f'{name}_upconv_b'))
        sd[f'residuals.{i}.weight'] = conv_hwio(g(f'{name}_residual_conv_f'))
        sd[f'residuals.{i}.bias'] = vector(g(f'{name}_residual_conv_b'))
        sd[f'image_up.{i}.weight'] = convt_hwoi(g(f'{name}_img_up_f'))
        _check_crop(released, f'{name}_upconv', k)
        _check_crop(released, f'{name}_img_up', 4)
    if f'level{levels + 1}_upconv_f' in released.arrays:
        raise KeyError(f'the file has more than {levels} levels (level{levels + 1}_upconv_f)')
    return sd
