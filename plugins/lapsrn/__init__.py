"""LapSRN plugin declaration (cheap to import: no torch)."""
from srbench.spec import ModelInfo, PaperNumber, Plugin, Weights

_T4 = 'CVPR 2017, Table 4 (LapSRN column)'
_LAPSRN_SHA = {2: 'e368225004e2d5e49d772c5c4eb16c3f28f7fe3b68fec7a9bb91f55e25602baa',
               4: '1d845a3efdca8848968df9e216931419e3b1122373a233d612b4f599985e6367',
               8: 'a887221465fe22ebda8ad5963cf812db807e7a9aa8e9d9453aee60e237af5e10'}
_LAPSRN_NUMBERS = {      # Table 4 of the CVPR paper, as paper.json holds it
    2: [('Set5', 37.52, 0.9591), ('Set14', 33.08, 0.913), ('BSD100', 31.80, 0.895),
        ('Urban100', 30.41, 0.9101)],
    4: [('Set5', 31.54, 0.8852), ('Set14', 28.19, 0.772), ('BSD100', 27.32, 0.727),
        ('Urban100', 25.21, 0.756)],
    8: [('Set5', 26.14, 0.738), ('Set14', 24.35, 0.62), ('BSD100', 24.54, 0.586), ('Urban100', 21.81, 0.581)]}


def _lapsrn(scale: int) -> Weights:
    return Weights(
        name=f'lapsrn_x{scale}', model='LapSRN',
        # the released x8 model has 5 convolutions per level (its file holds level{1,2,3}_conv1..5)
        args=dict(scale=scale, depth=5 if scale == 8 else 10, upsample_kernel=3), scales=(scale,),
        file=f'LapSRN_x{scale}.mat', sha256=_LAPSRN_SHA[scale],
        url='https://github.com/phoenix104104/LapSRN (commit 95154bb)',
        path=f'pretrained_models/LapSRN_x{scale}.mat', format='matconvnet-dagnn',
        converter='srbench_plugins.lapsrn.convert:convert_lapsrn', protocol='lapsrn-matlab',
        config=f'lapsrn_x{scale}_released', trained_on='291 images (T91 + BSD200)',
        numbers=tuple(PaperNumber(ds, scale, dict(PSNR=p, SSIM=q), _T4)
                      for ds, p, q in _LAPSRN_NUMBERS[scale]))

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
    weights=[_lapsrn(s) for s in (2, 4, 8)],
    paper=dict(title='Deep Laplacian Pyramid Networks for Fast and Accurate Super-Resolution',
               authors='Lai, Huang, Ahuja, Yang', year=2017, venue='CVPR',
               url='https://arxiv.org/abs/1704.03915'),
)
