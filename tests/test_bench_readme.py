"""The benchmarks write their tables into README.md's marked blocks (`--readme NAME`): one block replaced,
the rest of the file kept, a missing block one clear error; README.md has the blocks its commands name."""
import re
import sys

import pytest

from conftest import REPO

sys.path.insert(0, str(REPO / 'benchmarks'))


def test_write_readme_block_replaces_only_its_block(tmp_path):
    import bench_eval
    readme = tmp_path / 'README.md'
    readme.write_text('# T\nbefore\n<!-- bench:x:begin -->\nold\n<!-- bench:x:end -->\nafter\n'
                      '<!-- bench:y:begin -->\nkeep\n<!-- bench:y:end -->\n')
    bench_eval.write_readme_block('x', '| a | b |\n|---|---|\n| 1 | 2 |\n', readme=readme)
    text = readme.read_text()
    assert '| 1 | 2 |' in text and 'old' not in text and 'keep' in text
    assert text.startswith('# T\nbefore\n') and text.endswith('after\n<!-- bench:y:begin -->\nkeep\n'
                                                               '<!-- bench:y:end -->\n')
    assert not list(tmp_path.glob('*.tmp'))
    with pytest.raises(SystemExit, match=r'expected one <!-- bench:z:begin --> \.\.\. <!-- bench:z:end -->'):
        bench_eval.write_readme_block('z', 'x', readme=readme)


def test_readme_has_the_blocks_its_commands_write():
    text = (REPO / 'README.md').read_text()
    names = re.findall(r'--readme ([a-z]\w*)`', text)
    assert sorted(names) == ['kernels', 'overhead', 'table']
    for n in names:
        assert text.count(f'<!-- bench:{n}:begin -->') == 1 and text.count(f'<!-- bench:{n}:end -->') == 1
