"""VDSR plugin declaration (cheap to import: no torch)."""
from srbench.spec import ModelInfo, PaperNumber, Plugin, Weights

_T3 = 'CVPR 2016, Table 3 (VDSR column)'
_VDSR_NUMBERS = [PaperNumber(ds, s, dict(PSNR=p, SSIM=q), _T3) for ds, s, p, q in (
    ('Set5', 2, 37.53, 0.9587), ('Set5', 3, 33.66, 0.9213), ('Set5', 4, 31.35, 0.8838),
    ('Set14', 2, 33.03, 0.9124), ('Set14', 3, 29.77, 0.8314), ('Set14', 4, 28.01, 0.7674),
    ('BSD100', 2, 31.90, 0.8960), ('BSD100', 3, 28.82, 0.7976), ('BSD100', 4, 27.29, 0.7251),
    ('Urban100', 2, 30.76, 0.9140), ('Urban100', 3, 27.14, 0.8279), ('Urban100', 4, 25.18, 0.7524))]

plugin = Plugin(
    name='vdsr',
    description='VDSR: very deep (20-layer) residual network, one model for x2/x3/x4 (Kim et al., CVPR 2016)',
    modules=['srbench_plugins.vdsr.vdsr_arch'],
    models={'VDSR': ModelInfo(input='bicubic', channels='y', scales=(2, 3, 4), multiscale=True)},
    configs='configs',
    reference='paper.json',
    weights=[Weights(
        name='vdsr_official', model='VDSR', args=dict(num_layers=20, mid_channels=64), scales=(2, 3, 4),
        file='VDSR_Official.mat', sha256='f613166660840af1a2ca47e31b0337b951e7c4e094364f6135a16d81a55c323c',
        url='https://github.com/huangzehao/caffe-vdsr (commit 5a83923; "converted from the official '
            'test code")',
        path='Test/VDSR_Official.mat', format='mat', converter='srbench_plugins.vdsr.convert:convert_vdsr',
        protocol='srcnn-matlab', config='vdsr_x234_released', numbers=tuple(_VDSR_NUMBERS),
        trained_on='291 images (T91 + BSD200), x2/x3/x4 mixed')],
    paper=dict(title='Accurate Image Super-Resolution Using Very Deep Convolutional Networks',
               authors='Kim, Lee, Lee', year=2016, venue='CVPR', url='https://arxiv.org/abs/1511.04587'),
)
