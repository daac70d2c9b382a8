"""FSRCNN plugin declaration (cheap to import: no torch)."""
from srbench.spec import ModelInfo, Plugin

plugin = Plugin(
    name='fsrcnn',
    description='FSRCNN / FSRCNN-s: fast SRCNN with a deconvolution to the HR grid (Dong et al., ECCV 2016)',
    modules=['srbench_plugins.fsrcnn.fsrcnn_arch'],
    models={'FSRCNN': ModelInfo(input='lr', channels='y', scales=(2, 3, 4), multiscale=False)},
    configs='configs',
    reference='paper.json',
    # the authors' released models (their MATLAB package's model/FSRCNN*/x{2,3,4}.mat) are not declared as
    # files here (no copy to hash); their layout is converted with `srbench convert FILE --model FSRCNN`
    converters={'FSRCNN': 'srbench_plugins.fsrcnn.convert:convert_fsrcnn'},
    paper=dict(title='Accelerating the Super-Resolution Convolutional Neural Network',
               authors='Dong, Loy, Tang', year=2016, venue='ECCV', url='https://arxiv.org/abs/1608.00367'),
)
