"""SRCNN plugin declaration (cheap to import: no torch)."""
from srbench.spec import ModelInfo, PaperNumber, Plugin, Weights

_URL = 'https://github.com/WangDequan/SRCNN (commit 85679e2; the authors\' MATLAB test package)'
_CONVERT = 'srbench_plugins.srcnn.convert:convert_srcnn'
_TPAMI5 = 'TPAMI 2016 (arXiv 1501.00092v3), comparison table on Set5, SRCNN (9-5-5, ImageNet)'
_TPAMI14 = 'TPAMI 2016 (arXiv 1501.00092v3), comparison table on Set14, SRCNN (9-5-5, ImageNet)'
_ECCV5 = 'ECCV 2014, Table 1 (Set5), SRCNN (9-1-5, 91 images)'
_ECCV14 = 'ECCV 2014, Table 2 (Set14), SRCNN (9-1-5, 91 images)'
_SHA = {
    ('9-1-5', '91images', 2): '51b748297e8669832a4ad27cc4b7eebc6d65d37a77bcb19bef23c1b5f972ea12',
    ('9-1-5', '91images', 3): 'ef05325a96221ab9399db844bc833f687796a1078bfa6aacc6930bde60ca5b10',
    ('9-1-5', '91images', 4): '717c2c6f5196a95959f98953f84a359e56fc415eba190b5db016b25896e74862',
    ('9-1-5', 'imagenet', 3): '63906335110253189230f1190a577b431aaab6c3b677c97f2720da4eab7e6efe',
    ('9-3-5', 'imagenet', 3): 'd798df50cf1e1b265ae63204da726fd6bf8b0e42c6dd2f18d5fe618576eec553',
    ('9-5-5', 'imagenet', 2): 'dc06d52ab0ecfb75a4222a33c06c2c23287cf67abbd75b869a178f6305f8cdc1',
    ('9-5-5', 'imagenet', 3): 'fa2ee366d328b942b971c80c24f48dc2b015d5ed4b5790070f720ccfb6ab1578',
    ('9-5-5', 'imagenet', 4): '3f94150d24e5b60dab2b74f4eaf358aefdc72cbe724d86990435bf877ed452ed',
}
_NUMBERS = {
    ('9-5-5', 'imagenet', 2): [('Set5', 36.66, 0.9542, _TPAMI5), ('Set14', 32.45, 0.9067, _TPAMI14)],
    ('9-5-5', 'imagenet', 3): [('Set5', 32.75, 0.9090, _TPAMI5), ('Set14', 29.30, 0.8215, _TPAMI14)],
    ('9-5-5', 'imagenet', 4): [('Set5', 30.49, 0.8628, _TPAMI5), ('Set14', 27.50, 0.7513, _TPAMI14)],
    ('9-1-5', '91images', 2): [('Set5', 36.34, None, _ECCV5), ('Set14', 32.18, None, _ECCV14)],
    ('9-1-5', '91images', 3): [('Set5', 32.39, None, _ECCV5), ('Set14', 29.00, None, _ECCV14)],
    ('9-1-5', '91images', 4): [('Set5', 30.09, None, _ECCV5), ('Set14', 27.20, None, _ECCV14)],
}


def _srcnn(variant: str, data: str, scale: int) -> Weights:
    ks = tuple(int(k) for k in variant.split('-'))
    folder = f'{variant}({"91 images" if data == "91images" else "ImageNet"})'
    nums = [PaperNumber(ds, scale, dict(PSNR=psnr, **({'SSIM': ssim} if ssim else {})), table)
            for ds, psnr, ssim, table in _NUMBERS.get((variant, data, scale), [])]
    return Weights(
        name=f'srcnn_{variant}_{data}_x{scale}', model='SRCNN', args=dict(scale=scale, kernel_sizes=ks),
        scales=(scale,), file=f'x{scale}.mat', sha256=_SHA[(variant, data, scale)], url=_URL,
        path=f'model/{folder}/x{scale}.mat', format='mat', converter=_CONVERT, protocol='srcnn-matlab',
        config=f'srcnn_x{scale}_{variant.replace("-", "")}_{data}_released', numbers=tuple(nums),
        trained_on='91 images' if data == '91images' else 'ImageNet (395,909 images)',
        note='' if nums else 'the paper shows this model in a figure/ablation only: no table number declared')

plugin = Plugin(
    name='srcnn',
    description='SRCNN: super-resolution convolutional neural network (Dong et al., ECCV 2014 / TPAMI 2016)',
    modules=['srbench_plugins.srcnn.srcnn_arch'],
    models={'SRCNN': ModelInfo(input='bicubic', channels='y', scales=(2, 3, 4), multiscale=False)},
    configs='configs',
    reference='paper.json',
    weights=[_srcnn(v, d, s) for (v, d, s) in _SHA],
    converters={'SRCNN': _CONVERT},
    paper=dict(title='Image Super-Resolution Using Deep Convolutional Networks',
               authors='Dong, Loy, He, Tang', year=2016, venue='TPAMI (ECCV 2014 first version)',
               url='https://arxiv.org/abs/1501.00092'),
)
