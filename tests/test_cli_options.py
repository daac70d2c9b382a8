"""--cfg-options parsing (srbench.apis.cli.parse_cfg_options, through MMEngine's DictAction)."""
import pytest

from srbench.apis.cli import parse_cfg_options
from srbench.errors import ConfigError


def test_values_are_parsed_as_mmengine_tools_parse_them():
    got = parse_cfg_options([
        'train_cfg.max_iters=1000', 'optim_wrapper.optimizer.lr=2e-3', 'a.flag=true', 'a.off=False',
        'a.none=None', 'a.name=espcn', 'a.quoted="x.png"', "a.single='y'", 'a.list=1,2,3',
        'a.brackets=[a, b]', 'a.tuple=(1,2)', 'a.nested=[(1,2),[a,b],c]', 'a.eq=k=v'])
    assert got == {
        'train_cfg.max_iters': 1000, 'optim_wrapper.optimizer.lr': 0.002, 'a.flag': True, 'a.off': False,
        'a.none': None, 'a.name': 'espcn', 'a.quoted': 'x.png', 'a.single': 'y', 'a.list': [1, 2, 3],
        'a.brackets': ['a', 'b'], 'a.tuple': (1, 2), 'a.nested': [(1, 2), ['a', 'b'], 'c'], 'a.eq': 'k=v'}
    assert type(got['train_cfg.max_iters']) is int and type(got['a.tuple']) is tuple
    assert parse_cfg_options(None) is None and parse_cfg_options([]) is None
    assert parse_cfg_options(['k=1', 'k=2']) == {'k': 2}          # the last one wins


@pytest.mark.parametrize('bad,match', [('max_iters', 'expects key=value'), ('a=[1,2', 'Imbalanced brackets')])
def test_malformed_options_are_one_config_error(bad, match):
    with pytest.raises(ConfigError, match=match):
        parse_cfg_options(['ok=1', bad])
