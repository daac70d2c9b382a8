"""`srbench data check ROOT`: a data root against the shipped manifest of the standard sets."""
import shutil
import subprocess
import sys

import cv2
import numpy as np
import pytest

from conftest import REPO, TOOLS, error_line, run_tool, tool_env
from test_console import runtime_base
from srbench.data.check import MANIFEST_PATH, check_root, load_manifest, pixel_hash
from srbench.data.io import imread


def _copy_set5(shared, tmp_path):
    root = tmp_path / 'root'
    shutil.copytree(shared / 'Set5' / 'HR', root / 'Set5' / 'HR')
    return root


def test_changed_and_missing_files_are_named(shared_datasets, tmp_path):
    root = _copy_set5(shared_datasets, tmp_path)
    bird = root / 'Set5' / 'HR' / 'bird.png'
    img = cv2.imread(str(bird), cv2.IMREAD_UNCHANGED)
    img[10, 10, 0] ^= 1                                   # one value, one bit: same size, other pixels
    assert cv2.imwrite(str(bird), img)
    (root / 'Set5' / 'HR' / 'head.png').unlink()
    rep = check_root(root, ['Set5'])
    kinds = {(p.kind, p.where) for p in rep.problems}
    assert kinds == {('pixels', 'Set5/HR/bird.png'), ('missing', 'Set5/HR/head')}, rep.lines()
    assert not rep.ok and rep.checked == {'Set5': 3}
    # the command: exit 1, one line per problem naming the file
    p = subprocess.run([sys.executable, '-m', 'srbench.cli.data', 'check', str(root), '--sets', 'Set5'],
                       capture_output=True, text=True, cwd=str(REPO), env=tool_env())
    assert p.returncode == 1, p.stdout + p.stderr
    lines = p.stdout.splitlines()
    assert any(ln.startswith('Set5/HR/bird.png: pixels:') for ln in lines), p.stdout
    assert any(ln.startswith('Set5/HR/head: missing:') and 'head.png' in ln for ln in lines), p.stdout
    assert 'Set5: 3/5 images match' in p.stdout


def test_png_and_bmp_of_one_image_agree(shared_datasets, tmp_path):
    root = _copy_set5(shared_datasets, tmp_path)
    png = root / 'Set5' / 'HR' / 'baby.png'
    bmp = png.with_suffix('.bmp')
    assert cv2.imwrite(str(bmp), cv2.imread(str(png), cv2.IMREAD_UNCHANGED))
    assert bmp.read_bytes() != png.read_bytes()
    assert pixel_hash(imread(bmp)) == pixel_hash(imread(png))
    # gray too (Set14's bridge is single-channel)
    gray = shared_datasets / 'Set14' / 'HR' / 'bridge.png'
    gbmp = tmp_path / 'bridge.bmp'
    assert cv2.imwrite(str(gbmp), cv2.imread(str(gray), cv2.IMREAD_UNCHANGED))
    assert pixel_hash(imread(gbmp)) == pixel_hash(imread(gray))
    # a PNG and a BMP of the same name are a duplicate; with the PNG gone the BMP passes the check
    assert {p.kind for p in check_root(root, ['Set5']).problems} == {'duplicate'}
    png.unlink()
    assert check_root(root, ['Set5']).ok


def test_size_channels_and_extra(shared_datasets, tmp_path):
    root = _copy_set5(shared_datasets, tmp_path)
    d = root / 'Set5' / 'HR'
    img = cv2.imread(str(d / 'woman.png'))
    assert cv2.imwrite(str(d / 'woman.png'), img[:342, :228])                    # mod-cropped
    assert cv2.imwrite(str(d / 'bird.png'), cv2.cvtColor(cv2.imread(str(d / 'bird.png')), cv2.COLOR_BGR2GRAY))
    assert cv2.imwrite(str(d / 'extra.png'), np.zeros((4, 4, 3), np.uint8))
    got = {p.where: p for p in check_root(root, ['Set5']).problems}
    woman = got['Set5/HR/woman.png']
    assert woman.kind == 'size' and '228x342, expected 228x344' in woman.detail
    assert got['Set5/HR/bird.png'].kind == 'channels'
    assert got['Set5/HR/extra.png'].kind == 'extra'
    assert len(got) == 3


def test_missing_set_folder_is_one_problem(tmp_path):
    (tmp_path / 'Set5' / 'HR').mkdir(parents=True)
    rep = check_root(tmp_path, ['Set5', 'Set14'])
    kinds = sorted((p.kind, p.set) for p in rep.problems)
    assert ('missing set', 'Set14') in kinds and sum(k == ('missing', 'Set5') for k in kinds) == 5


def test_bad_arguments_are_one_error_line(tmp_path):
    p = run_tool(['-m', 'srbench.cli.data', 'check', tmp_path / 'nope'])
    assert 'does not exist' in error_line(p)
    p = run_tool(['-m', 'srbench.cli.data', 'check', tmp_path, '--sets', 'Set6'])
    assert "no set 'Set6'" in error_line(p)


def test_shipped_manifest_covers_the_standard_sets():
    m = load_manifest()
    assert MANIFEST_PATH.name == 'benchmark_manifest.json'
    counts = {s: len(v['images']) for s, v in m['sets'].items()}
    assert counts == {'Set5': 5, 'Set14': 14, 'BSD100': 100, 'Urban100': 100, 'T91': 91, 'BSD200': 200}
    assert all(v['source'] for v in m['sets'].values())        # where each set came from
    bridge = next(r for r in m['sets']['Set14']['images'] if r['name'] == 'bridge')
    assert bridge['channels'] == 1 and (bridge['width'], bridge['height']) == (512, 512)


def test_full_check_of_the_shared_datasets_passes(shared_datasets):
    sets = ('Set14', 'BSD100', 'Urban100', 'T91', 'BSD200')
    if not all((shared_datasets / s / 'HR').is_dir() for s in sets):
        pytest.skip(f'not every standard set is under {shared_datasets}')
    rep = check_root(shared_datasets)
    assert rep.ok, '\n'.join(rep.lines()[:20])
    assert sum(rep.checked.values()) == 510


def test_no_test_set_error_names_the_data_root_and_the_check(tmp_path):
    cfg = tmp_path / 'missing_sets.py'
    cfg.write_text(f"""_base_ = [{runtime_base()!r}]
from srbench.data.benchmarks import test_loaders
model = dict(type='SRModel', generator=dict(type='Bicubic'))
test_dataloader = test_loaders(['Set5'], [2], root={str(tmp_path / 'nothing')!r})
test_evaluator = [dict(type='PSNR')]
test_cfg = dict(type='MultiTestLoop', skip_missing=True)
""")
    line = error_line(run_tool([TOOLS / 'test.py', cfg, '--work-dir', tmp_path / 'wd']))
    assert 'no test set could be evaluated' in line
    assert 'SRBENCH_DATA_ROOT' in line and 'srbench data check' in line
