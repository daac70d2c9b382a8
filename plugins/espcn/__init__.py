"""ESPCN plugin declaration (cheap to import: no torch)."""
from srbench.spec import ModelInfo, Plugin

plugin = Plugin(
    name='espcn',
    description='ESPCN: efficient sub-pixel convolutional network (Shi et al., CVPR 2016)',
    modules=['srbench_plugins.espcn.espcn_arch'],
    models={'ESPCN': ModelInfo(input='lr', channels='y', scales=(2, 3, 4), multiscale=False)},
    configs='configs',
    reference='paper.json',
    paper=dict(title='Real-Time Single Image and Video Super-Resolution Using an Efficient Sub-Pixel '
                     'Convolutional Neural Network',
               authors='Shi, Caballero, Huszar, Totz, Aitken, Bishop, Rueckert, Wang',
               year=2016, venue='CVPR',
               url='https://arxiv.org/abs/1609.05158'),
)
