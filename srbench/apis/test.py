"""test(): what ``tools/test.py`` calls -- evaluate every test set of a config and write the
results JSON (model, plugin, checkpoint, protocol, per-image and mean metrics, config, commit, date;
the schema is :mod:`srbench.results`).

Also recorded: how the network ran (``inference``: tiling, self-ensemble; :mod:`srbench.inference`), the
network's forward time per image of each test set (``runtime``: the median, on a named device; data loading
and metrics excluded), and its complexity (``complexity``: parameters, and multiply-accumulates per scale for
an HR output of :data:`MACS_FOR` pixels). ``save_images`` writes every SR output as
``<dir>/<dataset>/x<scale>/<image>.png`` (what was scored: the Y channel of Y networks as a gray PNG).
"""
from __future__ import annotations

import datetime as _dt
import itertools
import os
import subprocess
from pathlib import Path

from .. import __version__
from ..errors import ConfigError, SRBenchError, one_line
from ..results import RESULTS_FORMAT, CheckpointRecord, ModelRecord, Results, write_results  # noqa: F401
from ..utils.atomic import check_writable
from .common import load_config, model_info_of, validate_config, work_dir_for

_RUN_IDS = itertools.count()
MACS_FOR = (720, 1280)
"""HR size (height, width) the recorded MACs are for: a 720p output, as CARN/NTIRE report Mult-Adds."""


class _TestRecorderMethods:
    """What :func:`_test_recorder`'s MMEngine hook does (registered by :func:`test`; a plain class, so that
    importing this module does not import MMEngine's hooks -- :mod:`srbench.apis.startup`): after each test
    batch it keeps the network's forward time per image (``SRModel.last_forward_seconds``) and writes the SR
    images (``save_dir``); after each test set it adds the runtime to that set's result (the loop's last
    :class:`~srbench.results.SetResult`)."""
    priority = 'LOW'

    def __init__(self, save_dir=None):
        self.save_dir = save_dir
        self.times: list = []
        self.saved = 0

    @staticmethod
    def _model(runner):
        return runner.model.module if hasattr(runner.model, 'module') else runner.model

    def before_test_epoch(self, runner):
        self.times = []

    def after_test_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        t = getattr(self._model(runner), 'last_forward_seconds', None)
        n = len(outputs or []) or 1
        if t is not None:
            self.times += [t / n] * n
        if self.save_dir is None:
            return
        from ..inference.images import write_png
        from ..utils.uint8 import im2uint8
        for o in outputs or []:
            meta = o.get('metainfo') or {}
            img = im2uint8(o['pred'].detach().float().cpu().numpy()).transpose(1, 2, 0)
            img = img[:, :, 0] if img.shape[2] == 1 else img
            write_png(Path(self.save_dir) / str(meta.get('dataset', 'images')) / f'x{meta.get("scale")}'
                      / f'{meta.get("name", f"{batch_idx:05d}")}.png', img)
            self.saved += 1

    def after_test_epoch(self, runner, metrics=None):
        import statistics

        from ..inference.complexity import device_name
        loop = runner.test_loop
        if not self.times or not getattr(loop, 'results', None):
            return
        dev = next(iter(self._model(runner).parameters()), None)
        loop.results[-1].runtime = dict(
            seconds_per_image=statistics.median(self.times), mean=statistics.fmean(self.times),
            per_image=[round(t, 6) for t in self.times], images=len(self.times),
            device=device_name(dev.device if dev is not None else 'cpu'),
            measures='network forward per image (tiling and self-ensemble included; data loading and metrics '
                     'excluded), median over the test set')


_RECORDER_CLS: list = []


def _test_recorder(save_dir=None):
    """A :class:`_TestRecorderMethods` that is an MMEngine ``Hook`` (the class is made on the first call)."""
    if not _RECORDER_CLS:
        from mmengine.hooks import Hook
        _RECORDER_CLS.append(type('_TestRecorder', (_TestRecorderMethods, Hook), {}))
    return _RECORDER_CLS[0](save_dir)


def training_info(cfg, ckpt=None) -> dict | None:
    """What the weights were trained on, for the tables: the training data set(s) of the config (their
    ``name``, or the name of their folder / file), the iterations the checkpoint says it reached
    (``meta.iter`` of MMEngine checkpoints) and the config's ``max_iters``; None without a training config."""
    from ..models.sr_model import iter_dataset_cfgs
    dl = cfg.get('train_dataloader')
    if not isinstance(dl, dict):
        return None
    names = []
    for ds in iter_dataset_cfgs(dl.get('dataset')):
        n = ds.get('name')
        if n is None:
            for k in ('hr_dir', 'h5_path', 'lmdb_path', 'hr_lmdb', 'data_root'):
                if isinstance(ds.get(k), str) and ds[k]:
                    p = Path(ds[k])
                    n = p.parent.name if p.name.upper() in ('HR', 'GT') else p.stem
                    break
        if n and n not in names:
            names.append(str(n))
    iters = None
    if ckpt is not None:
        from ..engine import load_checkpoint_file
        obj = load_checkpoint_file(ckpt)
        meta = obj.get('meta') if isinstance(obj, dict) else None
        iters = meta.get('iter') if isinstance(meta, dict) else None
    max_iters = (cfg.get('train_cfg') or {}).get('max_iters')
    return dict(data='+'.join(names) or None, iters=iters, max_iters=max_iters)


def model_complexity(model, scales, hr_hw=MACS_FOR) -> dict:
    """Parameters and, per scale, the MACs of one forward for an HR output of ``hr_hw`` (counted on the meta
    device: nothing is computed; None where the network cannot run there, e.g. numpy inside)."""
    import copy

    import torch

    from ..inference.complexity import COUNTER, count_macs, count_parameters
    net = model.generator
    out = dict(count_parameters(net), macs={}, macs_for=list(hr_hw), counter=COUNTER)
    if out['params'] == 0:        # nothing the counter counts (Bicubic): not counted, as before, and faster
        out['macs'] = {str(s): None for s in scales}
        return out
    c = 1 if model.info.channels == 'y' else 3
    try:
        meta_net = copy.deepcopy(net).to('meta').eval()
    except Exception:  # noqa: BLE001 -- a network that cannot move to the meta device: no MACs
        return out
    for s in scales:
        h, w = (hr_hw[0] // s, hr_hw[1] // s) if model.info.input == 'lr' else hr_hw
        x = torch.zeros((1, c, h, w), device='meta')
        try:
            out['macs'][str(s)] = count_macs(
                (lambda t, s=s: meta_net(t, scale=s)) if model._gen_takes_scale else meta_net, x)
        except Exception:  # noqa: BLE001 -- numpy or data-dependent code: not countable this way
            out['macs'][str(s)] = None
    return out


def git_commit(start: str | Path | None = None) -> str | None:
    """HEAD of the git checkout holding ``start`` (or the cwd); None outside git."""
    try:
        out = subprocess.run(['git', 'rev-parse', 'HEAD'], cwd=str(start or os.getcwd()), capture_output=True,
                             text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    commit = out.stdout.strip()
    dirty = subprocess.run(['git', 'status', '--porcelain', '--untracked-files=no'],
                           cwd=str(start or os.getcwd()), capture_output=True, text=True, timeout=10)
    return commit + ('-dirty' if dirty.returncode == 0 and dirty.stdout.strip() else '')


def prepare_test_cfg(config, ckpt=None, work_dir=None, cfg_options=None, launcher='none'):
    from ..engine import load_checkpoint_file, setup_distributed
    cfg = load_config(config, cfg_options)
    if not cfg.get('test_dataloader'):
        raise ConfigError(f'config {cfg.filename_resolved} has no "test_dataloader"')
    if not cfg.get('test_evaluator'):
        raise ConfigError(f'config {cfg.filename_resolved} has no "test_evaluator"')
    gname, info, plugin = model_info_of(cfg)
    if ckpt is None and info.trainable:
        raise ConfigError(f'--ckpt is required: {gname} has weights (only weight-free models such as Bicubic '
                          'test without one)')
    validate_config(cfg)
    if ckpt is not None and not _is_released(ckpt):
        load_checkpoint_file(ckpt)   # exists and is a checkpoint: a clear error now
    cfg.work_dir = work_dir_for(cfg, work_dir)
    # unique name: two test runs in one process and one second must not share MMEngine's instances
    cfg.experiment_name = f'{Path(cfg.filename_resolved).stem}_test_{_dt.datetime.now():%Y%m%d_%H%M%S}' \
        f'_{os.getpid()}_{next(_RUN_IDS)}'
    tc = dict(cfg.get('test_cfg') or {})
    tc.setdefault('type', 'MultiTestLoop')
    cfg.test_cfg = tc
    cfg.load_from, cfg.resume = None, False
    for k in ('train_dataloader', 'train_cfg', 'optim_wrapper', 'param_scheduler', 'val_dataloader',
              'val_cfg', 'val_evaluator'):
        cfg.pop(k, None)
    setup_distributed(cfg, launcher)
    return cfg


def test(config, ckpt=None, out=None, work_dir=None, cfg_options=None, launcher='none', save_images=None,
         tile=None, tile_overlap=None, self_ensemble=False, cache=None) -> dict:
    """Evaluate ``config``'s test sets with the weights in ``ckpt`` and write the results JSON.

    ``save_images``: a folder for every SR output (``<dataset>/x<scale>/<image>.png``); ``tile``,
    ``tile_overlap``, ``self_ensemble``: how the network runs (override the config's ``model.test_cfg``);
    ``cache=False``: the test images' decoded pixels, LR and bicubic inputs are made afresh, not read from
    or written to srbench's on-disk cache (:mod:`srbench.utils.cache`; the numbers are the same).

    Returns the results dict (:meth:`srbench.results.Results.to_dict`; also written to ``out``, default
    ``<work_dir>/results.json``, whose path is added as ``'out'``).
    """
    from .startup import skip_optional_optimizers
    skip_optional_optimizers()         # before MMEngine's Runner is imported: no optimizer is built here
    from mmengine.dist import is_main_process

    from ..engine import load_weights, sha256_file
    from .train import build_runner
    raw = load_config(config, cfg_options)
    cfg = prepare_test_cfg(config, ckpt, work_dir, cfg_options, launcher)     # checks first: one clear error
    if cache is not None:
        set_dataset_cache(cfg, cache)
    training = training_info(raw, ckpt)
    gname, info, plugin = model_info_of(cfg)
    weights_file, provenance = ckpt, None
    if ckpt is not None and _is_released(ckpt):
        # the authors' released file: converted on the fly (same checks as `srbench convert`)
        gen_args = {k: v for k, v in dict(cfg.model.generator).items() if k != 'type'}
        weights_file, provenance = _convert_released(ckpt, gname, gen_args, cfg.work_dir)
    # refuse an output that cannot be written before the (long) evaluation, not after it
    check_writable(cfg.work_dir, 'work dir', is_dir=True)
    if out:
        check_writable(out, '--out')
    if save_images:
        check_writable(save_images, '--save-images', is_dir=True)
    runner = build_runner(cfg)
    model = runner.model.module if hasattr(runner.model, 'module') else runner.model
    if ckpt is not None:
        loaded = load_weights(model, weights_file, strict=True)
        if provenance is None:
            provenance = (loaded.get('meta') or {}).get('converted') if isinstance(loaded, dict) else None
        runner._has_loaded = True
    if tile is not None or tile_overlap is not None or self_ensemble:
        model.test_cfg = dict(tile=tile, tile_overlap=tile_overlap, self_ensemble=bool(self_ensemble))
    recorder = _test_recorder(save_images)
    runner.register_hook(recorder, priority='LOW')
    runner.test()
    loop = runner.test_loop
    rec = next((r for r in _records() if plugin is not None and r.ok and r.plugin is plugin), None)
    results = Results(
        srbench_version=__version__,
        date=_dt.datetime.now(_dt.timezone.utc).isoformat(timespec='seconds'),
        git_commit=git_commit(Path(cfg.filename_resolved).parent),
        config_path=str(Path(cfg.filename_resolved).resolve()),
        model=ModelRecord(type=cfg.model.type if isinstance(cfg.model.type, str) else cfg.model.type.__name__,
                          generator=gname, plugin=plugin.name if plugin else None,
                          plugin_version=rec.version if rec else None,
                          distribution=rec.distribution if rec else None,
                          input_kind=info.input, channels=info.channels, scales=list(info.scales),
                          multiscale=info.multiscale,
                          params=sum(p.numel() for p in model.parameters())),
        checkpoint=(CheckpointRecord(path=str(Path(ckpt).resolve()), sha256=sha256_file(ckpt),
                                     converted=provenance)
                    if ckpt else None),
        results=list(loop.results),
        skipped=list(loop.skipped),
        inference=model.test_cfg.as_dict(),
        complexity=model_complexity(model, sorted({r.scale for r in loop.results})),
        training=training if info.trainable else None,
        config=cfg.to_dict(),
    )
    res = results.to_dict()
    if is_main_process():
        kept = os.path.join(cfg.work_dir, 'results.json')     # always: computed results are never lost
        write_results(results, kept)
        if out and Path(out).resolve() != Path(kept).resolve():
            try:
                write_results(results, out)
            except (OSError, SRBenchError) as e:
                raise ConfigError(f'cannot write the results to --out {out} ({one_line(e)}); they are kept '
                                  f'in {kept}') from None
        res['out'] = str(out or kept)
    if save_images:
        res['saved_images'] = recorder.saved
    return res


def set_dataset_cache(cfg, cache: bool) -> None:
    """Set ``cache`` on every test dataset of ``cfg`` that takes it (``PairedImageDataset``)."""
    dls = cfg.test_dataloader if isinstance(cfg.test_dataloader, (list, tuple)) else [cfg.test_dataloader]
    for dl in dls:
        ds = dl.get('dataset') if isinstance(dl, dict) else None
        if isinstance(ds, dict) and ds.get('type') in ('PairedImageDataset', 'srbench.PairedImageDataset'):
            ds['cache'] = bool(cache)


def _is_released(ckpt) -> bool:
    from ..weights import is_released_file
    return is_released_file(ckpt)


def _convert_released(ckpt, gname: str, gen_args: dict, work_dir) -> tuple[str, dict]:
    """Convert a released file for a test run into the config's network (``gen_args``: its arguments, over
    the declaration's): the srbench checkpoint goes to ``<work_dir>/converted/<weights name>.pth``; returns
    its path and the provenance."""
    from ..weights import convert_file, save_converted
    conv = convert_file(ckpt, model=gname, args=gen_args)
    safe = ''.join(c if c.isalnum() or c in '-_.' else '_' for c in conv.weights.name)
    out = save_converted(conv, Path(work_dir) / 'converted' / f'{safe}.pth')
    meta = dict(conv.meta)
    meta['converted_checkpoint'] = str(out)
    return str(out), meta


def _records():
    from ..discovery import records
    return records()
