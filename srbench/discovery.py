"""Plugin discovery: the entry points of the group ``srbench.plugins``, found, checked and imported once
per process.

Discovery runs lazily, on the first lookup in any srbench registry: the registries' ``locations`` import
:mod:`srbench._autoload`, which registers srbench's core components and then runs discovery. That happens
in every torchrun rank (each builds its runner) and in any DataLoader worker that looks a component up.
:func:`ensure_plugins_loaded` does the same for code that needs the plugins before any lookup.

What a plugin registered is read from the registries: they are snapshotted before and after its modules
are imported (:attr:`PluginRecord.registered`, listed by ``python -m srbench plugins``). A plugin declares
each network once, as a :class:`~srbench.spec.ModelInfo` in ``models``; a declared network its modules did
not register fails the plugin.

Environment:

* ``SRBENCH_PLUGINS_DISABLE=a,b`` -- skip these plugins (plugin name, entry-point name or
  distribution name).
* ``SRBENCH_PLUGINS_AUTOLOAD=0`` -- no discovery at all; only what a config imports explicitly
  (``custom_imports``) is registered. Metadata is then found from the registered class's package
  (:func:`srbench.lookup.find_model`).

A plugin that fails to import is reported (status ``failed: <reason>``), what it registered is removed
again, and it is skipped; the others still load. Two plugins that register the same name (or a plugin that
registers a name of srbench's core) raise one :class:`PluginConflictError` that names both distributions.
While discovery runs, :func:`records` returns the plugins loaded so far, so a plugin that builds a
component at import time finds the plugins before it (and its own networks through its package).
"""
from __future__ import annotations

import difflib
import importlib
import importlib.metadata as ilm
import logging
import os
import re
import sys
import threading
from dataclasses import dataclass, field

from .errors import PluginError
from .spec import ENV_AUTOLOAD, ENV_DISABLE, GROUP, Plugin

logger = logging.getLogger('srbench.plugins')


class PluginConflictError(PluginError):
    """Two plugins (or a plugin and srbench's core) register the same component name."""


@dataclass
class PluginRecord:
    """One discovered entry point and what became of it."""
    entry_point: str               # 'name = module:attr'
    distribution: str
    version: str
    name: str                      # the plugin's name (entry-point name until the declaration loads)
    status: str = 'pending'        # pending (not imported yet) | ok | failed | disabled
    error: str = ''
    plugin: Plugin | None = None
    registered: dict = field(default_factory=dict)   # registry name ('MODELS', ...) -> names registered

    @property
    def ok(self) -> bool:
        return self.status == 'ok'

    @property
    def who(self) -> str:
        """``plugin 'x' (distribution d 1.0)``, for messages."""
        return f'plugin {self.name!r} (distribution {self.distribution} {self.version})'

    def status_text(self) -> str:
        return f'failed: {self.error}' if self.status == 'failed' else self.status

    def as_dict(self) -> dict:
        p = self.plugin
        return dict(
            name=self.name, distribution=self.distribution, version=self.version,
            status=self.status, error=self.error or None, entry_point=self.entry_point,
            components={k: list(v) for k, v in self.registered.items()},
            models={k: v.as_dict() for k, v in (p.models.items() if p else [])},
            configs=str(p.configs_dir()) if p and p.configs_dir() else None,
            paper=dict(p.paper) if p else {},
        )


_lock = threading.RLock()
_records: list[PluginRecord] | None = None     # the result, once discovery has run
_running: list[PluginRecord] | None = None     # the records of the discovery in progress


_ON, _OFF = ('1', 'true', 'yes', 'on', ''), ('0', 'false', 'no', 'off')


def autoload_enabled() -> bool:
    """``SRBENCH_PLUGINS_AUTOLOAD``: on unless 0/false/no/off; any other value is one PluginError (a typo
    must not silently count as on)."""
    v = os.environ.get(ENV_AUTOLOAD, '1').strip().lower()
    if v not in _ON + _OFF:
        raise PluginError(f'{ENV_AUTOLOAD}={os.environ[ENV_AUTOLOAD]!r} is not a switch: use 1 (discover '
                          'installed plugins, the default) or 0 (no discovery)')
    return v not in _OFF


def _disabled_names() -> set[str]:
    return {s.strip() for s in os.environ.get(ENV_DISABLE, '').split(',') if s.strip()}


def _warn_unknown_disabled(disabled: set[str], records: list) -> None:
    """A name in ``SRBENCH_PLUGINS_DISABLE`` that matches no plugin, entry point or distribution disables
    nothing: say so, with the close matches (``espnc`` -> ``espcn``)."""
    known = {n for r in records for n in (r.name, r.entry_point.split(' = ')[0], r.distribution)}
    for name in sorted(disabled - known):
        close = difflib.get_close_matches(name, sorted(known), n=3, cutoff=0.6)
        logger.warning('srbench: %s names %r, which matches no installed plugin, so it disables nothing%s',
                       ENV_DISABLE, name, f' (did you mean {", ".join(map(repr, close))}?)' if close else '')


def _dist_of(ep) -> tuple[str, str]:
    dist = getattr(ep, 'dist', None)
    if dist is None:
        return '?', '?'
    return dist.metadata['Name'] or dist.name, dist.version


def _as_plugin(obj, ep_name: str) -> Plugin:
    if callable(obj) and not isinstance(obj, Plugin):
        obj = obj()
    if not isinstance(obj, Plugin):
        raise PluginError(f'entry point {ep_name!r} must name a srbench.spec.Plugin, '
                          f'got {type(obj).__name__}')
    return obj


def package_dir(module_name: str):
    """The folder of an imported module (a plugin's package folder), or None."""
    from pathlib import Path
    mod = sys.modules.get(module_name)
    f = getattr(mod, '__file__', None)
    return Path(f).resolve().parent if f else None


def _snapshot() -> dict[str, set[str]]:
    from .registry import BY_NAME
    return {k: set(reg.module_dict) for k, reg in BY_NAME.items()}


def _registered_since(before: dict[str, set[str]], modules) -> dict[str, list[str]]:
    """What appeared in the registries since ``before`` (in registration order), plus what the plugin's
    own ``modules`` define, for modules imported before discovery (a config's ``custom_imports``)."""
    from .registry import BY_NAME
    mods = set(modules)
    out = {}
    for k, reg in BY_NAME.items():
        names = [n for n, obj in reg.module_dict.items()
                 if n not in before[k] or getattr(obj, '__module__', None) in mods]
        if names:
            out[k] = names
    return out


def _owner_of(name: str, module: str, records) -> str:
    """Who registered ``name`` (defined in ``module``), for conflict messages."""
    for r in records:
        if any(name in names for names in r.registered.values()):
            return r.who
    if module == 'srbench' or module.startswith('srbench.'):
        return 'srbench core (distribution srbench)'
    dists = ilm.packages_distributions().get(module.split('.')[0], []) if module else []
    return f'module {module or "?"} (distribution {", ".join(dists) or "unknown"})'


_ALREADY = re.compile(r'^(?P<name>.+?) is already registered in (?P<registry>.+?) at (?P<module>\S*)$')


def _check_declaration(r: PluginRecord) -> None:
    """A declaration's optional ``components`` must name known registries."""
    from .registry import BY_NAME
    unknown = sorted(set(r.plugin.components) - set(BY_NAME))
    if unknown:
        r.status, r.error = 'failed', (f'declares components in unknown registry {unknown[0]!r} '
                                       f'(known: {", ".join(sorted(BY_NAME))})')


def _roll_back(before: dict[str, set[str]]) -> None:
    """Remove what was registered since ``before``, so nothing of a half-loaded plugin is used."""
    from .registry import BY_NAME
    for k, old in before.items():
        reg = BY_NAME[k]
        for n in set(reg.module_dict) - old:
            reg._module_dict.pop(n, None)


def _import_plugin(r: PluginRecord, records: list[PluginRecord]) -> None:
    """Import a plugin's modules, record what they registered; roll back a plugin that fails."""
    from .registry import BY_NAME, MODELS
    p = r.plugin
    before = _snapshot()
    try:
        for m in p.modules:
            importlib.import_module(m)
    except KeyError as e:  # mmengine: "<name> is already registered in <registry> at <module>"
        msg = str(e).strip('"\'')
        m = _ALREADY.match(msg)
        if m:
            _roll_back(before)      # the same error again on the next lookup, not one about our own leftovers
            others = [o for o in records if o is not r]
            raise PluginConflictError(
                f'{r.who} registers {m["name"]!r} in {m["registry"]}, which '
                f'{_owner_of(m["name"], m["module"], others)} already registers; '
                f'uninstall one or skip it with {ENV_DISABLE}={r.name}') from None
        r.status, r.error = 'failed', f'KeyError: {msg}'
    except Exception as e:  # noqa: BLE001 -- a broken plugin must not break the others
        r.status, r.error = 'failed', f'{type(e).__name__}: {e}'.splitlines()[0]
    else:
        r.registered = _registered_since(before, p.modules)
        missing = [f'{k}.{n}' for k, ns in p.components.items() for n in ns
                   if n not in BY_NAME[k].module_dict]
        missing += [f'MODELS.{n}' for n in p.models if n not in MODELS.module_dict]
        if missing:
            r.status = 'failed'
            r.error = 'declares components its modules did not register: ' + ', '.join(dict.fromkeys(missing))
    if r.status == 'failed':
        _roll_back(before)
        r.registered = {}
        logger.warning('srbench: %s failed to load and is skipped: %s', r.who, r.error)
    else:
        r.status = 'ok'


def _declare(ep, disabled: set[str]) -> PluginRecord:
    """The record of one entry point with its declaration loaded (status pending, disabled or failed); none
    of the plugin's modules imported."""
    dist, version = _dist_of(ep)
    r = PluginRecord(entry_point=f'{ep.name} = {ep.value}', distribution=dist, version=version, name=ep.name)
    if {ep.name, dist} & disabled:
        r.status = 'disabled'
        return r
    try:
        r.plugin = _as_plugin(ep.load(), ep.name)
    except Exception as e:  # noqa: BLE001
        r.status, r.error = 'failed', f'{type(e).__name__}: {e}'.splitlines()[0]
        logger.warning('srbench: plugin entry point %r (distribution %s %s) failed to load and is '
                       'skipped: %s', ep.name, dist, version, r.error)
        return r
    r.name = r.plugin.name
    r.plugin.package_dir = package_dir(ep.module)
    if r.name in disabled:
        r.status = 'disabled'
    return r


def declared_plugins() -> list[PluginRecord]:
    """The plugins' declarations only -- no module of theirs imported, no torch, no discovery run: what
    listing and resolving config files needs (:mod:`srbench.config_files`). Records with status ``pending``
    (declared, not imported) or, once discovery has run, discovery's own records."""
    with _lock:
        if _records is not None:
            return _records
        if _running is not None:
            return list(_running)
    if not autoload_enabled():
        return []
    disabled = _disabled_names()
    return [_declare(ep, disabled) for ep in sorted(ilm.entry_points(group=GROUP), key=lambda e: e.name)]


def discover(records: list[PluginRecord] | None = None) -> list[PluginRecord]:
    """Find, check and import every plugin, appending their records to ``records`` as it goes (ignores the
    autoload switch; see :func:`run_discovery`). srbench's core must be registered first
    (:mod:`srbench._autoload` does that)."""
    disabled = _disabled_names()
    records = [] if records is None else records
    for ep in sorted(ilm.entry_points(group=GROUP), key=lambda e: e.name):
        records.append(_declare(ep, disabled))
    _warn_unknown_disabled(disabled, records)
    names: dict[str, PluginRecord] = {}
    for r in records:
        if r.status != 'pending':
            continue
        if r.name in names:
            o = names[r.name]
            raise PluginConflictError(
                f'two plugins are named {r.name!r}: distribution {o.distribution} {o.version} and '
                f'distribution {r.distribution} {r.version}; uninstall one of them')
        names[r.name] = r
        _check_declaration(r)
    for r in records:
        if r.status == 'pending':
            _import_plugin(r, records)
    return list(records)


def run_discovery() -> list[PluginRecord]:
    """Run discovery once per process (nothing when ``SRBENCH_PLUGINS_AUTOLOAD=0``) and return the records;
    while it runs (a plugin's module calling back), the records so far. Called by :mod:`srbench._autoload`
    once the core is registered."""
    global _records, _running
    with _lock:
        if _records is not None:
            return _records
        if _running is not None:           # re-entered from a plugin's module
            return list(_running)
        _running = []
        try:
            _records = discover(_running) if autoload_enabled() else []
        finally:
            _running = None
        return _records


def ensure_plugins_loaded() -> list[PluginRecord]:
    """Register srbench's core components and discover the plugins, once per process -- what the first
    lookup in any srbench registry does (through the registries' ``locations``). Returns the records."""
    from .registry import MODELS
    MODELS.import_from_location()          # imports srbench._autoload: the core, then run_discovery()
    return run_discovery()


def records() -> list[PluginRecord]:
    """All discovered plugins (running discovery if needed; the plugins so far while it runs)."""
    return ensure_plugins_loaded()


def reset_for_tests() -> None:
    """Forget discovery results (tests only; registrations already made stay)."""
    global _records
    with _lock:
        _records = None
