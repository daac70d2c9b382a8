"""RDN plugin declaration (cheap to import: no torch)."""
from srbench.spec import ModelInfo, Plugin

plugin = Plugin(
    name='rdn',
    description='RDN: residual dense network, D=16 C=8 G=64, RGB (Zhang et al., CVPR 2018)',
    modules=['srbench_plugins.rdn.rdn_arch'],
    models={'RDN': ModelInfo(input='lr', channels='rgb', scales=(2, 3, 4), multiscale=False)},
    configs='configs',
    reference='paper.json',
    paper=dict(title='Residual Dense Network for Image Super-Resolution',
               authors='Zhang, Tian, Kong, Zhong, Fu', year=2018, venue='CVPR',
               url='https://arxiv.org/abs/1802.08797'),
)
