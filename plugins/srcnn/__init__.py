"""SRCNN plugin declaration (cheap to import: no torch)."""
from srbench.spec import ModelInfo, Plugin

plugin = Plugin(
    name='srcnn',
    description='SRCNN: super-resolution convolutional neural network (Dong et al., ECCV 2014 / TPAMI 2016)',
    modules=['srbench_plugins.srcnn.srcnn_arch'],
    models={'SRCNN': ModelInfo(input='bicubic', channels='y', scales=(2, 3, 4), multiscale=False)},
    configs='configs',
    reference='paper.json',
    paper=dict(title='Image Super-Resolution Using Deep Convolutional Networks',
               authors='Dong, Loy, He, Tang', year=2016, venue='TPAMI (ECCV 2014 first version)',
               url='https://arxiv.org/abs/1501.00092'),
)
