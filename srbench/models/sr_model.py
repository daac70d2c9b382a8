"""The MMEngine model that wraps every SR network.

``SRModel`` owns what all papers share -- the pixel loss, the input checks, the scale -- and
delegates the network to ``generator`` (a MODELS entry from a plugin). What the pipeline needs to
know about the network (input kind, channels, scales, input sizes) comes from the plugin's declaration
(:class:`srbench.spec.ModelInfo`), never from its name. The same declaration completes the data configs: the
Runner's loops ask the model (:meth:`SRModel.complete_dataloader_cfg`) to fill every dataset's
``input_kind`` and ``channels`` before they build the datasets, so a config runs in a plain MMEngine
``Runner.from_cfg`` as well as through srbench's tools.

Papers with special training (recursive supervision, multi-level losses) subclass ``SRModel`` and
override :meth:`forward_train`, asking their network for the intermediate outputs through an explicit
method; the network's ``forward`` returns the SR image in every mode.
"""
from __future__ import annotations

import copy
import inspect
import time

import torch
from mmengine.model import BaseDataPreprocessor, BaseModel

from ..errors import ConfigError, ModelInputError
from ..inference.tile import TileSpec, receptive_field_of, run_network
from ..lookup import check_registered, find_model
from ..registry import DATASETS, MODELS
from ..spec import ModelInfo, SizeRequirements


def _center_crop_to(x: torch.Tensor, hw) -> torch.Tensor:
    dh, dw = x.shape[-2] - hw[0], x.shape[-1] - hw[1]
    if dh == 0 and dw == 0:
        return x
    return x[..., dh // 2:dh // 2 + hw[0], dw // 2:dw // 2 + hw[1]]


def _as_list(x):
    if x is None:
        return []
    return list(x) if isinstance(x, (list, tuple)) else [x]


def iter_dataset_cfgs(ds):
    """Dataset configs, through wrappers (``dataset=``) and concatenations (``datasets=[...]``)."""
    if not isinstance(ds, dict):
        return
    yield ds
    if isinstance(ds.get('dataset'), dict):
        yield from iter_dataset_cfgs(ds['dataset'])
    for d in _as_list(ds.get('datasets')):
        yield from iter_dataset_cfgs(d)


def fill_data_meta(dataloader, where: str, gname: str, info: ModelInfo, plugin=None,
                   fixed_scale=None) -> None:
    """Complete a dataloader config from a network's declaration, in place: every dataset config (through
    wrappers and concatenations) whose class takes ``input_kind``/``channels`` and leaves them unset gets
    the network's; a value that contradicts the declaration, a scale the network does not support, or a
    scale other than a single-scale network's ``fixed_scale`` is one ConfigError naming the key (``where``
    is the config key of the dataloader, e.g. ``'train_dataloader'``)."""
    if not isinstance(dataloader, dict):
        return
    for i, ds in enumerate(iter_dataset_cfgs(dataloader.get('dataset'))):
        t = ds.get('type')
        if t is None:
            continue
        if isinstance(t, str):
            check_registered('dataset', DATASETS, t)
            cls = DATASETS.get(t)
        else:
            cls = t
        try:
            params = inspect.signature(cls.__init__).parameters
        except (TypeError, ValueError):
            params = {}
        at = f'{where}.dataset' + ('' if i == 0 else f' ({t})')
        for k, want in (('input_kind', info.input), ('channels', info.channels)):
            if k not in params:
                continue
            have = ds.get(k)
            if have is None:
                ds[k] = want
            elif have != want:
                raise ConfigError(
                    f'{at}.{k}={have!r}, but {gname}' + (f' (plugin {plugin.name!r})' if plugin else '')
                    + f' takes {k}={want!r}; remove the key to use the model\'s own')
        scales = ds.get('scales') or ([ds['scale']] if ds.get('scale') is not None else [])
        for s in _as_list(scales):
            if s not in info.scales:
                raise ConfigError(f'{at}: scale x{s} is not supported by {gname}; supported: '
                                  + ', '.join(f'x{v}' for v in info.scales))
            if fixed_scale is not None and s != fixed_scale:
                raise ConfigError(f'{at}: scale x{s}, but model.generator.scale={fixed_scale} '
                                  f'({gname} is a single-scale network)')


@MODELS.register_module()
class SRDataPreprocessor(BaseDataPreprocessor):
    """Moves a batch of the srbench layout (:func:`srbench.data.sr_collate`) to the model's device.

    Only the tensors are visited (``inputs`` and the tensors of ``data_samples``); the per-sample
    ``metainfo`` dicts pass through as they are. MMEngine's ``BaseDataPreprocessor`` walks every nested
    dict and list, which costs a light model a few percent of its training step. Any other layout is
    handed to ``BaseDataPreprocessor``.
    """

    def forward(self, data, training: bool = False):
        samples = data.get('data_samples') if isinstance(data, dict) else None
        if not isinstance(data, dict) or not isinstance(data.get('inputs'), torch.Tensor) or \
                not isinstance(samples, (dict, type(None))):
            return super().forward(data, training)
        out = dict(data, inputs=self.cast_data(data['inputs']))
        if samples is not None:
            out['data_samples'] = {k: (v if k == 'metainfo' else self.cast_data(v))
                                   for k, v in samples.items()}
        return out


@MODELS.register_module()
class SRModel(BaseModel):
    """Single-image SR model.

    Args:
        generator: config of the network (a MODELS type declared by a plugin).
        pixel_loss: config of the loss (``MSELoss``, ``L1Loss``, ``CharbonnierLoss``, ...).
        input_kind, channels, scales, multiscale: only for networks that no plugin declares; must
            agree with the declaration otherwise.
        data_preprocessor: MMEngine data preprocessor (default: :class:`SRDataPreprocessor`, which moves the
            batch's tensors to the device).
        test_cfg: how the network runs at test time (predict mode): ``dict(tile=None, tile_overlap=None,
            self_ensemble=False)`` -- tiles of ``tile`` input pixels with ``tile_overlap`` pixels of context
            (default: the network's receptive field), x8 self-ensemble (:mod:`srbench.inference`). Settable
            later: ``model.test_cfg = dict(tile=256)``. Training never uses it.
    """

    def __init__(self, generator: dict, pixel_loss: dict | None = None, input_kind: str | None = None,
                 channels: str | None = None, scales=None, multiscale: bool | None = None,
                 data_preprocessor: dict | None = None, init_cfg: dict | None = None,
                 test_cfg: dict | None = None):
        super().__init__(data_preprocessor=data_preprocessor or SRDataPreprocessor(),
                         init_cfg=init_cfg)
        if not isinstance(generator, dict) or 'type' not in generator:
            raise ConfigError(f'model.generator must be a dict with a "type", got {generator!r}')
        gtype = generator['type']
        gname = gtype if isinstance(gtype, str) else getattr(gtype, '__name__', str(gtype))
        if isinstance(gtype, str):
            check_registered('model', MODELS, gtype)
        found = find_model(gname)
        explicit = dict(input=input_kind, channels=channels, scales=tuple(scales) if scales else None,
                        multiscale=multiscale)
        if found is not None:
            info, self.plugin, self.plugin_record = found
            for k, v in explicit.items():
                if v is not None and v != getattr(info, k):
                    raise ConfigError(f'model.{"input_kind" if k == "input" else k}={v!r} contradicts '
                                      f'plugin {self.plugin.name!r}, which declares {k}={getattr(info, k)!r} '
                                      f'for {gname}')
        else:
            if input_kind is None or channels is None or not scales:
                raise ConfigError(f'{gname} is not declared by any plugin: give model.input_kind, '
                                  f'model.channels and model.scales, or declare it in a plugin '
                                  f'(srbench.spec.ModelInfo)')
            info = ModelInfo(input=input_kind, channels=channels, scales=tuple(scales),
                             multiscale=bool(multiscale))
            self.plugin, self.plugin_record = None, None
        self.info = info
        self.generator_name = gname
        self.generator = MODELS.build(generator)
        fixed = getattr(self.generator, 'scale', None)
        self.fixed_scale = None if info.multiscale else (int(fixed) if fixed is not None else None)
        if self.fixed_scale is not None and self.fixed_scale not in info.scales:
            raise ModelInputError(f'{gname}: scale {self.fixed_scale} is not supported; '
                                  f'supported scales: {", ".join(map(str, info.scales))}')
        try:
            self._gen_takes_scale = 'scale' in inspect.signature(self.generator.forward).parameters
        except (TypeError, ValueError):
            self._gen_takes_scale = False
        self.pixel_loss = MODELS.build(pixel_loss) if pixel_loss else None
        self.test_cfg = test_cfg
        self.last_forward_seconds: float | None = None   # the last test-time forward (tools/test.py)

    # -- test-time settings ----------------------------------------------------------------
    @property
    def test_cfg(self) -> TileSpec:
        """Tiling and self-ensemble at test time (:class:`srbench.inference.TileSpec`)."""
        return self._test_spec

    @test_cfg.setter
    def test_cfg(self, cfg) -> None:
        self._test_spec = TileSpec.from_cfg(cfg)

    # -- the declaration applied -----------------------------------------------------------
    def complete_dataloader_cfg(self, dataloader, where: str = 'dataloader'):
        """A copy of a dataloader config whose datasets' ``input_kind``/``channels`` are filled from this
        network's declaration and checked against it, scales included (:func:`fill_data_meta`). srbench's
        loops call it before they build their datasets; a built DataLoader is returned as it is."""
        if not isinstance(dataloader, dict):
            return dataloader
        dataloader = copy.deepcopy(dataloader)
        fill_data_meta(dataloader, where, self.generator_name, self.info, self.plugin, self.fixed_scale)
        return dataloader

    def size_requirements(self) -> SizeRequirements:
        """The input sizes the network accepts now: its declaration (``ModelInfo.size``), made stricter by the
        network's own ``size_requirements()`` when it defines one (a requirement that depends on constructor
        arguments or on the training/eval mode, see :class:`srbench.spec.SizeRequirements`)."""
        req = self.info.size
        own = getattr(self.generator, 'size_requirements', None)
        if callable(own):
            req = req.combine(own())
        return req

    # -- checks ----------------------------------------------------------------------------
    def _resolve_scale(self, metainfo, scale=None) -> int:
        if scale is None and metainfo:
            scale = metainfo[0].get('scale')
        if scale is None:
            scale = self.fixed_scale
        if scale is None:
            raise ModelInputError(f'{self.generator_name} serves several scales: the batch must say which '
                                  '(metainfo["scale"]) or pass scale=')
        scale = int(scale)
        if scale not in self.info.scales:
            raise ModelInputError(f'{self.generator_name} does not support scale x{scale}; supported: '
                                  + ', '.join(f'x{s}' for s in self.info.scales))
        if self.fixed_scale is not None and scale != self.fixed_scale:
            raise ModelInputError(f'this {self.generator_name} was built for x{self.fixed_scale}, but the '
                                  f'data is x{scale}; use a model built for x{scale} '
                                  f'(generator.scale={scale})')
        return scale

    def _check_inputs(self, inputs, gt, scale):
        if not isinstance(inputs, torch.Tensor) or inputs.ndim != 4:
            raise ModelInputError(f'{self.generator_name}: expected a batch tensor N×C×H×W, got '
                                  f'{tuple(getattr(inputs, "shape", ())) or type(inputs).__name__}')
        want_c = 1 if self.info.channels == 'y' else 3
        if inputs.shape[1] != want_c:
            raise ModelInputError(
                f'{self.generator_name} takes {self.info.channels.upper()} input ({want_c} channel'
                f'{"s" if want_c > 1 else ""}), got {inputs.shape[1]} channels; set the dataset\'s '
                f'channels={self.info.channels!r} (srbench fills it from the plugin metadata unless the '
                f'config overrides it)')
        ih, iw = inputs.shape[-2:]
        if gt is not None:
            gh, gw = gt.shape[-2:]
            if self.info.input == 'lr' and (ih * scale, iw * scale) != (gh, gw):
                kind = 'HR-sized (bicubic-upsampled)' if (ih, iw) == (gh, gw) else f'{iw}x{ih}'
                raise ModelInputError(
                    f'{self.generator_name} takes the LR image (HR size / {scale}), got {kind} input for a '
                    f'{gw}x{gh} HR; set the dataset\'s input_kind="lr"')
            if self.info.input == 'bicubic' and (ih, iw) != (gh, gw):
                raise ModelInputError(
                    f'{self.generator_name} takes the LR image bicubic-upsampled to the HR size ({gw}x{gh}), '
                    f'got {iw}x{ih} input; set the dataset\'s input_kind="bicubic"')
        # the one place where the sizes a network accepts are checked (ModelInfo.size + the network's own)
        req = self.size_requirements()
        if not req.check(ih, iw):
            raise ModelInputError(
                f'{self.generator_name} takes inputs of {req.describe()}'
                + (f' ({req.note}, {"training" if self.training else "eval"} mode)' if req.note else '')
                + f', got {iw}x{ih}')

    # -- forward ---------------------------------------------------------------------------
    def run_generator(self, inputs: torch.Tensor, scale: int):
        return self.generator(inputs, scale=scale) if self._gen_takes_scale else self.generator(inputs)

    def receptive_field(self):
        """The network's receptive field (its ``receptive_field()``, else the declaration's)."""
        return receptive_field_of(self.generator, self.info)

    def test_forward(self, inputs: torch.Tensor, scale: int) -> torch.Tensor:
        """The SR output of checked inputs at test time: the network, tiled and/or self-ensembled as
        :attr:`test_cfg` says (:func:`srbench.inference.run_network`); its wall time (device synchronised) is
        kept in ``last_forward_seconds``."""
        spec = self.test_cfg
        sync = inputs.device.type == 'cuda'
        if sync:
            torch.cuda.synchronize(inputs.device)
        t = time.perf_counter()
        if spec.tile is None and not spec.self_ensemble:
            out = self.run_generator(inputs, scale)
        else:
            out = run_network(lambda x: self.run_generator(x, scale), inputs,
                              out_scale=scale if self.info.input == 'lr' else 1, spec=spec,
                              receptive_field=self.receptive_field(), req=self.size_requirements(),
                              name=self.generator_name)
        if sync:
            torch.cuda.synchronize(inputs.device)
        self.last_forward_seconds = time.perf_counter() - t
        return out

    def compute_loss(self, outputs, gt: torch.Tensor, data_samples) -> dict:
        """Pixel loss; a generator output smaller than the HR (valid convolutions) is compared with
        the centre of the HR."""
        if self.pixel_loss is None:
            raise ConfigError(f'model.pixel_loss is not set: {self.generator_name} cannot be trained '
                              'without a loss')
        return dict(loss=self.pixel_loss(outputs, _center_crop_to(gt, outputs.shape[-2:])))

    def forward_train(self, inputs: torch.Tensor, gt: torch.Tensor, data_samples, scale: int) -> dict:
        """The losses of a checked training batch: the generator's SR image against ``gt``."""
        return self.compute_loss(self.run_generator(inputs, scale), gt, data_samples)

    def forward(self, inputs, data_samples=None, mode: str = 'tensor', scale=None):
        meta = data_samples.get('metainfo') if isinstance(data_samples, dict) else None
        gt = data_samples.get('gt') if isinstance(data_samples, dict) else None
        s = self._resolve_scale(meta, scale)
        self._check_inputs(inputs, gt, s)
        if mode == 'loss':
            if gt is None:
                raise ModelInputError('training needs ground truth (data_samples["gt"])')
            return self.forward_train(inputs, gt, data_samples, s)
        if mode == 'tensor':
            return self.run_generator(inputs, s)
        if mode == 'predict':
            out = self.test_forward(inputs, s)
            if gt is not None and out.shape[-2:] != gt.shape[-2:]:
                raise ModelInputError(
                    f'{self.generator_name} produced {out.shape[-1]}x{out.shape[-2]} for a '
                    f'{gt.shape[-1]}x{gt.shape[-2]} HR; a network with valid (unpadded) convolutions must be '
                    'tested in its padded mode')
            n = out.shape[0]
            return [dict(pred=out[i], gt=None if gt is None else gt[i], metainfo=(meta[i] if meta else {}))
                    for i in range(n)]
        raise ConfigError(f'unknown forward mode {mode!r}; expected "loss", "predict" or "tensor"')
