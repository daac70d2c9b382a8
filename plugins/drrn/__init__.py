"""DRRN plugin declaration (cheap to import: no torch)."""
from srbench.spec import ModelInfo, Plugin

plugin = Plugin(
    name='drrn',
    description='DRRN: deep recursive residual network B1U25, one model for x2/x3/x4 (Tai et al., CVPR 2017)',
    modules=['srbench_plugins.drrn.drrn_arch'],
    models={'DRRN': ModelInfo(input='bicubic', channels='y', scales=(2, 3, 4), multiscale=True)},
    configs='configs',
    reference='paper.json',
    paper=dict(title='Image Super-Resolution via Deep Recursive Residual Network', authors='Tai, Yang, Liu',
               year=2017, venue='CVPR',
               url='https://openaccess.thecvf.com/content_cvpr_2017/papers/'
                   'Tai_Image_Super-Resolution_via_CVPR_2017_paper.pdf'),
)
