"""Shared fixtures: paths, running the tools in subprocesses, small real-photo data sets."""
from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TOOLS = REPO / 'tools'
HELPERS = Path(__file__).resolve().parent / 'helpers'

# srbench's on-disk array cache (srbench.utils.cache): a fresh folder per test session (the tools run in
# subprocesses inherit it), never the user's ~/.cache/srbench
if 'SRBENCH_CACHE_DIR' not in os.environ:
    os.environ['SRBENCH_CACHE_DIR'] = tempfile.mkdtemp(prefix='srbench-test-cache-')
    atexit.register(shutil.rmtree, os.environ['SRBENCH_CACHE_DIR'], True)


def tool_env(**extra) -> dict:
    env = dict(os.environ)
    env.setdefault('OMP_NUM_THREADS', '1')
    env['PYTHONPATH'] = os.pathsep.join([str(HELPERS)] + [p for p in [env.get('PYTHONPATH')] if p])
    env.update({k: str(v) for k, v in extra.items()})
    return env


def run_tool(args, env=None, timeout=600, cwd=REPO) -> subprocess.CompletedProcess:
    """Run ``python <args...>`` (a tool path or ``-m module``) and capture its output."""
    return subprocess.run([sys.executable, *map(str, args)], cwd=str(cwd), env=env or tool_env(),
                          capture_output=True, text=True, timeout=timeout)


def custom_hooks_cfg(*hooks: dict) -> str:
    """Config lines that import tests/helpers/srbench_test_hooks.py and use ``hooks`` as custom_hooks."""
    return ("custom_imports = dict(imports=['srbench_test_hooks'], allow_failed_imports=False)\n"
            f"custom_hooks = {list(hooks)!r}\n")


def error_line(proc) -> str:
    """The one ``srbench: error:`` line a failed tool must print (and no traceback)."""
    assert proc.returncode == 2, f'rc={proc.returncode}\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}'
    assert 'Traceback' not in proc.stderr, proc.stderr[-3000:]
    lines = [ln for ln in proc.stderr.splitlines() if ln.startswith('srbench: error:')]
    assert len(lines) == 1, proc.stderr[-3000:]
    return lines[0]


def benchmark_images(ds: str, n: int | None = None) -> list:
    """[(stem, decoded image)] of the first ``n`` (all) HR images of benchmark set ``ds``; the test is
    skipped with the reason when the set is not there."""
    from srbench.data.benchmarks import benchmark_root
    from srbench.data.io import imread, list_images
    d = os.path.join(benchmark_root(), ds, 'HR')
    if not os.path.isdir(d):
        pytest.skip(f'{ds} not found at {d} (set SRBENCH_DATA_ROOT)')
    files = list_images(d)
    return [(p.stem, imread(p)) for p in (files if n is None else files[:n])]


def step_image(h: int, w: int, seed: int):
    """uint8 H×W×3 image of hard vertical and horizontal steps between random levels: resizing it gives
    sums of weights that hit exact halves (odd sums included)."""
    import numpy as np
    rng = np.random.default_rng(seed)
    rows = np.repeat(rng.integers(0, 256, size=(h + 7) // 8), 8)[:h]
    cols = np.repeat(rng.integers(0, 256, size=(w + 5) // 6), 6)[:w]
    img = np.stack([rows[:, None] + 0 * cols[None], 0 * rows[:, None] + cols[None],
                    (rows[:, None] + cols[None]) % 256], axis=2)
    return img.astype(np.uint8)


@pytest.fixture(scope='session')
def photos(tmp_path_factory):
    """scikit-image's sample photos as PNG folders: (train HR dir, test HR dir)."""
    from srbench.apis.demo import prepare_photos
    return prepare_photos(tmp_path_factory.mktemp('photos'))


@pytest.fixture(scope='session')
def shared_datasets():
    from srbench.data.benchmarks import benchmark_root
    root = Path(benchmark_root())
    if not (root / 'Set5' / 'HR').is_dir():
        pytest.skip(f'benchmark data sets not found at {root} (set SRBENCH_DATA_ROOT)')
    return root


@pytest.fixture(scope='module')
def one_thread():
    """One intra-op thread for a module (``pytestmark = pytest.mark.usefixtures('one_thread')``): on a shared
    CPU, OpenMP threads that spin-wait for busy cores slow tiny workloads down by an order of magnitude."""
    import torch
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)
