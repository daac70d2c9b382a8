"""Plugin declarations and their discovery through the ``srbench.plugins`` entry-point group.

A plugin is one paper. Its distribution declares an entry point in the group ``srbench.plugins``
that names a :class:`Plugin` object (or a callable returning one). The declaration must be cheap
to import -- no torch -- because ``python -m srbench plugins`` and the data pipeline read it::

    # pyproject.toml of the plugin's distribution
    [project.entry-points."srbench.plugins"]
    wdsr = "srbench_plugin_wdsr:plugin"

    # srbench_plugin_wdsr/__init__.py
    from srbench.plugins import ModelInfo, Plugin
    plugin = Plugin(
        name='wdsr',
        modules=['srbench_plugin_wdsr.wdsr_arch'],          # imported to register components
        components={'MODELS': ['WDSR']},                    # what those modules register, and where
        models={'WDSR': ModelInfo(input='lr', channels='rgb', scales=(2, 3, 4))},
        configs='configs',                                  # folder, relative to the package
        reference='paper.json',                             # the paper's numbers (dataset x scale x metric)
        paper=dict(title='...', year=2018, url='https://arxiv.org/abs/1808.08718'))

First-party plugins (``plugins/<paper>/``) go through exactly the same door: they are entry points
of the ``srbench`` distribution itself.

Discovery runs once per process, lazily: the first lookup in any srbench registry imports
:mod:`srbench._autoload`, which calls :func:`ensure_plugins_loaded`. That happens in every torchrun
rank (each builds its runner) and in DataLoader workers (datasets call it when unpickled).

Environment:

* ``SRBENCH_PLUGINS_DISABLE=a,b`` -- skip these plugins (plugin name, entry-point name or
  distribution name).
* ``SRBENCH_PLUGINS_AUTOLOAD=0`` -- no discovery at all; only what a config imports explicitly
  (``custom_imports``) is registered. Metadata is then found from the registered class's package.

A plugin that fails to import is reported (status ``failed: <reason>``) and skipped; the others
still load. Two plugins that register the same name raise one :class:`PluginConflictError` that
names both distributions.
"""
from __future__ import annotations

import difflib
import importlib
import importlib.metadata as ilm
import json
import logging
import os
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from .errors import ConfigError, PluginError

GROUP = 'srbench.plugins'
ENV_DISABLE = 'SRBENCH_PLUGINS_DISABLE'
ENV_AUTOLOAD = 'SRBENCH_PLUGINS_AUTOLOAD'

INPUT_KINDS = ('lr', 'bicubic')
CHANNELS = ('y', 'rgb')

logger = logging.getLogger('srbench.plugins')


class PluginConflictError(PluginError):
    """Two plugins (or a plugin and srbench's core) register the same component name."""


@dataclass(frozen=True)
class ModelInfo:
    """What the data pipeline and the tester need to know about a network.

    Args:
        input: ``'lr'`` -- the network takes the low-resolution image and upsamples it itself
            (ESPCN, FSRCNN, ...); ``'bicubic'`` -- it takes the LR image bicubic-upsampled to the HR
            size (SRCNN, VDSR, DRCN, DRRN).
        channels: ``'y'`` -- the luminance of YCbCr only (the classic papers); ``'rgb'``.
        scales: the upscaling factors the network supports.
        multiscale: one set of weights serves every scale in ``scales`` (VDSR, DRRN); otherwise one
            model per scale (the scale is a constructor argument).
        trainable: False for models without weights (Bicubic): no checkpoint needed to test.
    """
    input: str
    channels: str
    scales: tuple = (2, 3, 4)
    multiscale: bool = False
    trainable: bool = True

    def __post_init__(self):
        if self.input not in INPUT_KINDS:
            raise PluginError(f'ModelInfo.input must be one of {INPUT_KINDS}, got {self.input!r}')
        if self.channels not in CHANNELS:
            raise PluginError(f'ModelInfo.channels must be one of {CHANNELS}, got {self.channels!r}')
        object.__setattr__(self, 'scales', tuple(int(s) for s in self.scales))

    def as_dict(self) -> dict:
        return dict(input=self.input, channels=self.channels, scales=list(self.scales),
                    multiscale=self.multiscale, trainable=self.trainable)


@dataclass
class Plugin:
    """A plugin's declaration. See the module docstring for an example.

    Args:
        name: short name (``'espcn'``), used by ``SRBENCH_PLUGINS_DISABLE`` and in results.
        modules: modules to import to register the components (these may import torch).
        components: registry name (``'MODELS'``, ``'DATASETS'``, ``'TRANSFORMS'``, ``'METRICS'``, ...)
            -> names those modules register there.
        models: per registered network name, its :class:`ModelInfo`.
        configs: folder of the plugin's configs, relative to the package folder (or absolute).
        reference: the paper's reference numbers: a JSON file name relative to the package folder,
            or the data itself (see :meth:`reference_numbers`).
        paper: bibliographic data (``title``, ``authors``, ``year``, ``venue``, ``url``).
        description: one line for listings.
    """
    name: str
    modules: list = field(default_factory=list)
    components: dict = field(default_factory=dict)
    models: dict = field(default_factory=dict)
    configs: str | None = None
    reference: Any = None
    paper: dict = field(default_factory=dict)
    description: str = ''
    # filled in by discovery
    package_dir: Path | None = field(default=None, repr=False)

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


@dataclass
class PluginRecord:
    """One discovered entry point and what became of it."""
    entry_point: str               # 'name = module:attr'
    distribution: str
    version: str
    name: str                      # the plugin's name (entry-point name until the declaration loads)
    status: str = 'pending'        # ok | failed | disabled
    error: str = ''
    plugin: Plugin | None = None

    @property
    def ok(self) -> bool:
        return self.status == 'ok'

    def status_text(self) -> str:
        return f'failed: {self.error}' if self.status == 'failed' else self.status

    def as_dict(self) -> dict:
        p = self.plugin
        return dict(
            name=self.name, distribution=self.distribution, version=self.version,
            status=self.status, error=self.error or None, entry_point=self.entry_point,
            components={k: list(v) for k, v in (p.components.items() if p else [])},
            models={k: v.as_dict() for k, v in (p.models.items() if p else [])},
            configs=str(p.configs_dir()) if p and p.configs_dir() else None,
            paper=dict(p.paper) if p else {},
        )


_lock = threading.RLock()
_records: list[PluginRecord] | None = None
_loading = False


def autoload_enabled() -> bool:
    return os.environ.get(ENV_AUTOLOAD, '1').strip().lower() not in ('0', 'false', 'no', 'off')


def _disabled_names() -> set[str]:
    return {s.strip() for s in os.environ.get(ENV_DISABLE, '').split(',') if s.strip()}


def _dist_of(ep) -> tuple[str, str]:
    dist = getattr(ep, 'dist', None)
    if dist is None:
        return '?', '?'
    return dist.metadata['Name'] or dist.name, dist.version


def _as_plugin(obj, ep_name: str) -> Plugin:
    if callable(obj) and not isinstance(obj, Plugin):
        obj = obj()
    if not isinstance(obj, Plugin):
        raise PluginError(f'entry point {ep_name!r} must name a srbench.plugins.Plugin, got {type(obj).__name__}')
    return obj


def _package_dir(module_name: str) -> Path | None:
    mod = sys.modules.get(module_name)
    f = getattr(mod, '__file__', None)
    return Path(f).resolve().parent if f else None


def _owner_of(registry_name: str, name: str, records: Iterable[PluginRecord]) -> str:
    """Human description of who registered ``name`` (for conflict messages)."""
    for r in records:
        if r.plugin and name in r.plugin.components.get(registry_name, ()):
            return f'plugin {r.name!r} (distribution {r.distribution} {r.version})'
    from . import registry
    reg = registry.BY_NAME.get(registry_name)
    obj = reg.module_dict.get(name) if reg is not None else None
    mod = getattr(obj, '__module__', '') or ''
    if mod.startswith('srbench.') or mod == 'srbench':
        return 'srbench core (distribution srbench)'
    top = mod.split('.')[0]
    dists = ilm.packages_distributions().get(top, [])
    return f'module {mod} (distribution {", ".join(dists) or "unknown"})'


def _check_conflicts(records: list[PluginRecord]) -> None:
    """Fail with one clear error if two plugins declare the same component (or plugin name),
    or a plugin declares a name srbench's core already has."""
    from . import registry
    seen: dict[tuple[str, str], PluginRecord] = {}
    names: dict[str, PluginRecord] = {}
    for r in records:
        if not r.ok:
            continue
        if r.name in names:
            o = names[r.name]
            raise PluginConflictError(
                f'two plugins are named {r.name!r}: distribution {o.distribution} {o.version} and '
                f'distribution {r.distribution} {r.version}; uninstall one of them')
        names[r.name] = r
        for reg_name, comp_names in r.plugin.components.items():
            reg = registry.BY_NAME.get(reg_name)
            if reg is None:
                r.status, r.error = 'failed', (f'declares components in unknown registry {reg_name!r} '
                                               f'(known: {", ".join(sorted(registry.BY_NAME))})')
                break
            for n in comp_names:
                key = (reg_name, n)
                if key in seen:
                    o = seen[key]
                    raise PluginConflictError(
                        f'plugins {o.name!r} (distribution {o.distribution} {o.version}) and {r.name!r} '
                        f'(distribution {r.distribution} {r.version}) both register {n!r} in {reg_name}; '
                        f'uninstall one or skip it with {ENV_DISABLE}={r.name}')
                if n in reg.module_dict:
                    raise PluginConflictError(
                        f'plugin {r.name!r} (distribution {r.distribution} {r.version}) registers {n!r} in '
                        f'{reg_name}, which {_owner_of(reg_name, n, [])} already registers; '
                        f'skip the plugin with {ENV_DISABLE}={r.name}')
                seen[key] = r


def _import_plugin(r: PluginRecord, records: list[PluginRecord]) -> None:
    from . import registry
    p = r.plugin
    before = {k: set(registry.BY_NAME[k].module_dict) for k in p.components if k in registry.BY_NAME}
    try:
        for m in p.modules:
            importlib.import_module(m)
    except KeyError as e:  # mmengine: "<name> is already registered in <registry> at <module>"
        msg = str(e).strip('"\'')
        if 'is already registered' in msg:
            n = msg.split(' is already registered')[0]
            other = next((_owner_of(k, n, [o for o in records if o is not r]) for k in p.components), '?')
            raise PluginConflictError(
                f'plugin {r.name!r} (distribution {r.distribution} {r.version}) registers {n!r}, which '
                f'{other} already registers; uninstall one or skip it with {ENV_DISABLE}={r.name}') from None
        r.status, r.error = 'failed', f'KeyError: {msg}'
    except Exception as e:  # noqa: BLE001 -- a broken plugin must not break the others
        r.status, r.error = 'failed', f'{type(e).__name__}: {e}'.splitlines()[0]
    else:
        missing = [f'{k}.{n}' for k, ns in p.components.items() for n in ns
                   if n not in registry.BY_NAME[k].module_dict]
        undeclared_models = [n for n in p.models if n not in registry.MODELS.module_dict]
        if missing or undeclared_models:
            r.status = 'failed'
            r.error = ('declares components its modules did not register: '
                       + ', '.join(missing + [f'MODELS.{n}' for n in undeclared_models]))
    if r.status == 'failed':
        # roll back what the broken plugin registered, so nothing half-loaded is used
        for k, old in before.items():
            reg = registry.BY_NAME[k]
            for n in set(reg.module_dict) - old:
                reg._module_dict.pop(n, None)
        logger.warning('srbench: plugin %r (distribution %s %s) failed to load and is skipped: %s',
                       r.name, r.distribution, r.version, r.error)
    else:
        r.status = 'ok'


def discover() -> list[PluginRecord]:
    """Find, check and import every plugin (ignores the autoload switch; see ensure_plugins_loaded)."""
    disabled = _disabled_names()
    records: list[PluginRecord] = []
    for ep in sorted(ilm.entry_points(group=GROUP), key=lambda e: e.name):
        dist, version = _dist_of(ep)
        r = PluginRecord(entry_point=f'{ep.name} = {ep.value}', distribution=dist, version=version, name=ep.name)
        records.append(r)
        if {ep.name, dist} & disabled:
            r.status = 'disabled'
            continue
        try:
            r.plugin = _as_plugin(ep.load(), ep.name)
        except Exception as e:  # noqa: BLE001
            r.status, r.error = 'failed', f'{type(e).__name__}: {e}'.splitlines()[0]
            logger.warning('srbench: plugin entry point %r (distribution %s %s) failed to load and is skipped: %s',
                           ep.name, dist, version, r.error)
            continue
        r.name = r.plugin.name
        r.plugin.package_dir = _package_dir(ep.module)
        r.status = 'disabled' if r.name in disabled else 'ok'
    _check_conflicts(records)
    for r in records:
        if r.ok:
            r.status = 'pending'
            _import_plugin(r, records)
    return records


def ensure_plugins_loaded() -> list[PluginRecord]:
    """Run discovery once per process (no-op when SRBENCH_PLUGINS_AUTOLOAD=0). Returns the records."""
    global _records, _loading
    with _lock:
        if _records is None and not _loading:
            _loading = True
            try:
                importlib.import_module('srbench._core')  # core first, so conflicts with it are seen
                _records = discover() if autoload_enabled() else []
            finally:
                _loading = False
        return _records if _records is not None else []


def records() -> list[PluginRecord]:
    """All discovered plugins (running discovery if needed)."""
    return ensure_plugins_loaded()


def get_plugin(name: str) -> Plugin:
    for r in records():
        if r.name == name:
            if not r.ok:
                raise PluginError(f'plugin {name!r} is {r.status_text()}')
            return r.plugin
    raise PluginError(f'no plugin named {name!r}; installed: {", ".join(r.name for r in records()) or "none"}')


def _plugin_from_package(cls) -> tuple[Plugin, PluginRecord | None] | None:
    """For explicitly imported components (autoload off): walk up the class's packages to a
    ``plugin`` declaration."""
    parts = (getattr(cls, '__module__', '') or '').split('.')
    for i in range(len(parts) - 1, 0, -1):
        mod = sys.modules.get('.'.join(parts[:i]))
        p = getattr(mod, 'plugin', None)
        if callable(p) and not isinstance(p, Plugin):
            try:
                p = p()
            except Exception:  # noqa: BLE001
                p = None
        if isinstance(p, Plugin):
            if p.package_dir is None:
                p.package_dir = _package_dir(mod.__name__)
            return p, None
    return None


def find_model(name: str) -> tuple[ModelInfo, Plugin, PluginRecord | None] | None:
    """The metadata of the network registered as ``name`` and the plugin that declares it."""
    for r in records():
        if r.ok and name in r.plugin.models:
            return r.plugin.models[name], r.plugin, r
    from . import registry
    cls = registry.MODELS.module_dict.get(name)
    if cls is not None:
        found = _plugin_from_package(cls)
        if found and name in found[0].models:
            return found[0].models[name], found[0], None
    return None


def unknown_name_message(kind: str, name: str, known: Iterable[str]) -> str:
    """'unknown model type 'X' ... did you mean ...? installed plugins: ...' (one line)."""
    known = sorted(set(known))
    close = difflib.get_close_matches(name, known, n=5, cutoff=0.5)
    lower = [k for k in known if k.lower() == str(name).lower()]
    close = list(dict.fromkeys(lower + close))
    msg = f'unknown {kind} type {name!r}'
    msg += f'; did you mean {", ".join(map(repr, close))}?' if close else f'; known: {", ".join(known)}'
    recs = records()
    plugins = ', '.join(f'{r.name} ({r.status_text()})' for r in recs) or 'none'
    if not autoload_enabled():
        plugins += f' [plugin autoload is off: {ENV_AUTOLOAD}=0]'
    failed = [r for r in recs if r.status == 'failed']
    msg += f'; installed plugins: {plugins}'
    if failed:
        msg += '; a failed plugin may be the one that provides it'
    return msg


def check_registered(kind: str, registry, name: str) -> None:
    """Raise a one-line ConfigError if ``name`` is not in ``registry`` (or its MMEngine parent)."""
    ensure_plugins_loaded()
    if registry.get(name) is not None:
        return
    known = list(registry.module_dict)
    if registry.parent is not None:
        known += list(registry.parent.module_dict)
    raise ConfigError(unknown_name_message(kind, name, known))


def format_table(recs: list[PluginRecord]) -> str:
    from tabulate import tabulate
    rows = []
    for r in recs:
        p = r.plugin
        comps = '; '.join(f'{k}: {", ".join(v)}' for k, v in p.components.items()) if p else ''
        meta = '; '.join(
            f'{n}: input={m.input} channels={m.channels} scales={",".join(map(str, m.scales))}'
            + (' multiscale' if m.multiscale else '') + ('' if m.trainable else ' no-weights')
            for n, m in p.models.items()) if p else ''
        rows.append([r.name, r.distribution, r.version, r.status_text(), comps, meta])
    return tabulate(rows, headers=['name', 'distribution', 'version', 'status', 'components', 'metadata'],
                    tablefmt='github')


def reset_for_tests() -> None:
    """Forget discovery results (tests only; registrations already made stay)."""
    global _records
    with _lock:
        _records = None
