"""Checkpoints: weights-only loadable, atomic, clear errors; weights fit the model strictly."""
import collections
import pickle

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer

from srbench.engine import checkpoint as ck
from srbench.errors import CheckpointError


def mmengine_like_checkpoint():
    hb = HistoryBuffer()
    for v in (0.5, 0.25, 0.125):
        hb.update(v)
    return {'meta': {'iter': 10, 'seed': np.int64(7), 'cfg': 'model = dict()'},
            'state_dict': collections.OrderedDict(w=torch.arange(6.).reshape(2, 3)),
            'message_hub': {'log_scalars': collections.OrderedDict({'train/loss': hb}),
                            'runtime_info': {'iter': 10, 'arr': np.arange(3)},
                            'resumed_keys': {'iter': True}},
            'param_schedulers': [{'milestones': collections.Counter({60: 1, 90: 1}), 'last_step': 10}]}


def test_saved_checkpoint_loads_with_plain_weights_only_and_round_trips(tmp_path):
    f = tmp_path / 'iter_10.pth'
    ck.save_checkpoint(mmengine_like_checkpoint(), str(f))
    torch.load(f, weights_only=True)          # plain torch: no unsafe global needed
    back = ck.load_checkpoint_file(f)
    hb = back['message_hub']['log_scalars']['train/loss']
    assert isinstance(hb, HistoryBuffer) and hb.mean() == pytest.approx((0.5 + 0.25 + 0.125) / 3)
    assert back['param_schedulers'][0]['milestones'] == collections.Counter({60: 1, 90: 1})
    assert back['meta']['seed'] == 7
    assert np.array_equal(back['message_hub']['runtime_info']['arr'], np.arange(3))
    assert torch.equal(back['state_dict']['w'], torch.arange(6.).reshape(2, 3))
    assert not list(tmp_path.glob('.*tmp*'))


def test_interrupted_save_leaves_the_old_file_intact(tmp_path, monkeypatch):
    f = tmp_path / 'iter_10.pth'
    ck.save_checkpoint({'state_dict': {'w': torch.ones(2)}}, str(f))
    before = f.read_bytes()

    def boom(obj, fh, *a, **k):
        fh.write(b'partial')
        raise KeyboardInterrupt
    monkeypatch.setattr(ck.torch, 'save', boom)
    with pytest.raises(KeyboardInterrupt):
        ck.save_checkpoint({'state_dict': {'w': torch.zeros(2)}}, str(f))
    assert f.read_bytes() == before and not list(tmp_path.glob('.*tmp*'))


class Evil:
    def __reduce__(self):
        return (print, ('pwned',))


def test_pickled_objects_are_refused_with_a_clear_error(tmp_path):
    f = tmp_path / 'third_party.pth'
    torch.save({'state_dict': {'w': torch.ones(1)}, 'x': Evil()}, f)
    with pytest.raises(CheckpointError, match='third_party.pth pickles Python objects'):
        ck.load_checkpoint_file(f)
    g = tmp_path / 'plain.pkl'
    g.write_bytes(pickle.dumps({'a': 1}))
    with pytest.raises(CheckpointError, match='plain.pkl is not a checkpoint'):
        ck.load_checkpoint_file(g)
    with pytest.raises(CheckpointError, match='does not exist'):
        ck.load_checkpoint_file(tmp_path / 'missing.pth')


def test_load_weights_bare_generator_state_dict_and_strictness(tmp_path):
    from srbench.registry import MODELS
    import srbench._core  # noqa: F401
    from srbench.discovery import ensure_plugins_loaded
    ensure_plugins_loaded()
    model = MODELS.build(dict(type='SRModel', generator=dict(type='ESPCN', scale=3)))
    bare = {k: torch.full_like(v, 0.5) for k, v in model.generator.state_dict().items()}
    f = tmp_path / 'espcn_weights.pth'
    torch.save(bare, f)
    ck.load_weights(model, f)
    assert torch.all(model.generator.conv1.weight == 0.5)
    bad = dict(bare)
    bad['conv1.weight'] = torch.zeros(1, 1, 1, 1)
    torch.save(bad, f)
    with pytest.raises(CheckpointError, match='shape mismatch conv1.weight'):
        ck.load_weights(model, f)


def test_find_latest_checkpoint_survives_a_stale_pointer(tmp_path):
    for n in (5, 10):
        ck.save_checkpoint({'state_dict': {'w': torch.ones(1)}}, str(tmp_path / f'iter_{n}.pth'))
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'iter_99.pth'))
    assert ck.find_latest_checkpoint(tmp_path) == str(tmp_path / 'iter_10.pth')
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'iter_5.pth'))
    assert ck.find_latest_checkpoint(tmp_path) == str(tmp_path / 'iter_5.pth')


def test_find_latest_checkpoint_without_a_pointer(tmp_path):
    assert ck.find_latest_checkpoint(tmp_path) is None
    assert ck.find_latest_checkpoint(tmp_path / 'missing') is None
    for n in (2, 10, 9):
        ck.save_checkpoint({'state_dict': {'w': torch.ones(1)}}, str(tmp_path / f'iter_{n}.pth'))
    (tmp_path / 'iter_best.pth').write_bytes(b'')             # no number: ignored
    assert ck.find_latest_checkpoint(tmp_path) == str(tmp_path / 'iter_10.pth')


@pytest.mark.skipif(not torch.cuda.is_available(),
                    reason='needs a CUDA device (run benchmarks/gpu_session.sh)')
def test_checkpoint_loads_onto_a_gpu(tmp_path):
    # a resume on a GPU maps every tensor to the GPU, the encoded HistoryBuffer and arrays too
    f = tmp_path / 'iter_10.pth'
    ck.save_checkpoint(mmengine_like_checkpoint(), str(f))
    back = ck.load_checkpoint_file(f, map_location='cuda')
    assert back['state_dict']['w'].is_cuda
    assert list(back['message_hub']['log_scalars']['train/loss'].data[0]) == [0.5, 0.25, 0.125]
    assert back['message_hub']['runtime_info']['arr'].tolist() == [0, 1, 2]
