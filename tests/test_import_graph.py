"""srbench's modules import each other without a cycle.

The graph is read from the source with ``ast``: every ``import`` statement of a module, at module level or
inside a function, relative ones resolved. ``import a.b.c`` is an edge to ``a.b.c`` only (running the
``__init__`` of ``a`` and ``a.b`` on the way is not a dependency of the importer); ``from pkg import name`` is
an edge to ``pkg.name`` when that is a module, else to ``pkg``; a package whose ``__init__`` imports its
submodules depends on them. A second, coarser graph collapses every module into its sub-package
(``srbench.data.common`` -> ``srbench.data``): the sub-packages are layers, and a layer must not import
from a layer that imports from it, not even through a function-local import.

Imports by name (``importlib.import_module('...')``, MMEngine's registry ``locations``) are not statements
and are not part of these graphs: the registries reach the modules that register into them (which import the
registries) lazily, by name, on their first lookup; that is MMEngine's design, not a cycle of ours.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import REPO

ROOT = REPO / 'srbench'


def module_names(root: Path = ROOT) -> dict[str, Path]:
    """Every module of the ``srbench`` package: dotted name -> file."""
    out = {}
    for f in sorted(root.rglob('*.py')):
        parts = list(f.relative_to(root.parent).with_suffix('').parts)
        if parts[-1] == '__init__':
            parts = parts[:-1]
        if all(p.isidentifier() for p in parts):
            out['.'.join(parts)] = f
    return out


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The srbench modules that ``name`` (file ``path``) imports."""
    is_pkg = path.name == '__init__.py'
    package = name if is_pkg else name.rpartition('.')[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding='utf-8'), filename=str(path))):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name in modules:
                    out.add(a.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split('.')
                base = base[:len(base) - (node.level - 1)] if node.level > 1 else base
                src = '.'.join(base + ([node.module] if node.module else []))
            else:
                src = node.module or ''
            for a in node.names:
                sub = f'{src}.{a.name}'
                if sub in modules:
                    out.add(sub)
                elif src in modules:
                    out.add(src)
    out.discard(name)
    return out


def import_graph() -> dict[str, set[str]]:
    modules = module_names()
    return {n: imports_of(n, p, modules) for n, p in modules.items()}


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected component of more than one module (Tarjan's algorithm), each
    given as a closed path ``[a, b, ..., a]``."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                components.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return [_cycle_in(graph, set(c)) for c in components]


def _cycle_in(graph: dict[str, set[str]], comp: set[str]) -> list[str]:
    """A shortest closed path through the first module of a strongly connected component."""
    start = min(comp)
    prev = {start: None}
    queue = [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(graph[v] & comp):
            if w == start:
                path = [v]
                while prev[path[-1]] is not None:
                    path.append(prev[path[-1]])
                return list(reversed(path)) + [start]
            if w not in prev:
                prev[w] = v
                queue.append(w)
    raise AssertionError(f'{sorted(comp)} is not strongly connected')


def test_the_reader_sees_imports():
    """The graph builder itself: absolute, relative, function-local and package imports."""
    g = import_graph()
    assert 'srbench.errors' in g['srbench.spec']                       # from .errors import ...
    assert 'srbench.spec' in g['srbench.data.common']                  # from ..spec import ...
    assert {'srbench.data', 'srbench.models', 'srbench.engine'} <= g['srbench._core']   # from . import data
    assert 'srbench.models.sr_model' in g['srbench.models']            # a package imports its submodule
    assert 'srbench' not in g['srbench.data.common']                   # no edge to the parents
    assert find_cycles({'a': {'b'}, 'b': {'c'}, 'c': {'a'}, 'd': {'a'}}) == [['a', 'b', 'c', 'a']]
    assert find_cycles({'a': {'b'}, 'b': set()}) == []


def test_spec_is_a_leaf():
    """What a plugin author imports needs nothing of srbench but its errors (and no torch)."""
    assert import_graph()['srbench.spec'] <= {'srbench.errors'}


def test_data_layer_does_not_depend_on_discovery_or_lookup():
    g = import_graph()
    bad = {m: sorted(g[m] & {'srbench.discovery', 'srbench.lookup', 'srbench.plugins'})
           for m in g if m.startswith('srbench.data')}
    assert not {m: v for m, v in bad.items() if v}


def test_nothing_in_srbench_imports_the_compatibility_module():
    g = import_graph()
    assert [m for m, deps in g.items() if 'srbench.plugins' in deps] == []


def test_no_import_cycle():
    cycles = find_cycles(import_graph())
    assert not cycles, 'import cycles among srbench modules:\n' + '\n'.join(' -> '.join(c) for c in cycles)


def package_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The module graph with every module replaced by its sub-package of srbench (``srbench.data.io`` ->
    ``srbench.data``; top-level modules such as ``srbench.spec`` stay themselves)."""
    def layer(m: str) -> str:
        return '.'.join(m.split('.')[:2])
    out: dict[str, set[str]] = {}
    for m, deps in graph.items():
        out.setdefault(layer(m), set()).update(layer(d) for d in deps if layer(d) != layer(m))
    return out


def test_no_cycle_between_subpackages():
    cycles = find_cycles(package_graph(import_graph()))
    assert not cycles, ('import cycles among srbench sub-packages:\n'
                        + '\n'.join(' -> '.join(c) for c in cycles))
