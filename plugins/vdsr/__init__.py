"""VDSR plugin declaration (cheap to import: no torch)."""
from srbench.spec import ModelInfo, Plugin

plugin = Plugin(
    name='vdsr',
    description='VDSR: very deep (20-layer) residual network, one model for x2/x3/x4 (Kim et al., CVPR 2016)',
    modules=['srbench_plugins.vdsr.vdsr_arch'],
    models={'VDSR': ModelInfo(input='bicubic', channels='y', scales=(2, 3, 4), multiscale=True)},
    configs='configs',
    reference='paper.json',
    paper=dict(title='Accurate Image Super-Resolution Using Very Deep Convolutional Networks',
               authors='Kim, Lee, Lee', year=2016, venue='CVPR', url='https://arxiv.org/abs/1511.04587'),
)
