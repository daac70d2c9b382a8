"""``--cfg-options`` checked against the config before it is merged: a typo is one error, not a silent no-op.

MMEngine's ``Config.merge_from_dict`` adds any key it is given: ``trian_cfg.max_iters=20`` creates a new
top-level key that nothing reads (the run goes on for the config's 1,000,000 iterations), and
``train_cfg.max_iter=10`` ends in a ``TypeError`` deep inside the Runner. Here every option's path is walked
through the config: a key that is new at the top level, or new in a component (a dict with a ``type``) whose
class does not take it, is one :class:`~srbench.errors.ConfigError` with the close matches. A key new inside a
dict without a ``type`` is allowed (nothing can say what it accepts), as is any key of a component whose
constructor takes ``**kwargs``.
"""
from __future__ import annotations

import difflib
import inspect

from ..errors import ConfigError

# top-level keys MMEngine's Runner reads that a config may leave out (so they are not in it yet)
RUNNER_KEYS = ('work_dir', 'experiment_name', 'randomness', 'env_cfg', 'launcher', 'resume', 'load_from',
               'log_level', 'log_processor', 'visualizer', 'default_hooks', 'custom_hooks', 'train_cfg',
               'val_cfg', 'test_cfg', 'auto_scale_lr', 'optim_wrapper', 'param_scheduler', 'model_wrapper_cfg',
               'default_scope', 'train_dataloader', 'val_dataloader', 'test_dataloader', 'val_evaluator',
               'test_evaluator', 'cfg', 'data_root')


def _close(name: str, choices) -> str:
    close = difflib.get_close_matches(name, sorted(set(choices)), n=3, cutoff=0.6)
    return f' (did you mean {", ".join(map(repr, close))}?)' if close else ''


def component_class(type_name: str):
    """The class registered as ``type_name`` in any srbench (or MMEngine root) registry, or None."""
    from ..registry import BY_NAME
    for reg in BY_NAME.values():
        try:
            cls = reg.get(type_name)
        except Exception:  # noqa: BLE001 -- a registry that cannot look the name up
            cls = None
        if cls is not None:
            return cls
    return None


def accepted_arguments(cls) -> tuple[set[str], bool]:
    """(keyword arguments ``cls`` takes, whether it also takes ``**kwargs``)."""
    try:
        params = inspect.signature(cls).parameters.values()
    except (TypeError, ValueError):
        return set(), True
    names = {p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    return names, any(p.kind == p.VAR_KEYWORD for p in params)


def check_options(cfg, options: dict) -> None:
    """Raise one ConfigError for the first option whose key is a typo (see the module docstring)."""
    for key in options:
        parts = str(key).split('.')
        node, path = getattr(cfg, '_cfg_dict', cfg), []      # a mmengine Config wraps a ConfigDict (a dict)
        for part in parts:
            if isinstance(node, (list, tuple)) and part.isdigit() and int(part) < len(node):
                node, path = node[int(part)], path + [part]
                continue
            if not isinstance(node, dict):
                break
            if part in node:
                node, path = node[part], path + [part]
                continue
            where = '.'.join(path)
            if not path:
                if part not in RUNNER_KEYS:
                    raise ConfigError(f'--cfg-options {key}: the config has no key {part!r} and MMEngine reads no '
                                      f'such key{_close(part, list(node) + list(RUNNER_KEYS))}')
                break
            t = options.get(f'{where}.type', node.get('type'))    # a type changed by the same options
            if isinstance(t, str):
                cls = component_class(t)
                if cls is not None:
                    names, more = accepted_arguments(cls)
                    if not more and part not in names:
                        raise ConfigError(f'--cfg-options {key}: {where} is type {t}, which takes no argument '
                                          f'{part!r}{_close(part, names - {"self"})}')
            break


# keys MMEngine's builders take out of a component's dict before calling its class
BUILDER_KEYS = {'type', '_scope_', 'constructor', 'paramwise_cfg'}


def check_component_arguments(cfg) -> None:
    """Every dict with a ``type`` in the config passes only keys its class takes (one ConfigError naming the
    key, its place in the config and the close matches); classes taking ``**kwargs`` are not checked."""
    def walk(node, path):
        if isinstance(node, dict):
            t = node.get('type')
            cls = component_class(t) if isinstance(t, str) else (t if isinstance(t, type) else None)
            if cls is not None:
                names, more = accepted_arguments(cls)
                if not more:
                    for k in node:
                        if k not in BUILDER_KEYS and k not in names:
                            raise ConfigError(f'config key {".".join(path + [str(k)])}: {".".join(path)} is type '
                                              f'{cls.__name__}, which takes no argument {k!r}'
                                              f'{_close(str(k), names - {"self"})}')
            for k, v in node.items():
                walk(v, path + [str(k)])
        elif isinstance(node, (list, tuple)):
            for i, v in enumerate(node):
                walk(v, path + [str(i)])
    walk(getattr(cfg, '_cfg_dict', cfg), [])
