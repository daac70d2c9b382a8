"""GLEAN plugin declaration (cheap to import: no torch)."""
from srbench.spec import ModelInfo, Plugin

plugin = Plugin(
    name='glean',
    description='GLEAN: encoder + pretrained StyleGAN2 latent bank + decoder, large-factor SR (Chan et al., '
                'CVPR 2021); fixed input size: LR exactly in_size x in_size (64x64 for x16 to 1024x1024)',
    modules=['srbench_plugins.glean.glean_arch'],
    models={'GLEAN': ModelInfo(input='lr', channels='rgb', scales=(8, 16), multiscale=False)},
    configs='configs',
    reference='paper.json',
    paper=dict(title='GLEAN: Generative Latent Bank for Large-Factor Image Super-Resolution',
               authors='Chan, Wang, Xu, Gu, Loy', year=2021, venue='CVPR',
               url='https://arxiv.org/abs/2012.00739'),
)
