"""Config files by name: srbench's shared base configs, the configs every plugin ships, and the
``srbench::`` / ``<plugin>::`` base prefixes.

* srbench's own base configs are package data, in ``srbench/configs/_base_/`` (:data:`SRBENCH_CONFIGS`).
  A config anywhere (in a plugin package, in a user's folder) inherits them with
  ``_base_ = ['srbench::_base_/default_runtime.py']``.
* Each plugin ships its configs in its own package (``Plugin(configs='configs')``); a config inherits
  another plugin's config with ``_base_ = ['espcn::espcn_x3.py']`` (the plugin's name, then the file in its
  configs folder).
* ``srbench train espcn_x3`` finds a config by name in the plugins' configs folders
  (:func:`resolve_config_path`).

The prefixes are resolved by :func:`resolve_prefixed`, which :mod:`srbench.engine.patches` puts in front of
MMEngine's ``Config._get_cfg_path`` (MMEngine's own ``package::path`` only knows OpenMMLab packages, and in
0.10.7 it imports ``pkg_resources``, which setuptools >= 82 no longer ships). srbench's config loading
(:func:`srbench.apis.common.load_config`) installs it; code that calls ``mmengine.Config.fromfile`` itself
calls ``srbench.engine.patches.install()`` first.

:func:`list_configs` summarises the configs of every plugin for ``srbench configs`` without running them:
it reads the files' literal assignments (following ``_base_``), so listing stays fast and imports no torch.
"""
from __future__ import annotations

import ast
import fnmatch
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from .errors import ConfigError

SRBENCH_CONFIGS = Path(__file__).resolve().parent / 'configs'
"""srbench's shared configs (``_base_/default_runtime.py``, ``_base_/datasets/...``): ``srbench::<path>``."""
PREFIX = 'srbench'


def _plugin_records():
    """Plugins whose declarations loaded (their networks need not be imported to find their configs)."""
    from .discovery import declared_plugins
    return [r for r in declared_plugins() if r.status in ('ok', 'pending') and r.plugin is not None]


def prefix_root(prefix: str) -> Path | None:
    """The folder a ``<prefix>::`` base path is relative to: srbench's configs for ``srbench``, a plugin's
    configs folder for its name (or entry-point name); None when no plugin has that name."""
    if prefix == PREFIX:
        return SRBENCH_CONFIGS
    for r in _plugin_records():
        if prefix in (r.name, r.entry_point.split('=')[0].strip()):
            d = r.plugin.configs_dir()
            if d is None:
                raise ConfigError(f'base config prefix {prefix}:: names plugin {r.name!r}, which ships no '
                                  'configs folder')
            return d
    return None


def resolve_prefixed(cfg_path: str, filename: str = '') -> Path | None:
    """``'srbench::_base_/default_runtime.py'`` -> the file; ``'espcn::espcn_x3.py'`` -> the file in the
    plugin's configs folder; None when the prefix is neither srbench nor an installed plugin (MMEngine's
    own ``package::`` resolution then applies). A missing file is a :class:`ConfigError` naming it."""
    prefix, sep, rel = str(cfg_path).partition('::')
    if not sep:
        return None
    root = prefix_root(prefix)
    if root is None:
        return None
    p = (root / rel).resolve()
    if not p.is_file():
        where = f' (inherited by {filename})' if filename else ''
        raise ConfigError(f'base config {cfg_path}{where} not found: {p} does not exist')
    return p


def known_prefixes() -> list[str]:
    return [PREFIX] + [r.name for r in _plugin_records() if r.plugin.configs_dir() is not None]


def plugin_config_dirs() -> list[tuple[str, Path]]:
    """(plugin name, configs folder) of every loaded plugin that ships configs."""
    out = []
    for r in _plugin_records():
        d = r.plugin.configs_dir()
        if d is not None:
            out.append((r.name, d))
    return out


def resolve_config_path(config) -> Path:
    """A config file path, the name of a config some plugin ships (``espcn_x3``), or a prefixed name
    (``espcn::espcn_x3.py``, ``srbench::_base_/default_runtime.py``)."""
    s = os.path.expanduser(str(config))
    if '::' in s and not Path(s).exists():
        p = resolve_prefixed(s)
        if p is None:
            raise ConfigError(f'config {config}: unknown prefix {s.partition("::")[0]!r} (known: '
                              f'{", ".join(known_prefixes())})')
        return p
    p = Path(s)
    if p.is_file():
        return p
    if p.exists():
        raise ConfigError(f'config is not a file: {p}')
    name = p.name if p.suffix == '.py' else p.name + '.py'
    if p.parent == Path('.'):
        for _, d in plugin_config_dirs():
            if (d / name).is_file():
                return d / name
    raise ConfigError(f'config file not found: {config}')


# -- listing (static: no config code runs) ------------------------------------------------------------------

_UNKNOWN = object()


def _eval(node, env):
    """The value of a literal-ish expression (constants, names assigned before, dict(...), lists, string
    concatenation); _UNKNOWN for anything else (calls, attributes, f-strings)."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return env.get(node.id, _UNKNOWN)
    if isinstance(node, (ast.List, ast.Tuple)):
        return [_eval(e, env) for e in node.elts]
    if isinstance(node, ast.Dict):
        return {_eval(k, env): _eval(v, env) for k, v in zip(node.keys, node.values) if k is not None}
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == 'dict' \
            and not node.args:
        return {k.arg: _eval(k.value, env) for k in node.keywords if k.arg}
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mult)):
        a, b = _eval(node.left, env), _eval(node.right, env)
        try:
            return a + b if isinstance(node.op, ast.Add) else a * b
        except TypeError:
            return _UNKNOWN
    return _UNKNOWN


def _merge(base: dict, new: dict) -> dict:
    out = dict(base)
    for k, v in new.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict) and not v.get('_delete_'):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


def static_values(path: Path, _seen=None) -> dict:
    """The top-level literal assignments of a config, merged over its ``_base_`` files (as MMEngine
    merges them)."""
    _seen = set() if _seen is None else _seen
    path = Path(path).resolve()
    if path in _seen:
        return {}
    _seen.add(path)
    try:
        tree = ast.parse(path.read_text(encoding='utf-8'))
    except (OSError, SyntaxError, ValueError):
        return {}
    env: dict = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                and node.targets[0].id == '_base_':
            bases = _eval(node.value, {})
            for b in bases if isinstance(bases, list) else [bases]:
                if not isinstance(b, str):
                    continue
                try:
                    bp = resolve_prefixed(b) if '::' in b else path.parent / b
                except ConfigError:
                    bp = None
                if bp is not None:
                    env = _merge(env, static_values(bp, _seen))
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            k = node.targets[0].id
            if k == '_base_':
                continue
            v = _eval(node.value, env)
            env[k] = _merge(env[k], v) if isinstance(v, dict) and isinstance(env.get(k), dict) else v
    return env


def _header(path: Path) -> str:
    """The first comment line of a config (its title), following a stub's ``_base_`` when it has none."""
    for ln in path.read_text(encoding='utf-8').splitlines():
        s = ln.strip()
        if s.startswith('#'):
            return s.lstrip('#').strip()
        if s:
            break
    return ''


def _known(v):
    return v is not _UNKNOWN and v is not None


def _data_recipe(env: dict) -> str:
    dl = env.get('train_dataloader')
    ds = dl.get('dataset') if isinstance(dl, dict) else None
    if not isinstance(ds, dict):
        return 'test only' if _known(env.get('test_dataloader', _UNKNOWN)) or 'model' in env else ''
    kind = ds.get('type') if isinstance(ds.get('type'), str) else '?'
    for key in ('h5_path', 'lmdb_path', 'hr_dir', 'root', 'name'):
        v = ds.get(key)
        if isinstance(v, str):
            return f'{kind} {v}'
    name = ds.get('name')
    return f'{kind} {name}' if isinstance(name, str) else kind


@dataclass
class ConfigSummary:
    """One line of ``srbench configs``."""
    plugin: str
    name: str
    model: str
    scales: str
    data: str
    title: str
    path: str

    def as_dict(self) -> dict:
        return asdict(self)


def summarize(plugin: str, path: Path, models: dict | None = None) -> ConfigSummary:
    env = static_values(path)
    model = env.get('model') if isinstance(env.get('model'), dict) else {}
    gen = model.get('generator') if isinstance(model.get('generator'), dict) else {}
    gname = gen.get('type') if isinstance(gen.get('type'), str) else '?'
    scales = _UNKNOWN
    for key in ('scales', 'scale'):
        if _known(env.get(key, _UNKNOWN)):
            scales = env[key]
            break
    if not _known(scales) and _known(gen.get('scale', _UNKNOWN)):
        scales = gen['scale']
    if not _known(scales) and models and gname in models:
        scales = list(models[gname].scales)
    if isinstance(scales, (list, tuple)):
        scales = ','.join(str(s) for s in scales if _known(s))
    return ConfigSummary(plugin, path.stem, gname, str(scales) if _known(scales) else '?', _data_recipe(env),
                         _header(path), str(path))


def list_configs(pattern: str | None = None) -> list[ConfigSummary]:
    """Every config the loaded plugins ship (``_base_`` folders excluded), optionally only those whose name
    matches ``pattern`` (a substring, or a glob with ``*?[``)."""
    rows = []
    for r in _plugin_records():
        d = r.plugin.configs_dir()
        if d is None:
            continue
        for f in sorted(d.glob('*.py')):
            if pattern:
                glob = any(c in pattern for c in '*?[')
                if not (fnmatch.fnmatch(f.stem, pattern) if glob else pattern in f.stem):
                    continue
            rows.append(summarize(r.name, f, r.plugin.models))
    return rows


def format_configs(rows: list[ConfigSummary], paths: bool = False) -> str:
    from tabulate import tabulate
    if not rows:
        return 'no config found'
    head = ['plugin', 'config', 'network', 'scales', 'training data', 'title'] + (['file'] if paths else [])
    body = []
    for r in rows:
        title = r.title if len(r.title) <= 60 else r.title[:57] + '...'
        body.append([r.plugin, r.name, r.model, r.scales, r.data, title] + ([r.path] if paths else []))
    return tabulate(body, headers=head, tablefmt='github', disable_numparse=True)
