"""Bicubic plugin declaration: MATLAB bicubic interpolation, the baseline of every SR table.

``Bicubic`` works on RGB like the SR papers' tables (SelfExSR's evaluation, the seed's table): the
test LR is the RGB image downscaled with MATLAB ``imresize`` and saved as uint8, upscaled with
``imresize`` on uint8, and Y is taken from the result (protocol ``matlab``, data ``rgb-uint8``).
``BicubicY`` works on the Y channel like SRCNN's and VDSR's test code (data ``y-double``); it gives
the "Bicubic" rows of those papers (e.g. Set5 x2 33.66 dB instead of 33.64).
"""
from srbench.spec import ModelInfo, Plugin

plugin = Plugin(
    name='bicubic',
    description='Bicubic interpolation (MATLAB imresize, a = -0.5): the baseline, no weights',
    modules=['srbench_plugins.bicubic.bicubic_arch'],
    models={'Bicubic': ModelInfo(input='lr', channels='rgb', scales=(2, 3, 4, 8), multiscale=True,
                                 trainable=False),
            'BicubicY': ModelInfo(input='lr', channels='y', scales=(2, 3, 4, 8), multiscale=True,
                                  trainable=False)},
    configs='configs',
    reference='paper.json',
    paper=dict(title='Bicubic interpolation (MATLAB imresize)', year=None, venue='baseline', url=None),
)
