"""Evaluation on two threads (srbench.utils.parallel, MultiTestLoop's metric thread): the same numbers bit
for bit as one thread, errors of the metric thread raised in the caller naming the image, and the switch."""
import json

import cv2
import numpy as np
import pytest

from conftest import REPO


def _set(tmp_path, sizes, seed=3):
    rng = np.random.default_rng(seed)
    hr = tmp_path / 'Few' / 'HR'
    hr.mkdir(parents=True)
    for i, (h, w) in enumerate(sizes):
        img = cv2.GaussianBlur(rng.integers(0, 256, (h, w, 3), dtype=np.uint8), (5, 5), 1.2)
        cv2.imwrite(str(hr / f'im{i}.png'), img)
    return tmp_path


def _cfg(tmp_path, root, extra=''):
    cfg = tmp_path / 'cfg.py'
    cfg.write_text(f"_base_ = ['{REPO / 'configs' / 'bicubic_x234.py'}']\n"
                   'from srbench.data.benchmarks import test_loaders\n'
                   f'test_dataloader = test_loaders(["Few"], [2, 3], root={str(root)!r})\n'
                   "test_evaluator = [dict(type='PSNR'), dict(type='SSIM')]\n"
                   'test_cfg = dict(type="MultiTestLoop", skip_missing=False)\n' + extra)
    return cfg


def _per_image(res):
    return [(r['dataset'], r['scale'], r['per_image'], r['metrics']) for r in res['results']]


def test_threads_give_the_same_numbers_bit_for_bit(tmp_path, monkeypatch):
    from srbench.apis import test
    root = _set(tmp_path, [(96, 120), (75, 61), (130, 90), (64, 64)])
    cfg = _cfg(tmp_path, root)
    kw = dict(work_dir=str(tmp_path / 'wd'), cache=False)
    monkeypatch.setenv('SRBENCH_THREADS', '2')
    two = test(str(cfg), out=str(tmp_path / 'two.json'), **kw)
    monkeypatch.setenv('SRBENCH_THREADS', '1')
    one = test(str(cfg), out=str(tmp_path / 'one.json'), **kw)
    monkeypatch.delenv('SRBENCH_THREADS')
    off = test(str(_cfg(tmp_path, root, 'test_cfg.update(metric_thread=False)\n')),
               out=str(tmp_path / 'off.json'), **kw)
    assert _per_image(two) == _per_image(one) == _per_image(off)
    assert len(two['results']) == 2 and all(len(r['per_image']) == 4 for r in two['results'])
    saved = json.loads((tmp_path / 'two.json').read_text())
    names = [row['name'] for row in saved['results'][0]['per_image']]
    assert names == ['im0', 'im1', 'im2', 'im3']                 # in the data set's order


def test_an_error_in_the_metric_thread_names_the_image(tmp_path, monkeypatch):
    from srbench.apis import test
    from srbench.errors import DataError
    monkeypatch.setenv('SRBENCH_THREADS', '2')
    root = _set(tmp_path, [(60, 60), (14, 40), (60, 60)])      # im1 at x2: 10 rows after the border crop
    with pytest.raises(DataError, match=r"SSIM: image 'im1'.*smaller than the 11x11 SSIM window"):
        test(str(_cfg(tmp_path, root)), work_dir=str(tmp_path / 'wd'), cache=False)


def test_ssim_halves_are_the_same_with_one_or_two_threads(monkeypatch):
    from srbench.metrics.ssim import ssim, ssim_map
    rng = np.random.default_rng(0)
    a = np.round(rng.uniform(0, 255, (157, 83)))
    b = np.clip(a + np.round(rng.normal(0, 9, a.shape)), 0, 255)
    monkeypatch.setenv('SRBENCH_THREADS', '2')
    v2, m2 = ssim(a, b), ssim_map(a, b)
    monkeypatch.setenv('SRBENCH_THREADS', '1')
    v1, m1 = ssim(a, b), ssim_map(a, b)
    assert v1 == v2 and np.array_equal(m1, m2) and m1.shape == (147, 73)


def test_both_runs_the_two_parts_and_raises_their_errors(monkeypatch):
    from srbench.utils.parallel import both, eval_threads
    monkeypatch.setenv('SRBENCH_THREADS', '2')
    assert eval_threads() == 2
    assert both(lambda: 1, lambda: 2) == (1, 2)

    def bad():
        raise ValueError('second part failed')
    with pytest.raises(ValueError, match='second part failed'):
        both(lambda: 1, bad)
    with pytest.raises(KeyError):
        both(lambda: {}['x'], lambda: 2)
    assert both(lambda: 3, lambda: 4) == (3, 4)                  # the helper thread still works


def test_threads_setting_is_checked(monkeypatch):
    from srbench.errors import ConfigError
    from srbench.utils.parallel import eval_threads
    monkeypatch.setenv('SRBENCH_THREADS', 'two')
    with pytest.raises(ConfigError, match=r'\$SRBENCH_THREADS must be a whole number of threads'):
        eval_threads()
    monkeypatch.setenv('SRBENCH_THREADS', '0')
    assert eval_threads() == 1
    monkeypatch.delenv('SRBENCH_THREADS')
    assert 1 <= eval_threads() <= 2


def test_pipeline_keeps_order_and_raises_errors(monkeypatch):
    from srbench.utils.parallel import pipeline
    monkeypatch.setenv('SRBENCH_THREADS', '2')
    assert pipeline(iter(range(7)), lambda x: x * x) == [0, 1, 4, 9, 16, 25, 36]
    assert pipeline(iter([]), lambda x: x) == []

    def boom(x):
        if x == 3:
            raise ValueError('item 3')
        return x
    with pytest.raises(ValueError, match='item 3'):
        pipeline(iter(range(6)), boom)

    def bad_items():
        yield 1
        raise KeyError('making item 2')
    with pytest.raises(KeyError, match='making item 2'):
        pipeline(bad_items(), lambda x: x)
    monkeypatch.setenv('SRBENCH_THREADS', '1')
    assert pipeline(iter(range(3)), lambda x: -x) == [0, -1, -2]


def test_ifc_is_the_same_with_one_or_two_threads(monkeypatch):
    from srbench.metrics.ifc import ifc
    rng = np.random.default_rng(5)
    a = np.cumsum(np.round(rng.uniform(0, 255, (150, 133))), axis=0) % 256
    b = np.clip(a + np.round(rng.normal(0, 6, a.shape)), 0, 255)
    monkeypatch.setenv('SRBENCH_THREADS', '2')
    two = [ifc(a, b), ifc(b, a), ifc(a, b)]
    monkeypatch.setenv('SRBENCH_THREADS', '1')
    one = [ifc(a, b), ifc(b, a), ifc(a, b)]
    assert one == two and two[0] == two[2] and two[0] != two[1]


def _samples(n, seed=0):
    import torch
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        gt = torch.from_numpy(rng.integers(0, 256, (3, 40 + i, 37), dtype=np.uint8)).float() / 255
        pred = (gt + torch.from_numpy(rng.normal(0, 0.03, gt.shape)).float()).clamp(0, 1)
        meta = dict(scale=2) if i % 3 == 1 else dict(name=f'im{i}', scale=2)      # some without a name
        out.append([dict(pred=pred, gt=gt, metainfo=meta)])
    return out


def _run_worker(metrics, threads, batches):
    from mmengine.evaluator import Evaluator

    from srbench.engine.loops import _MetricWorker
    ev = Evaluator(metrics)
    with _MetricWorker(ev, threads) as w:
        for b in batches:
            w.submit(b, None)
        used = w.threads
    return used, [list(m.results) for m in ev.metrics]


def test_two_metric_threads_store_rows_in_order_and_fall_back_for_other_metrics():
    from srbench.metrics import PSNR, SSIM

    class OwnProcess(PSNR):                 # a metric with its own process(): one thread keeps its order
        def process(self, data_batch, data_samples):
            super().process(data_batch, data_samples)
    batches = _samples(9)
    used0, plain = _run_worker([PSNR(), SSIM()], 0, batches)
    used2, two = _run_worker([PSNR(), SSIM()], 2, batches)
    used1, one = _run_worker([OwnProcess(), SSIM()], 2, batches)
    assert (used0, used2, used1) == (0, 2, 1)
    assert two == plain and one == plain
    assert [r['name'] for r in plain[0]] == ['im0', '1', 'im2', 'im3', '4', 'im5', 'im6', '7', 'im8']
