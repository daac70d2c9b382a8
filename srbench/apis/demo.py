"""The main job: train ESPCN x3 briefly on real photos shipped inside scikit-image's wheel, then test
it and Bicubic on held-out photos and print a table. Offline; needs nothing from ../shared."""
from __future__ import annotations

import os
import time
from pathlib import Path

from ..errors import DataError

TRAIN_PHOTOS = ('astronaut.png', 'chelsea.png', 'rocket.jpg', 'hubble_deep_field.jpg', 'ihc.png', 'coins.png',
                'moon.png', 'brick.png', 'grass.png')
TEST_PHOTOS = ('coffee.png', 'motorcycle_left.png', 'camera.png')
DEMO_CONFIG = 'espcn_x3_demo'


def sample_photo_dir() -> Path:
    try:
        import skimage
    except ImportError:
        raise DataError('the demo trains on scikit-image\'s sample photos: pip install scikit-image '
                        '(or pip install -e ".[demo]")') from None
    return Path(skimage.__file__).parent / 'data'


def prepare_photos(out_dir) -> tuple[str, str]:
    """Copy the sample photos into ``out_dir/{train,test}/HR`` as PNG (idempotent)."""
    from ..data.io import imread, imwrite
    src = sample_photo_dir()
    dirs = []
    for part, names in (('train', TRAIN_PHOTOS), ('test', TEST_PHOTOS)):
        d = Path(out_dir) / part / 'HR'
        for n in names:
            target = d / (Path(n).stem + '.png')
            if target.exists():
                continue
            if not (src / n).exists():
                raise DataError(f'scikit-image sample photo {src / n} is missing (scikit-image too old or trimmed?)')
            imwrite(target, imread(src / n))
        dirs.append(str(d))
    return dirs[0], dirs[1]


def _config_path() -> str:
    here = Path(__file__).resolve().parents[2] / 'configs' / f'{DEMO_CONFIG}.py'
    return str(here) if here.is_file() else DEMO_CONFIG


def run_demo(work_dir='work_dirs/demo', minutes=None, iters=None) -> dict:
    from tabulate import tabulate

    from ..engine import find_latest_checkpoint
    from ..registry import METRICS
    from . import test, train
    from .common import load_config
    t0 = time.time()
    work_dir = os.path.abspath(work_dir)
    train_dir, test_dir = prepare_photos(os.path.join(work_dir, 'data'))
    cfg = load_config(_config_path())
    metrics = [dict(type='PSNR')] + ([dict(type='SSIM')] if METRICS.get('SSIM') else [])
    opts = {'train_dataloader.dataset.hr_dir': train_dir, 'log_level': 'ERROR',
            'test_dataloader': [dict(cfg.test_dataloader[0], dataset=dict(cfg.test_dataloader[0].dataset,
                                                                          hr_dir=test_dir))],
            'test_evaluator': metrics}
    if iters:
        opts['train_cfg.max_iters'] = int(iters)
    if minutes:
        opts['custom_hooks'] = [dict(type='TrainTimeLimitHook', minutes=float(minutes))]
    cfg.merge_from_dict(opts)
    n_iter = cfg.train_cfg.max_iters
    print(f'srbench demo: training ESPCN x3 on {len(TRAIN_PHOTOS)} scikit-image sample photos '
          f'({n_iter} iterations max, {cfg.custom_hooks[0].minutes:g} min max; log in {work_dir})', flush=True)
    t1 = time.time()
    runner = train(cfg, work_dir=work_dir)
    t_train = time.time() - t1
    done = runner.iter
    ckpt = find_latest_checkpoint(work_dir)
    print(f'srbench demo: trained {done} iterations in {t_train:.0f} s; testing on {len(TEST_PHOTOS)} held-out '
          'photos', flush=True)
    espcn = test(cfg, ckpt=ckpt, work_dir=work_dir, out=os.path.join(work_dir, 'results_espcn.json'))
    # BicubicY: the same interpolation declared for Y data, so it sees exactly ESPCN's LR images
    bic_cfg = load_config(cfg, {'model.generator': dict(type='BicubicY', _delete_=True)})
    bicubic = test(bic_cfg, work_dir=work_dir, out=os.path.join(work_dir, 'results_bicubic.json'))

    keys = [m['type'] for m in metrics]
    rb, re = bicubic['results'][0], espcn['results'][0]
    rows = []
    for ib, ie in zip(rb['per_image'], re['per_image']):
        rows.append([ib['name']] + [f'{ib[k]:.4f}' if k == 'SSIM' else f'{ib[k]:.2f}' for k in keys]
                    + [f'{ie[k]:.4f}' if k == 'SSIM' else f'{ie[k]:.2f}' for k in keys])
    rows.append(['mean'] + [f'{rb["metrics"][k]:.4f}' if k == 'SSIM' else f'{rb["metrics"][k]:.2f}' for k in keys]
                + [f'{re["metrics"][k]:.4f}' if k == 'SSIM' else f'{re["metrics"][k]:.2f}' for k in keys])
    headers = ['image'] + [f'Bicubic {k}' for k in keys] + [f'ESPCN {k}' for k in keys]
    gain = re['metrics']['PSNR'] - rb['metrics']['PSNR']
    print()
    lr_prot = re['protocol']['data'].get('lr_protocol', '?')
    if lr_prot != rb['protocol']['data'].get('lr_protocol'):
        raise DataError('demo: ESPCN and Bicubic were tested on different LR images; the comparison would be wrong')
    print(f'x3 super-resolution of held-out scikit-image photos (Y channel, MATLAB protocol, border 3, '
          f'LR protocol {lr_prot})')
    print(tabulate(rows, headers=headers, tablefmt='github', disable_numparse=True))
    print(f'\nESPCN - Bicubic: {gain:+.2f} dB PSNR after {done} iterations ({t_train:.0f} s of training, '
          f'{time.time() - t0:.0f} s in all). Results: {espcn["out"]}, {bicubic["out"]}')
    return dict(espcn=espcn, bicubic=bicubic, gain_db=gain, iters=done, train_seconds=t_train)
