"""Resume without reloading the data already trained on (srbench.engine.train_loop): with a patch dataset
the resumed run moves the sampler on instead of replaying the loader, and still ends with exactly the weights
of an unbroken run; the multi-scale batch sampler skips whole batches the same way."""
import numpy as np
import pytest
import torch

from conftest import REPO, TOOLS, run_tool, custom_hooks_cfg

N = 16


def write_cfg(tmp, h5, val_dir, kill_at=None, workers=2):
    extra = custom_hooks_cfg(dict(type='KillAtIterHook', at=kill_at)) if kill_at else ''
    cfg = tmp / f'espcn_h5{"_kill" if kill_at else ""}.py'
    cfg.write_text(f"""_base_ = [{str(REPO / 'configs' / 'espcn_x3.py')!r}]
train_dataloader = dict(batch_size=4, num_workers={workers}, persistent_workers={workers > 0},
                        dataset=dict(h5_path={str(h5)!r}, in_memory=False))
val_dataloader = dict(dataset=dict(hr_dir={str(val_dir)!r}))
train_cfg = dict(max_iters={N}, val_interval=1000)
param_scheduler = [dict(type='MultiStepLR', by_epoch=False, milestones=[{N // 2 + 2}], gamma=0.5)]
default_hooks = dict(logger=dict(interval=4), checkpoint=dict(interval={N // 2}, max_keep_ckpts=5))
{extra}""")
    return cfg


@pytest.fixture(scope='module')
def h5(tmp_path_factory, photos):
    from srbench.apis.data_aug import data_aug
    out = tmp_path_factory.mktemp('h5') / 'espcn_x3.h5'
    s = data_aug([photos[0]], out, width=33, height=33, stride=21, upscale_factors=(3,), single_y=True,
                 progress=False, log=lambda *a: None)
    assert s['patches'] > 4 * N        # the 16 iterations do not wrap around the data
    return out


def weights(ckpt):
    return torch.load(ckpt, map_location='cpu', weights_only=True)['state_dict']


def test_resume_on_patches_skips_indices_and_matches_an_unbroken_run(tmp_path, photos, h5):
    full = tmp_path / 'full'
    p = run_tool([TOOLS / 'train.py', write_cfg(tmp_path, h5, photos[1]), '--work-dir', full])
    assert p.returncode == 0, p.stderr[-3000:]
    wd = tmp_path / 'wd'
    p = run_tool([TOOLS / 'train.py', write_cfg(tmp_path, h5, photos[1], kill_at=N // 2), '--work-dir', wd])
    assert p.returncode == -9
    p = run_tool([TOOLS / 'train.py', write_cfg(tmp_path, h5, photos[1]), '--work-dir', wd, '-r'])
    out = p.stdout + p.stderr
    assert p.returncode == 0, out[-3000:]
    assert f'moved the sampler on by {N // 2} batches without loading them' in out
    assert 'Advance dataloader' not in out and 'replaying' not in out
    a, b = weights(full / f'iter_{N}.pth'), weights(wd / f'iter_{N}.pth')
    for k in a:
        assert torch.equal(a[k], b[k]), f'{k} differs after the fast resume'
    mid = weights(wd / f'iter_{N // 2}.pth')
    assert any(not torch.equal(mid[k], b[k]) for k in b)


def test_scale_batch_sampler_skip_next_gives_the_rest_of_the_same_stream():
    from mmengine.dataset import InfiniteSampler

    from srbench.data.samplers import ScaleBatchSampler

    class DS:
        sample_scales = np.array([2, 3, 4] * 20)

        def __len__(self):
            return 60

    def batches(skip, n):
        bs = ScaleBatchSampler(InfiniteSampler(DS(), shuffle=True, seed=5), batch_size=4)
        if skip:
            bs.skip_next(skip)
        it = iter(bs)
        return [next(it) for _ in range(n)]

    ref = batches(0, 30)
    assert batches(12, 18) == ref[12:]
    assert len({DS.sample_scales[i] for b in ref for i in b[:1]}) == 3      # the batches mix scales
    assert all(len({int(DS.sample_scales[i]) for i in b}) == 1 for b in ref)


def test_training_after_validation_is_back_in_train_mode(tmp_path, photos, h5):
    # the loop calls model.train() only when the mode changed (after validation), not at every iteration
    cfg = write_cfg(tmp_path, h5, photos[1])
    cfg.write_text(cfg.read_text() + custom_hooks_cfg(dict(type='AssertTrainModeHook')) +
                   "train_cfg = dict(max_iters=6, val_interval=2)\n")
    p = run_tool([TOOLS / 'train.py', cfg, '--work-dir', tmp_path / 'wd'])
    out = p.stdout + p.stderr
    assert p.returncode == 0, out[-3000:]
    assert out.count('Iter(val)') == 3          # validated after iterations 2, 4 and 6, trained in between
