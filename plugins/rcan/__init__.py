"""RCAN plugin declaration (cheap to import: no torch)."""
from srbench.spec import ModelInfo, Plugin

plugin = Plugin(
    name='rcan',
    description='RCAN: residual channel attention network, 10 groups x 20 blocks, RGB '
                '(Zhang et al., ECCV 2018)',
    modules=['srbench_plugins.rcan.rcan_arch'],
    models={'RCAN': ModelInfo(input='lr', channels='rgb', scales=(2, 3, 4, 8), multiscale=False)},
    configs='configs',
    reference='paper.json',
    paper=dict(title='Image Super-Resolution Using Very Deep Residual Channel Attention Networks',
               authors='Zhang, Li, Li, Wang, Zhong, Fu', year=2018, venue='ECCV',
               url='https://arxiv.org/abs/1807.02758'),
)
