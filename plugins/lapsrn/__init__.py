"""LapSRN plugin declaration (cheap to import: no torch)."""
from srbench.spec import ModelInfo, Plugin

plugin = Plugin(
    name='lapsrn',
    description='LapSRN: Laplacian pyramid network, progressive x2 levels, Charbonnier loss '
                '(Lai et al., CVPR 2017)',
    modules=['srbench_plugins.lapsrn.lapsrn_arch'],
    models={'LapSRN': ModelInfo(input='lr', channels='y', scales=(2, 4, 8), multiscale=False)},
    configs='../../configs',
    reference='paper.json',
    paper=dict(title='Deep Laplacian Pyramid Networks for Fast and Accurate Super-Resolution',
               authors='Lai, Huang, Ahuja, Yang', year=2017, venue='CVPR',
               url='https://arxiv.org/abs/1704.03915'),
)
