"""What a plugin author writes: the declaration of a plugin and of its networks.

This module is a leaf: it imports nothing of srbench but :mod:`srbench.errors`, and no torch, so that a
plugin's declaration stays cheap to import (``python -m srbench plugins`` and the data pipeline read
declarations without importing any network). A plugin is one paper; its distribution declares an entry
point in the group ``srbench.plugins`` (:data:`GROUP`) that names a :class:`Plugin` (or a callable
returning one)::

    # pyproject.toml of the plugin's distribution
    [project.entry-points."srbench.plugins"]
    wdsr = "srbench_plugin_wdsr:plugin"

    # srbench_plugin_wdsr/__init__.py
    from srbench.spec import ModelInfo, Plugin
    plugin = Plugin(
        name='wdsr',
        modules=['srbench_plugin_wdsr.wdsr_arch'],          # imported to register the networks
        models={'WDSR': ModelInfo(input='lr', channels='rgb', scales=(2, 3, 4))},
        configs='configs',                                  # folder, relative to the package
        reference='paper.json',                             # the paper's numbers (dataset x scale x metric)
        paper=dict(title='...', year=2018, url='https://arxiv.org/abs/1808.08718'))

A network is declared once: its class is registered (``@MODELS.register_module()`` in the plugin's
module) and its :class:`ModelInfo` says what the pipeline needs to know about it. What each plugin
registered is read from the registries by discovery (:mod:`srbench.discovery`); lookups by network name
are in :mod:`srbench.lookup`.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import PluginError

GROUP = 'srbench.plugins'
"""The entry-point group every plugin (first-party included) is found through."""
ENV_DISABLE = 'SRBENCH_PLUGINS_DISABLE'
"""``SRBENCH_PLUGINS_DISABLE=a,b``: skip these plugins (plugin, entry-point or distribution name)."""
ENV_AUTOLOAD = 'SRBENCH_PLUGINS_AUTOLOAD'
"""``SRBENCH_PLUGINS_AUTOLOAD=0``: no discovery; only what a config imports explicitly is registered."""

INPUT_KINDS = ('lr', 'bicubic')
"""What a network takes: the LR image, or the LR image bicubic-upsampled to the HR size."""
CHANNELS = ('y', 'rgb')
"""What a network works on: the luminance of YCbCr, or RGB."""
GLOBAL = 'global'
"""A receptive field that is the whole image (global pooling, e.g. RCAN's channel attention, or a fully
connected layer): tiled inference cannot equal untiled inference."""


@dataclass(frozen=True)
class SizeRequirements:
    """The input sizes a network accepts (the height and width of the tensor it is given: the LR image
    for ``input='lr'``, the HR-sized image for ``input='bicubic'``), in the spirit of spandrel's
    ``SizeRequirements``. srbench checks them in one place (:class:`srbench.models.SRModel`, before the
    network runs) and reports a violation as one :class:`~srbench.errors.ModelInputError`.

    Args:
        minimum: the smallest height and width, in pixels.
        multiple_of: height and width must be multiples of this.
        note: why (shown in the error message), e.g. ``'valid convolutions'``.
        exact: the one height and width accepted (networks with a fixed input size, e.g. GLEAN's encoder
            ending in a fully connected layer); ``None``: any size within ``minimum`` / ``multiple_of``.

    A requirement that depends on how the network was built (SRCNN with valid convolutions: minimum =
    2 * border + 1) is given by the network itself: a network may define a method
    ``size_requirements(self) -> SizeRequirements | None`` that returns the requirement of the instance in
    its current mode (``self.training``); SRModel then checks the stricter of that and the declaration
    (:meth:`combine`).
    """
    minimum: int = 1
    multiple_of: int = 1
    note: str = field(default='', compare=False)
    exact: int | None = None

    def __post_init__(self):
        for k in ('minimum', 'multiple_of', 'exact'):
            v = getattr(self, k)
            if k == 'exact' and v is None:
                continue
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise PluginError(f'SizeRequirements.{k} must be a positive integer, got {v!r}')

    @property
    def none(self) -> bool:
        """True when every size of at least one pixel is accepted."""
        return self.minimum == 1 and self.multiple_of == 1 and self.exact is None

    def combine(self, other: SizeRequirements | None) -> SizeRequirements:
        """The requirement that satisfies both (the larger minimum, the least common multiple)."""
        if other is None or other == self:
            return self
        note = '; '.join(n for n in (self.note, other.note) if n)
        if self.exact is not None and other.exact is not None and self.exact != other.exact:
            raise PluginError(f'two fixed input sizes cannot both hold: {self.exact} and {other.exact}')
        return SizeRequirements(max(self.minimum, other.minimum),
                                math.lcm(self.multiple_of, other.multiple_of), note,
                                self.exact if self.exact is not None else other.exact)

    def check(self, height: int, width: int) -> bool:
        """True when an input of ``height`` x ``width`` pixels is accepted."""
        if self.exact is not None and (height, width) != (self.exact, self.exact):
            return False
        return (min(height, width) >= self.minimum
                and height % self.multiple_of == 0 and width % self.multiple_of == 0)

    def describe(self) -> str:
        """'at least 13x13 pixels, sides a multiple of 4' (what the error messages and listings say)."""
        parts = []
        if self.exact is not None:
            parts.append(f'exactly {self.exact}x{self.exact} pixels')
        if self.minimum > 1:
            parts.append(f'at least {self.minimum}x{self.minimum} pixels')
        if self.multiple_of > 1:
            parts.append(f'height and width multiples of {self.multiple_of}')
        return ', '.join(parts) or 'any size'

    def as_dict(self) -> dict:
        d = dict(minimum=self.minimum, multiple_of=self.multiple_of)
        if self.exact is not None:
            d['exact'] = self.exact
        return d


@dataclass(frozen=True)
class ModelInfo:
    """What the data pipeline and the tester need to know about a network: its one declaration.

    Args:
        input: ``'lr'`` -- the network takes the low-resolution image and upsamples it itself
            (ESPCN, FSRCNN, ...); ``'bicubic'`` -- it takes the LR image bicubic-upsampled to the HR
            size (SRCNN, VDSR, DRCN, DRRN).
        channels: ``'y'`` -- the luminance of YCbCr only (the classic papers); ``'rgb'``.
        scales: the upscaling factors the network supports.
        multiscale: one set of weights serves every scale in ``scales`` (VDSR, DRRN); otherwise one
            model per scale (the scale is a constructor argument).
        trainable: False for models without weights (Bicubic): no checkpoint needed to test.
        size: the input sizes the network accepts (:class:`SizeRequirements`, or a dict of its fields);
            default: any size.
        receptive_field: how far, in pixels of the network's input, an output pixel can see on each side
            (the margin tiled inference needs around a tile for the tiled output to equal the untiled one);
            :data:`GLOBAL` for the whole image; ``None``: not declared. A network whose receptive field
            depends on its constructor arguments defines ``receptive_field(self)`` instead, which wins
            (:func:`srbench.inference.receptive_field_of`).
    """
    input: str
    channels: str
    scales: tuple = (2, 3, 4)
    multiscale: bool = False
    trainable: bool = True
    size: SizeRequirements = SizeRequirements()
    receptive_field: int | str | None = None

    def __post_init__(self):
        if self.input not in INPUT_KINDS:
            raise PluginError(f'ModelInfo.input must be one of {INPUT_KINDS}, got {self.input!r}')
        if self.channels not in CHANNELS:
            raise PluginError(f'ModelInfo.channels must be one of {CHANNELS}, got {self.channels!r}')
        object.__setattr__(self, 'scales', tuple(int(s) for s in self.scales))
        size = self.size
        if isinstance(size, dict):
            size = SizeRequirements(**size)
        if not isinstance(size, SizeRequirements):
            raise PluginError(f'ModelInfo.size must be a SizeRequirements, got {type(size).__name__}')
        object.__setattr__(self, 'size', size)
        rf = self.receptive_field
        if rf is not None and rf != GLOBAL and (isinstance(rf, bool) or not isinstance(rf, int) or rf < 0):
            raise PluginError(f'ModelInfo.receptive_field must be a non-negative integer, {GLOBAL!r} or '
                              f'None, got {rf!r}')

    def as_dict(self) -> dict:
        d = dict(input=self.input, channels=self.channels, scales=list(self.scales),
                 multiscale=self.multiscale, trainable=self.trainable, size=self.size.as_dict())
        if self.receptive_field is not None:
            d['receptive_field'] = self.receptive_field
        return d


WEIGHT_FORMATS = ('mat', 'matconvnet-dagnn', 'matconvnet-simplenn', 'caffe-mat', 'torch')
"""How a released weight file is stored: ``mat`` -- MATLAB variables (v5 through scipy, v7.3 through h5py);
``matconvnet-dagnn`` / ``matconvnet-simplenn`` -- a MatConvNet network saved as a ``.mat`` file; ``caffe-mat``
-- Caffe blobs exported to MATLAB; ``torch`` -- a PyTorch state dict (BasicSR ``params`` / ``params_ema``,
MMagic ``generator.`` / ``generator_ema.`` prefixes, the authors' own module names)."""


@dataclass(frozen=True)
class PaperNumber:
    """One number a released model must reproduce: data set, scale, metrics, and the table it is from.

    Args:
        dataset / scale: e.g. ``'Set5'``, 2.
        metrics: ``{'PSNR': 36.66, 'SSIM': 0.9542}``.
        table: where the number is printed, e.g. ``'TPAMI 2016, Table 4'`` (required: a number without its
            source cannot be checked).
    """
    dataset: str
    scale: int
    metrics: dict
    table: str

    def __post_init__(self):
        if not self.table:
            raise PluginError(f'PaperNumber {self.dataset} x{self.scale}: table (the source) is required')
        object.__setattr__(self, 'scale', int(self.scale))
        object.__setattr__(self, 'metrics', {str(k): float(v) for k, v in dict(self.metrics).items()})

    def as_dict(self) -> dict:
        return dict(dataset=self.dataset, scale=self.scale, metrics=dict(self.metrics), table=self.table)


@dataclass(frozen=True)
class Weights:
    """Released weights a plugin knows: the authors' own model file, in the spirit of MMagic's
    ``metafile.yml`` *Weights* entries and timm's ``pretrained_cfg``. srbench never ships the file; it
    converts one the user downloaded (``srbench convert FILE``) and checks it against this declaration.

    Args:
        name: unique name, e.g. ``'srcnn_9-5-5_imagenet_x2'``.
        model: the registered network (``'SRCNN'``); ``args``: its constructor arguments for this file.
        scales: the scales the file serves (one, or several for a multi-scale model such as VDSR).
        file: the file name as published; ``sha256``: its hash (a mismatch is a warning naming both).
        url: where the authors published it (repository or page); ``path``: the path inside it.
        format: one of :data:`WEIGHT_FORMATS`.
        converter: ``'module:function'`` mapping the file's arrays to the network's state dict, called as
            ``function(released, weights)`` (:mod:`srbench.weights`); imported only when converting.
        protocol: the evaluation protocol of the authors' test code (a name of
            :data:`srbench.data.paired.EVAL_PROTOCOLS`).
        config: the plugin's test config for this file (``'srcnn_x2_955_released'``).
        numbers: the paper's numbers it must reproduce (:class:`PaperNumber`, each citing its table).
        trained_on: the training data, for listings (``'ImageNet'``); ``note``: anything else.
    """
    name: str
    model: str
    file: str
    sha256: str
    url: str
    format: str
    converter: str
    args: dict = field(default_factory=dict)
    scales: tuple = ()
    path: str = ''
    protocol: str = 'srbench'
    config: str | None = None
    numbers: tuple = ()
    trained_on: str = ''
    note: str = ''

    def __post_init__(self):
        if self.format not in WEIGHT_FORMATS:
            raise PluginError(f'Weights {self.name!r}: format must be one of {WEIGHT_FORMATS}, '
                              f'got {self.format!r}')
        if ':' not in self.converter:
            raise PluginError(f"Weights {self.name!r}: converter must be 'module:function', "
                              f'got {self.converter!r}')
        sha = str(self.sha256).lower()
        if len(sha) != 64 or any(c not in '0123456789abcdef' for c in sha):
            raise PluginError(f'Weights {self.name!r}: sha256 must be 64 hex digits, got {self.sha256!r}')
        object.__setattr__(self, 'sha256', sha)
        object.__setattr__(self, 'scales', tuple(int(s) for s in self.scales))
        object.__setattr__(self, 'numbers', tuple(n if isinstance(n, PaperNumber) else PaperNumber(**n)
                                                  for n in self.numbers))

    def as_dict(self) -> dict:
        return dict(name=self.name, model=self.model, args=dict(self.args), scales=list(self.scales),
                    file=self.file, sha256=self.sha256, url=self.url, path=self.path, format=self.format,
                    converter=self.converter, protocol=self.protocol, config=self.config,
                    numbers=[n.as_dict() for n in self.numbers], trained_on=self.trained_on, note=self.note)


@dataclass
class Plugin:
    """A plugin's declaration. See the module docstring for an example.

    Args:
        name: short name (``'espcn'``), used by ``SRBENCH_PLUGINS_DISABLE`` and in results.
        modules: modules to import to register the plugin's components (these may import torch).
            Whatever they register, in any srbench registry, belongs to the plugin: discovery reads it from
            the registries (``python -m srbench plugins`` lists it).
        components: optional, for plugins written for srbench 0.1: registry name (``'MODELS'``, ...) ->
            names the modules register there. Not needed: when given, discovery checks it against what the
            modules registered (a declared name they did not register fails the plugin).
        models: per registered network name, its :class:`ModelInfo`.
        configs: folder of the plugin's configs, relative to the package folder (or absolute).
        reference: the paper's reference numbers: a JSON file name relative to the package folder,
            or the data itself (see :meth:`reference_numbers`).
        paper: bibliographic data (``title``, ``authors``, ``year``, ``venue``, ``url``).
        description: one line for listings.
        weights: the released weights the plugin knows (:class:`Weights`): what ``srbench convert`` reads.
        converters: per network name, the ``'module:function'`` converter for files of the authors' layout
            that no :class:`Weights` declares (``srbench convert FILE --model NET``).
    """
    name: str
    modules: list = field(default_factory=list)
    components: dict = field(default_factory=dict)     # optional (see above); kept third for positional use
    models: dict = field(default_factory=dict)
    configs: str | None = None
    reference: Any = None
    paper: dict = field(default_factory=dict)
    description: str = ''
    weights: list = field(default_factory=list)
    converters: dict = field(default_factory=dict)
    # filled in by discovery
    package_dir: Path | None = field(default=None, repr=False)

    def __post_init__(self):
        ws = [w if isinstance(w, Weights) else Weights(**w) if isinstance(w, dict) else w
              for w in (self.weights or [])]
        for w in ws:
            if not isinstance(w, Weights):
                raise PluginError(f'plugin {self.name!r}: weights must be srbench.spec.Weights, '
                                  f'got {type(w).__name__}')
        names = [w.name for w in ws]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise PluginError(f'plugin {self.name!r}: weights declared twice: {", ".join(dup)}')
        self.weights = ws

    def configs_dir(self) -> Path | None:
        if self.configs is None:
            return None
        p = Path(self.configs)
        if not p.is_absolute() and self.package_dir is not None:
            p = (self.package_dir / p).resolve()
        return p if p.is_dir() else None

    def reference_numbers(self) -> dict:
        """The paper's numbers: ``{'params': {...}, 'results': [{'label', 'dataset', 'scale',
        'metrics': {'PSNR': .., 'SSIM': ..}, ...}]}`` (empty dict when the plugin has none)."""
        ref = self.reference
        if ref is None:
            return {}
        if isinstance(ref, dict):
            return ref
        p = Path(ref)
        if not p.is_absolute() and self.package_dir is not None:
            p = self.package_dir / p
        try:
            with open(p, encoding='utf-8') as f:
                return json.load(f)
        except FileNotFoundError:
            raise PluginError(f'plugin {self.name!r}: reference file {p} does not exist') from None
        except json.JSONDecodeError as e:
            raise PluginError(f'plugin {self.name!r}: reference file {p} is not valid JSON: {e}') from None
