"""The results schema (srbench.results): a version-1 file as tools/test.py wrote it before the schema had
its own module (tests/data/results_v1_bicubic_set5.json, see tests/data/README.md) still reads,
round-trips byte for byte and tabulates exactly as then; unknown fields survive a read/write round trip;
optional fields have defaults; a bad file is one DataError naming the file and the first problem."""
import copy
import json
import math
from pathlib import Path

import pytest

from srbench.apis.leaderboard import build_leaderboard
from srbench.apis.report import results_table
from srbench.errors import DataError
from srbench.results import (FORMAT_VERSION, RESULTS_FORMAT, CheckpointRecord, ModelRecord, Protocol, Results,
                             SetResult, json_safe, load_results, write_results)

DATA = Path(__file__).resolve().parent / 'data'
V1 = DATA / 'results_v1_bicubic_set5.json'


def expected(name: str, results_path) -> str:
    return (DATA / name).read_text().replace('{RESULTS}', str(results_path))


def test_version_1_file_reads_with_its_values():
    r = load_results(V1)
    assert RESULTS_FORMAT == 'srbench-results/1' and FORMAT_VERSION == 1
    assert r.model == ModelRecord(type='SRModel', generator='Bicubic', plugin='bicubic',
                                  plugin_version='0.1.0', distribution='srbench', input_kind='lr',
                                  channels='rgb', scales=[2, 3, 4, 8], multiscale=True, params=0)
    assert r.checkpoint is None and r.srbench_version == '0.1.0' and r.date.startswith('2026-11-30')
    assert r.config['model']['generator'] == {'type': 'Bicubic'}
    assert [x.label for x in r.results] == ['Set5 x2', 'Set5 x3', 'Set5 x4']
    x2 = r.results[0]
    assert x2.num_images == 5
    assert x2.metrics == pytest.approx({'PSNR': 33.6396, 'SSIM': 0.9292, 'IFC': 5.7156}, abs=1e-4)
    assert x2.protocol.metrics['PSNR']['crop_border'] == 2 and x2.protocol.data['lr_protocol'] == 'rgb-uint8'
    assert [p['name'] for p in x2.per_image] == ['baby', 'bird', 'butterfly', 'head', 'woman']
    assert sum(x2.values('PSNR')) / 5 == pytest.approx(x2.metrics['PSNR'], abs=1e-12)
    assert r.skipped[0] == 'Set14 x2' and len(r.skipped) == 9
    assert r.extra == {} and x2.extra == {} and r.model.extra == {}


def test_version_1_file_round_trips_byte_for_byte(tmp_path):
    out = tmp_path / 'again.json'
    write_results(load_results(V1), out)
    assert out.read_text() == V1.read_text()
    assert [p.name for p in tmp_path.iterdir()] == ['again.json']          # written atomically


@pytest.mark.parametrize('rewrite', [False, True])
def test_version_1_file_tabulates_as_before(tmp_path, rewrite):
    """The leaderboard (seed layout and per-scale rows) and tools/test.py's table of the version-1 file are
    the ones srbench printed before the schema module (tests/data/*.md, *.txt), and so are those of the same
    results written again by this srbench."""
    path = V1
    if rewrite:
        path = tmp_path / 'rewritten.json'
        write_results(load_results(V1), path)
    assert build_leaderboard([path]) == expected('results_v1_bicubic_set5.default.md', path)
    assert build_leaderboard([path], merge_scales=False) == expected('results_v1_bicubic_set5.per.md', path)
    assert results_table(load_results(path)) + '\n' == expected('results_v1_bicubic_set5.report.txt', path)


def test_unknown_fields_survive_a_round_trip(tmp_path):
    d = json.loads(V1.read_text())
    d['future_top'] = {'anything': [1, 2]}
    d['model']['flops'] = 123456
    d['checkpoint'] = {'path': '/x.pth', 'sha256': 'ab', 'size': 10}
    d['results'][0]['self_ensemble'] = True
    d['results'][0]['protocol']['tiling'] = {'tile': 64}
    d['results'][0]['per_image'][0]['runtime_s'] = 0.25
    src = tmp_path / 'future.json'
    src.write_text(json.dumps(d))
    r = load_results(src)
    assert r.extra == {'future_top': {'anything': [1, 2]}} and r.model.extra == {'flops': 123456}
    assert r.checkpoint == CheckpointRecord(path='/x.pth', sha256='ab', extra={'size': 10})
    assert r.results[0].extra == {'self_ensemble': True}
    assert r.results[0].protocol.extra == {'tiling': {'tile': 64}}
    out = tmp_path / 'out.json'
    write_results(r, out)
    assert json.loads(out.read_text()) == d
    assert build_leaderboard([out]) == expected('results_v1_bicubic_set5.default.md', out)


def test_optional_fields_have_defaults():
    r = Results.from_dict({'format': RESULTS_FORMAT, 'model': {},
                           'results': [{'dataset': 'Set5', 'scale': 2, 'metrics': {'PSNR': 30}}]})
    assert r.model == ModelRecord() and r.model.name == '?' and r.model.scales == []
    assert r.checkpoint is None and r.skipped == [] and r.config is None and r.date is None
    s = r.results[0]
    assert s == SetResult(dataset='Set5', scale=2, metrics={'PSNR': 30.0})
    assert s.num_images is None and s.protocol == Protocol() and s.per_image == []
    assert isinstance(s.metrics['PSNR'], float)
    d = r.to_dict()
    assert list(d) == ['format', 'srbench_version', 'date', 'git_commit', 'config_path', 'model',
                       'checkpoint', 'results', 'skipped', 'config']
    assert list(d['results'][0]) == ['dataset', 'scale', 'num_images', 'metrics', 'protocol', 'per_image']
    # a metric without a value (null) reads as None and prints as '-'
    d['results'][0]['metrics'] = {'PSNR': 30, 'SSIM': None}
    assert Results.from_dict(d).results[0].metrics == {'PSNR': 30.0, 'SSIM': None}
    assert '| Set5      | x2      | 30.00  | -      |' in build_leaderboard([d])


def test_non_finite_numbers(tmp_path):
    s = SetResult(dataset='Set5', scale=2, metrics={'PSNR': math.inf, 'PSNR_num_inf': 5.0, 'X': math.nan},
                  per_image=[{'name': 'a', 'PSNR': math.inf}, {'name': 'b'}])
    out = tmp_path / 'r.json'
    write_results(Results(model=ModelRecord(generator='Same'), results=[s]), out)
    on_disk = json.loads(out.read_text())['results'][0]
    assert on_disk['metrics'] == {'PSNR': 'inf', 'PSNR_num_inf': 5.0, 'X': 'nan'}
    back = load_results(out).results[0]
    assert back.metrics['PSNR'] == math.inf and math.isnan(back.metrics['X'])
    assert back.values('PSNR') == [math.inf, None]
    assert json_safe({'a': (1, -math.inf), 2: int}) == {'a': [1, '-inf'], '2': 'builtins.int'}


def test_bad_results_name_the_first_problem(tmp_path):
    good = json.loads(V1.read_text())
    cases = [
        (lambda d: d['results'][2].update(scale=2.5),
         r'results\[2\]\.scale: expected an integer, got float 2.5'),
        (lambda d: d['model'].update(scales=[2, 'x']),
         r"model\.scales\[1\]: expected an integer, got str 'x'"),
        (lambda d: d['model'].update(multiscale='yes'), r"model\.multiscale: expected true or false"),
        (lambda d: d['results'][0]['protocol'].update(metrics={'PSNR': 3}),
         r'results\[0\]\.protocol\.metrics\.PSNR: expected an object, got int 3'),
        (lambda d: d['results'][1].update(per_image=[{'name': 'a'}, 7]),
         r'results\[1\]\.per_image\[1\]: expected an object'),
        (lambda d: d.update(skipped='Set14 x2'), r"skipped: expected a list, got str 'Set14 x2'"),
        (lambda d: d.update(results={}), 'results: expected a list, got an object'),
        (lambda d: d.pop('format'), 'not an srbench results file .*got null'),
    ]
    for i, (change, match) in enumerate(cases):
        d = copy.deepcopy(good)
        change(d)
        p = tmp_path / f'bad{i}.json'
        p.write_text(json.dumps(d))
        with pytest.raises(DataError, match=match) as e:
            load_results(p)
        assert str(e.value).startswith(f'results file {p}: '), e.value


def test_writer_refuses_what_the_reader_would(tmp_path):
    bad = Results(model=ModelRecord(generator='X'), results=[SetResult(dataset='Set5', scale=None)])
    out = tmp_path / 'r.json'
    with pytest.raises(DataError,
                       match=r'results to write to .*r\.json: results\[0\]\.scale: expected an integer'):
        write_results(bad, out)
    assert not out.exists() and list(tmp_path.iterdir()) == []
