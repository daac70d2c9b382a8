"""DRCN plugin declaration (cheap to import: no torch)."""
from srbench.spec import ModelInfo, Plugin

plugin = Plugin(
    name='drcn',
    description='DRCN: deeply-recursive network, 16 shared recursions, recursive supervision '
                '(Kim et al., CVPR 2016)',
    modules=['srbench_plugins.drcn.drcn_arch', 'srbench_plugins.drcn.drcn_model'],
    models={'DRCN': ModelInfo(input='bicubic', channels='y', scales=(2, 3, 4), multiscale=False)},
    configs='configs',
    reference='paper.json',
    paper=dict(title='Deeply-Recursive Convolutional Network for Image Super-Resolution',
               authors='Kim, Lee, Lee', year=2016, venue='CVPR', url='https://arxiv.org/abs/1511.04491'),
)
