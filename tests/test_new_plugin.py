"""``srbench new-plugin``: the template renders for a name, refuses bad names and existing folders, and the
docs/plugins.md's "Writing a plugin" section shows exactly what it writes. (Installing the written plugin, training,
testing and uninstalling it: tests/test_wheel.py.)"""
import re

import pytest

from conftest import REPO
from srbench.errors import ConfigError
from srbench.plugin_template import LAYOUT, TEMPLATES, new_plugin, render


def test_readme_section_is_the_template_rendered():
    text = (REPO / 'docs' / 'plugins.md').read_text()
    files = render('mynet')
    blocks = re.findall(r'<!-- srbench new-plugin mynet: (\S+) -->\n```\w*\n(.*?)```\n', text, re.S)
    assert {rel for rel, _ in blocks} >= {'pyproject.toml', 'src/srbench_plugin_mynet/__init__.py',
                                          'src/srbench_plugin_mynet/configs/mynet_x2.py'}
    for rel, body in blocks:
        assert body == files[rel], f'README block {rel} is not what `srbench new-plugin mynet` writes'


def test_render_fills_every_placeholder_and_writes_the_layout(tmp_path):
    files = render('my_net')
    assert set(files) == {'pyproject.toml', 'README.md', 'src/srbench_plugin_my_net/__init__.py',
                          'src/srbench_plugin_my_net/my_net_arch.py', 'src/srbench_plugin_my_net/paper.json',
                          'src/srbench_plugin_my_net/configs/my_net_x2.py', 'tests/conftest.py',
                          'tests/test_my_net.py'}
    assert {t for t, _ in LAYOUT} == {p.name for p in TEMPLATES.iterdir()}
    for rel, body in files.items():
        assert '${' not in body, rel
    assert 'my_net = "srbench_plugin_my_net:plugin"' in files['pyproject.toml']
    assert 'name = "srbench-plugin-my-net"' in files['pyproject.toml']
    assert 'class MyNetSR(nn.Module)' in files['src/srbench_plugin_my_net/my_net_arch.py']
    compile(files['src/srbench_plugin_my_net/__init__.py'], 'init', 'exec')
    import json
    json.loads(files['src/srbench_plugin_my_net/paper.json'])
    out = new_plugin('my_net', tmp_path, network='Tiny')
    assert out == tmp_path / 'srbench-plugin-my-net'
    assert 'class Tiny(nn.Module)' in (out / 'src/srbench_plugin_my_net/my_net_arch.py').read_text()
    with pytest.raises(ConfigError, match='already exists'):
        new_plugin('my_net', tmp_path)
    new_plugin('my_net', tmp_path, force=True)


@pytest.mark.parametrize('bad', ['', 'My', '1net', 'my-net', 'a b', 'x' * 41])
def test_bad_names_are_one_error(bad):
    with pytest.raises(ConfigError, match='plugin name'):
        render(bad)
