"""A test run's start-up (srbench.apis.startup): MMEngine's optimizer registry is imported without
bitsandbytes' and transformers' optimizers, the packages stay importable, and a later training run in the
same process gets them back. In a subprocess: the test process has imported mmengine.optim already."""
import importlib.util
import subprocess
import sys

import pytest

CODE = r'''
import sys
from srbench.apis.startup import restore_optional_optimizers, skip_optional_optimizers
hidden = skip_optional_optimizers()
assert 'mmengine.optim' in sys.modules
assert not any(p in sys.modules for p in hidden), hidden
assert all(sys.modules.get(p, 0) is not None for p in ('bitsandbytes', 'transformers')), 'left blocked'
from mmengine.registry import OPTIMIZERS
assert 'Adafactor' not in OPTIMIZERS.module_dict
assert skip_optional_optimizers() == []            # once per process
restore_optional_optimizers()
assert 'Adafactor' in OPTIMIZERS.module_dict
print('ok', hidden)
'''


def test_test_runs_skip_optional_optimizers():
    if importlib.util.find_spec('transformers') is None:
        pytest.skip('transformers is not installed: nothing to skip')
    p = subprocess.run([sys.executable, '-c', CODE], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    assert 'transformers' in p.stdout


DEFERRED = r'''
import contextlib, io, json, sys
from srbench.cli import main
with contextlib.redirect_stdout(io.StringIO()) as out:
    assert main(['plugins', '--json']) == 0               # every command defers the optional optimizers
assert json.loads(out.getvalue())
assert 'bitsandbytes' not in sys.modules and 'transformers' not in sys.modules
from mmengine.config import Config
from mmengine.registry import OPTIMIZERS
import mmengine.optim                                       # (imported already, or now: the same)
assert 'Adafactor' not in OPTIMIZERS.module_dict
from srbench.apis.startup import needs_optional_optimizers, restore_optional_optimizers
adam = Config(dict(optim_wrapper=dict(type='OptimWrapper', optimizer=dict(type='Adam', lr=1e-3))))
ada = Config(dict(optim_wrapper=dict(constructor='X', optimizer=dict(type='Adafactor'))))
assert not needs_optional_optimizers(adam) and needs_optional_optimizers(ada)
restore_optional_optimizers()
assert 'Adafactor' in OPTIMIZERS.module_dict and not needs_optional_optimizers(ada)
print('ok')
'''


def test_commands_defer_optional_optimizers_and_a_config_naming_one_gets_them():
    if importlib.util.find_spec('transformers') is None:
        pytest.skip('transformers is not installed: nothing to skip')
    p = subprocess.run([sys.executable, '-c', DEFERRED], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    assert p.stdout.strip().splitlines()[-1] == 'ok'


LIGHT_RUN = r'''
import glob, sys
import numpy as np
root, out = sys.argv[1], sys.argv[2]
from srbench.apis import test
res = test(sys.argv[3], work_dir=out, cache=False)
assert 'torchvision' not in sys.modules, 'a test run imported torchvision'
assert 'matplotlib.figure' not in sys.modules, 'a test run made a matplotlib figure'
from mmengine.visualization import Visualizer
from srbench.engine.visualizer import LazyFigureVisualizer
vis = Visualizer.get_current_instance()
assert isinstance(vis, LazyFigureVisualizer), type(vis)
vis.set_image(np.zeros((20, 30, 3), np.uint8))              # drawing still works: the figure is made now
assert vis.get_image().shape == (20, 30, 3) and vis.dpi > 0 and 'matplotlib.figure' in sys.modules
log = open(sorted(glob.glob(out + '/*/*.log'))[-1]).read()
assert 'TorchVision:' in log and 'PyTorch:' in log, log[:2000]
assert res['complexity']['params'] == 0 and res['complexity']['macs'] == {'2': None}
print('ok')
'''


def test_a_test_run_logs_torchvision_without_importing_it(tmp_path):
    """MMEngine's environment log asks torchvision for its version by importing it (~0.5 s with torch's
    dynamo); srbench's runner reads it from the package metadata. Its visualizer makes no matplotlib figure
    until something draws. A network without parameters (Bicubic) has nothing to count for MACs: None,
    without running the counter."""
    if importlib.util.find_spec('torchvision') is None:
        pytest.skip('torchvision is not installed')
    import cv2
    import numpy as np

    from conftest import REPO
    hr = tmp_path / 'One' / 'HR'
    hr.mkdir(parents=True)
    cv2.imwrite(str(hr / 'a.png'), np.random.default_rng(0).integers(0, 256, (40, 36, 3), dtype=np.uint8))
    cfg = tmp_path / 'cfg.py'
    cfg.write_text(f"_base_ = ['{REPO / 'configs' / 'bicubic_x234.py'}']\n"
                   'from srbench.data.benchmarks import test_loaders\n'
                   f'test_dataloader = test_loaders(["One"], [2], root={str(tmp_path)!r})\n'
                   "test_evaluator = [dict(type='PSNR')]\n")
    p = subprocess.run([sys.executable, '-c', LIGHT_RUN, str(tmp_path), str(tmp_path / 'wd'), str(cfg)],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-3000:]
    assert p.stdout.strip().splitlines()[-1] == 'ok'
