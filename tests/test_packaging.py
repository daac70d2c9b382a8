"""Packaging invariants: one source of metadata, every first-party plugin installed through the
entry-point door, torch pinned to the builds on local disk, pyiqa optional."""
import configparser
import subprocess
import sys
import tomllib

from conftest import REPO


def pyproject():
    return tomllib.loads((REPO / 'pyproject.toml').read_text())


def test_every_plugin_folder_is_packaged_and_has_an_entry_point():
    pp = pyproject()
    packages = set(pp['tool']['setuptools']['packages'])
    eps = pp['project']['entry-points']['srbench.plugins']
    folders = sorted(d.name for d in (REPO / 'plugins').iterdir() if (d / '__init__.py').is_file())
    assert folders, 'no plugin folders'
    for name in folders:
        assert f'srbench_plugins.{name}' in packages, f'plugins/{name} is not in [tool.setuptools] packages'
        assert any(v.startswith(f'srbench_plugins.{name}:') for v in eps.values()), \
            f'plugins/{name} has no entry point'


def test_package_list_equals_the_packages_on_disk():
    """``[tool.setuptools] packages`` names exactly the folders with an ``__init__.py`` under ``srbench/``
    (as ``srbench.*``) and ``plugins/`` (installed as ``srbench_plugins.*``): a package added or removed on
    disk must be added to or removed from the list (setuptools' ``find`` cannot rename plugins/). A folder
    with its own ``pyproject.toml`` under ``plugins/`` is a separate distribution (the WDSR example): not ours."""
    pp = pyproject()
    dirs = pp['tool']['setuptools']['package-dir']
    on_disk = set()
    for top, folder in dirs.items():
        root = REPO / folder
        own = [d for d in root.iterdir() if (d / 'pyproject.toml').is_file()]   # separate distributions
        for init in root.rglob('__init__.py'):
            rel = init.parent.relative_to(root).parts
            if '__pycache__' not in rel and not any(init.is_relative_to(d) for d in own):
                on_disk.add('.'.join((top,) + rel))
    listed = pp['tool']['setuptools']['packages']
    assert len(listed) == len(set(listed)), 'a package is listed twice'
    assert sorted(on_disk - set(listed)) == [], 'packages on disk missing from [tool.setuptools] packages'
    assert sorted(set(listed) - on_disk) == [], 'packages listed in [tool.setuptools] that are not on disk'


def test_metadata_only_in_pyproject():
    cp = configparser.ConfigParser()
    cp.read(REPO / 'setup.cfg')
    assert not {'metadata', 'options', 'options.entry_points'} & set(cp.sections()), \
        'setup.cfg must hold tool settings only (pyproject [project] silently wins otherwise)'


def test_torch_pins_and_optional_pyiqa():
    pp = pyproject()
    deps = pp['project']['dependencies']
    torch_dep = next(d for d in deps if d.startswith('torch'))
    assert '<2.15' in torch_dep, 'torch must be capped to the builds on local disk'
    assert not any(d.startswith('pyiqa') for d in deps), 'pyiqa must stay optional'
    iqa = pp['project']['optional-dependencies']['iqa']
    assert 'torch==2.14.1' in iqa and 'torchvision==0.29.1' in iqa


def test_core_does_not_import_pyiqa_or_torchvision():
    code = ('import sys, srbench._core, srbench.discovery as p; p.ensure_plugins_loaded(); '
            'bad = [m for m in ("pyiqa", "torchvision") if m in sys.modules]; print(bad); '
            'sys.exit(1 if bad else 0)')
    p = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr[-2000:]


def test_plugin_declarations_import_without_torch():
    code = ('import sys, importlib.metadata as m\n'
            'for ep in m.entry_points(group="srbench.plugins"):\n'
            '    if ep.value.startswith("srbench_plugins."): ep.load()\n'
            'sys.exit(1 if "torch" in sys.modules else 0)')
    p = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, 'a first-party plugin declaration imports torch: ' + p.stderr[-2000:]
