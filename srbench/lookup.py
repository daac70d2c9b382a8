"""Questions asked of the installed plugins: which plugin declares network X and what it says about it,
is a component name registered (with a one-line error that suggests close names otherwise), and the
``python -m srbench plugins`` table. Discovery itself is :mod:`srbench.discovery`; the declarations are
:mod:`srbench.spec`.
"""
from __future__ import annotations

import difflib
import sys
from pathlib import Path
from typing import Iterable

from .discovery import PluginRecord, autoload_enabled, ensure_plugins_loaded, package_dir, records
from .errors import ConfigError, PluginError
from .spec import ENV_AUTOLOAD, ModelInfo, Plugin


def get_plugin(name: str) -> Plugin:
    """The declaration of the plugin named ``name`` (a PluginError if it is absent, disabled or failed)."""
    recs = records()
    for r in recs:
        if r.name == name:
            if not r.ok:
                raise PluginError(f'plugin {name!r} is {r.status_text()}')
            return r.plugin
    raise PluginError(f'no plugin named {name!r}; installed: {", ".join(r.name for r in recs) or "none"}')


def _plugin_from_package(cls) -> Plugin | None:
    """The ``plugin`` declaration of the package a class comes from (walking up its packages): how the
    metadata of an explicitly imported component is found (autoload off, or a plugin's own module while
    discovery imports it)."""
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
                p.package_dir = package_dir(mod.__name__)
            return p
    return None


def find_model(name: str) -> tuple[ModelInfo, Plugin, PluginRecord | None] | None:
    """The metadata of the network registered as ``name``, the plugin that declares it and that plugin's
    discovery record (None when it was found through the class's package); None if no plugin declares it."""
    for r in records():
        if r.ok and name in r.plugin.models:
            return r.plugin.models[name], r.plugin, r
    from .registry import MODELS
    cls = MODELS.module_dict.get(name)
    if cls is not None:
        p = _plugin_from_package(cls)
        if p is not None and name in p.models:
            return p.models[name], p, None
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


def plugin_warnings(rec: PluginRecord) -> list[str]:
    """What is wrong with a loaded plugin's files, though it works: a declared reference file or configs
    folder that does not exist (a distribution built without its package data, a typo in the declaration).
    ``srbench plugins`` shows the plugin as ``ok, with warnings`` and prints one line per warning."""
    p = rec.plugin
    if not rec.ok or p is None:
        return []
    out = []
    if isinstance(p.reference, (str, Path)):
        ref = Path(p.reference)
        if not ref.is_absolute() and p.package_dir is not None:
            ref = p.package_dir / ref
        if not ref.is_file():
            out.append(f'reference file {ref} does not exist (is it in the package data?): the leaderboard '
                       'has no paper column for it')
    if p.configs is not None and p.configs_dir() is None:
        cd = Path(p.configs)
        if not cd.is_absolute() and p.package_dir is not None:
            cd = p.package_dir / cd
        out.append(f'configs folder {cd} does not exist (is it in the package data?): its configs cannot be '
                   'found by name')
    return out


def format_table(recs: list[PluginRecord]) -> str:
    """The ``python -m srbench plugins`` table: one row per plugin, with what it registered and the
    metadata of its networks."""
    from tabulate import tabulate
    rows = []
    for r in recs:
        p = r.plugin
        comps = '; '.join(f'{k}: {", ".join(v)}' for k, v in r.registered.items())
        meta = '; '.join(
            f'{n}: input={m.input} channels={m.channels} scales={",".join(map(str, m.scales))}'
            + (' multiscale' if m.multiscale else '') + ('' if m.trainable else ' no-weights')
            + ('' if m.size.none else f' size: {m.size.describe()}')
            for n, m in p.models.items()) if p else ''
        status = 'ok, with warnings' if plugin_warnings(r) else r.status_text()
        rows.append([r.name, r.distribution, r.version, status, comps, meta])
    return tabulate(rows, headers=['name', 'distribution', 'version', 'status', 'components', 'metadata'],
                    tablefmt='github')
