"""LapSRN plugin declaration (cheap to import: no torch)."""
from srbench.spec import ModelInfo, Plugin

plugin = Plugin(
    name='lapsrn',
    description='LapSRN: Laplacian pyramid network, progressive x2 levels, Charbonnier loss '
                '(Lai et al., CVPR 2017)',
    modules=['srbench_plugins.lapsrn.lapsrn_arch', 'srbench_plugins.lapsrn.lapsrn_model'],
    # no size requirement beyond one pixel: every pyramid level is padded 3x3 convolutions and x2 transposed
    # convolutions, which take a 1x1 LR image at x2, x4 and x8 (tests/test_spec.py)
    models={'LapSRN': ModelInfo(input='lr', channels='y', scales=(2, 4, 8), multiscale=False)},
    configs='configs',
    reference='paper.json',
    paper=dict(title='Deep Laplacian Pyramid Networks for Fast and Accurate Super-Resolution',
               authors='Lai, Huang, Ahuja, Yang', year=2017, venue='CVPR',
               url='https://arxiv.org/abs/1704.03915'),
)
