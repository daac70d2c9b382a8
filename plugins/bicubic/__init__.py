"""Bicubic plugin declaration: MATLAB bicubic interpolation, the baseline of every SR table."""
from srbench.plugins import ModelInfo, Plugin

plugin = Plugin(
    name='bicubic',
    description='Bicubic interpolation (MATLAB imresize, a = -0.5): the baseline, no weights',
    modules=['srbench_plugins.bicubic.bicubic_arch'],
    components={'MODELS': ['Bicubic']},
    models={'Bicubic': ModelInfo(input='lr', channels='y', scales=(2, 3, 4, 8), multiscale=True, trainable=False)},
    configs='../../configs',
    reference='paper.json',
    paper=dict(title='Bicubic interpolation (MATLAB imresize)', year=None, venue='baseline', url=None),
)
