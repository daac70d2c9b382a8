#!/usr/bin/env python
"""Test every released model the plugins declare (srbench convert --list) with its own config and the
authors' evaluation protocol, then write the table of srbench's numbers beside the papers':

    python tools/reproduce_released.py /path/to/released/weights [--sets Set5 Set14 BSD100 Urban100]
        [--names vdsr_official ...] [--bicubic] [--out-dir work_dirs/released] [--work-dir DIR]
        [--table docs/released_weights.md]

The files are found in the folder (recursively) by their sha256, whatever their names. Each (model, set)
writes ``<out-dir>/<weights name>/<set>.json`` (logs and converted checkpoints go to ``--work-dir``, by
default ``<out-dir>``); the table is ``srbench leaderboard`` of all the JSONs in ``--out-dir`` (so runs can be
split and resumed: a JSON that exists is kept unless --again). ``--bicubic`` also tests Bicubic (``BicubicY``,
the interpolation fed the very LR the networks get) under each authors' protocol of the selected models, at
their scales: ``<out-dir>/bicubic_<protocol>/<set>.json``, the baseline row of each protocol's summary table.
"""
import argparse
import sys
from pathlib import Path

from srbench.apis.cli import run_cli

BICUBIC_CONFIG = 'bicubicy_x234'
TABLE_TITLE = 'Released models: srbench vs the papers'
TABLE_INTRO = '''<!-- written by tools/reproduce_released.py --table: edit the tool, not this page -->
The authors' released models run through srbench (see README.md, "The authors' released models, reproduced"):
srbench's PSNR / SSIM beside the numbers each model's declaration cites (`paper`), under the authors' own
evaluation protocol. The cross-model view (one table per data set and scale, with Bicubic, parameters and
runtime) is [results.md](results.md). Produced from the results JSONs in `{out_dir}` by

    python tools/reproduce_released.py ../shared/weights --sets Set5 Set14 BSD100 --bicubic \\
        --out-dir {out_dir} --work-dir work_dirs/docs_results --table {table}

(2 shared CPU cores, one thread). Results files per data set: {coverage} (of {models} models). The
missing ones and Urban100 did not fit in the session: the same command with `--sets BSD100 Urban100` adds
them (a JSON that exists is kept), `--names` selects models.
'''


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('weights_dir', help='folder holding the authors\' released files (searched recursively)')
    ap.add_argument('--sets', nargs='+', default=['Set5', 'Set14', 'BSD100', 'Urban100'],
                    help='benchmark sets to test on (default: Set5 Set14 BSD100 Urban100)')
    ap.add_argument('--names', nargs='+', help='only these released weights (default: all declared)')
    ap.add_argument('--bicubic', action='store_true',
                    help='also test Bicubic under the protocol and scales of the selected models')
    ap.add_argument('--out-dir', default='work_dirs/released', help='where the results JSONs go')
    ap.add_argument('--work-dir', help='logs and converted checkpoints (default: --out-dir)')
    ap.add_argument('--table', help='write the leaderboard (markdown) here')
    ap.add_argument('--again', action='store_true', help='re-run (model, set) pairs whose JSON exists')
    a = ap.parse_args(argv)
    return int(run_cli(run, a) or 0)


def _run_one(cfg_name, sets, scales, protocol, ckpt, out_dir: Path, work_dir: Path, name: str, again: bool,
             metric_protocol: bool = False):
    """Test one config on each set (one results JSON per set; existing ones kept unless ``again``).
    ``metric_protocol``: set the metrics' protocol to the one the authors' protocol names (the released
    models' configs set it themselves; Bicubic's config does not)."""
    from srbench.apis import test
    from srbench.apis.common import load_config
    from srbench.data.benchmarks import test_loaders
    from srbench.data.paired import EVAL_PROTOCOLS
    for ds in sets:
        out = out_dir / name / f'{ds}.json'
        if out.exists() and not again:
            continue
        cfg = load_config(cfg_name)
        cfg.test_dataloader = test_loaders([ds], list(scales), eval_protocol=protocol)
        named = (EVAL_PROTOCOLS[protocol].get('metric') or {}).get('protocol')
        if metric_protocol and named:
            cfg.test_evaluator = [dict(m, protocol=named) for m in cfg.test_evaluator]
        res = test(cfg, ckpt=ckpt, work_dir=str(work_dir / name / 'work'), out=str(out))
        print(name, ds, ' '.join(f'x{r["scale"]} {r["metrics"]["PSNR"]:.3f}' for r in res['results']),
              flush=True)


def write_table(results, out_dir, table) -> None:
    """The leaderboard of the released models' results JSONs (``srbench leaderboard --refs paper``) under a
    generated header that names the command and how many results files each data set has."""
    from srbench.apis.leaderboard import leaderboard
    from srbench.utils.atomic import write_text_atomic
    counts: dict = {}
    for p in results:
        counts[p.stem] = counts.get(p.stem, 0) + 1
    order = ['Set5', 'Set14', 'BSD100', 'Urban100']
    rank = {k: (order.index(k) if k in order else len(order), k) for k in counts}
    coverage = ', '.join(f'{k} {counts[k]}' for k in sorted(counts, key=rank.get))
    md = leaderboard([str(p) for p in results], refs=['paper'], title=TABLE_TITLE)
    head, rest = md.split('\n', 1)
    models = len({p.parent.name for p in results})
    md = head + '\n\n' + TABLE_INTRO.format(out_dir=out_dir, table=table, coverage=coverage,
                                             models=models) + rest
    write_text_atomic(md, table)
    print(f'table written to {table} ({len(md.splitlines())} lines)')


def run(a) -> int:
    from srbench.engine.checkpoint import sha256_file
    from srbench.errors import ConfigError
    from srbench.weights import declarations
    by_sha = {}
    for f in sorted(Path(a.weights_dir).rglob('*')):
        if f.is_file() and f.stat().st_size > 1024:
            by_sha.setdefault(sha256_file(f), f)
    out_dir = Path(a.out_dir)
    work_dir = Path(a.work_dir) if a.work_dir else out_dir
    decls = [d for d in declarations() if not a.names or d.weights.name in a.names]
    if a.names and len(decls) != len(a.names):
        known = sorted(d.weights.name for d in declarations())
        raise ConfigError(f'--names: unknown released weights among {a.names} (declared: {", ".join(known)})')
    bicubic_scales: dict = {}          # protocol -> scales of the models found under it
    for d in decls:
        w = d.weights
        src = by_sha.get(w.sha256)
        if src is None:
            print(f'{w.name}: no file with sha256 {w.sha256} in {a.weights_dir}; skipped')
            continue
        bicubic_scales.setdefault(w.protocol, set()).update(w.scales)
        _run_one(w.config, a.sets, w.scales, w.protocol, src, out_dir, work_dir, w.name, a.again)
    if a.bicubic:
        for protocol, scales in sorted(bicubic_scales.items()):
            _run_one(BICUBIC_CONFIG, a.sets, sorted(scales), protocol, None, out_dir, work_dir,
                     f'bicubic_{protocol}', a.again, metric_protocol=True)
    results = sorted(p for p in out_dir.glob('*/*.json') if not p.parent.name.startswith('bicubic_'))
    if a.table and results:
        write_table(results, out_dir, a.table)
    return 0


if __name__ == '__main__':
    sys.exit(main())
