"""tools/test.py's new outputs (srbench.apis.test): saved SR images, tiling and self-ensemble recorded,
runtime per image and complexity in the results JSON."""
import json

import cv2
import numpy as np
import torch

from conftest import REPO


def _data(tmp_path):
    rng = np.random.default_rng(1)
    hr = tmp_path / 'Tiny' / 'HR'
    hr.mkdir(parents=True)
    for i, (h, w) in enumerate([(30, 24), (21, 33)]):
        img = cv2.GaussianBlur(rng.integers(0, 256, (h, w, 3), dtype=np.uint8), (5, 5), 1.5)
        cv2.imwrite(str(hr / f'im{i}.png'), img)
    return tmp_path


def _cfg(tmp_path, base, scales=(3,)):
    root = _data(tmp_path)
    cfg = tmp_path / 'cfg.py'
    cfg.write_text(f"_base_ = ['{REPO / 'configs' / base}']\n"
                   'from srbench.data.benchmarks import test_loaders\n'
                   f'test_dataloader = test_loaders(["Tiny"], {list(scales)!r}, root={str(root)!r})\n'
                   "test_evaluator = [dict(type='PSNR')]\n"
                   'test_cfg = dict(type="MultiTestLoop", skip_missing=False)\n')
    return cfg


def test_save_images_tiling_and_runtime_are_recorded(tmp_path):
    from srbench.apis import test
    from srbench.models import SRModel
    from srbench.results import load_results
    torch.manual_seed(0)
    ckpt = tmp_path / 'espcn.pth'
    torch.save(dict(state_dict=SRModel(generator=dict(type='ESPCN', scale=3)).state_dict()), ckpt)
    cfg = _cfg(tmp_path, 'espcn_x3.py')
    plain = test(str(cfg), ckpt=str(ckpt), work_dir=str(tmp_path / 'wd'), out=str(tmp_path / 'a.json'),
                 save_images=str(tmp_path / 'sr'))
    tiled = test(str(cfg), ckpt=str(ckpt), work_dir=str(tmp_path / 'wd'), out=str(tmp_path / 'b.json'),
                 tile=4)
    ens = test(str(cfg), ckpt=str(ckpt), work_dir=str(tmp_path / 'wd'), out=str(tmp_path / 'c.json'),
               self_ensemble=True)
    assert plain['saved_images'] == 2
    for name, (h, w) in (('im0', (30, 24)), ('im1', (21, 33))):
        img = cv2.imread(str(tmp_path / 'sr' / 'Tiny' / 'x3' / f'{name}.png'), cv2.IMREAD_UNCHANGED)
        assert img.shape == (h // 3 * 3, w // 3 * 3)          # the Y that was scored, HR mod-cropped
    res = load_results(tmp_path / 'a.json')
    assert res.inference == dict(tile=None, tile_overlap=None, self_ensemble=False)
    rt = res.results[0].runtime
    assert rt['images'] == 2 and len(rt['per_image']) == 2 and rt['seconds_per_image'] > 0
    assert rt['device'].startswith('cpu')
    assert res.complexity['params'] == sum(p.numel() for p in SRModel(
        generator=dict(type='ESPCN', scale=3)).parameters())
    # 720p output at x3: a 240 x 426 LR; ESPCN's MACs per LR pixel = its weights
    assert res.complexity['macs']['3'] == 240 * 426 * res.complexity['weights']
    assert json.loads((tmp_path / 'b.json').read_text())['inference']['tile'] == 4
    assert tiled['results'][0]['metrics']['PSNR'] == plain['results'][0]['metrics']['PSNR']
    assert ens['inference']['self_ensemble'] is True
    assert ens['results'][0]['metrics']['PSNR'] != plain['results'][0]['metrics']['PSNR']
