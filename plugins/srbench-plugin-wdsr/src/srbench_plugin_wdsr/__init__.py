"""srbench-plugin-wdsr: the declaration srbench reads through the ``srbench.plugins`` entry point.

Cheap to import (no torch): ``python -m srbench plugins`` and the data pipeline read it without building
networks; srbench imports ``modules`` only when it registers the components.
"""
from srbench.spec import ModelInfo, Plugin

__version__ = '0.1.0'

plugin = Plugin(
    name='wdsr',
    description='WDSR-A / WDSR-B: wide activation, weight normalisation (Yu et al., 2018)',
    modules=['srbench_plugin_wdsr.wdsr_arch'],
    models={'WDSR_A': ModelInfo(input='lr', channels='rgb', scales=(2, 3, 4), multiscale=False),
            'WDSR_B': ModelInfo(input='lr', channels='rgb', scales=(2, 3, 4), multiscale=False)},
    configs='configs',
    reference='paper.json',
    paper=dict(title='Wide Activation for Efficient and Accurate Image Super-Resolution',
               authors='Yu, Fan, Yang, Xu, Wang, Wang, Huang', year=2018, venue='arXiv 1808.08718',
               url='https://arxiv.org/abs/1808.08718'),
)
