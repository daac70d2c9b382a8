#!/usr/bin/env python
"""Write srbench's manifest of the standard benchmark sets (srbench/data/benchmark_manifest.json) from a
reference copy of the data (default: ../shared/datasets or $SRBENCH_DATA_ROOT), with each set's public
source from the copy's PROVENANCE.tsv when there is one. The manifest holds names, sizes, channels and
hashes of the decoded pixels -- no images (see srbench/data/check.py).

    .venv/bin/python benchmarks/make_manifest.py [--root DIR] [--out FILE] [--sets Set5 ...]
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

from srbench.data.benchmarks import benchmark_root
from srbench.data.check import MANIFEST_PATH, STANDARD_SETS, make_manifest
from srbench.utils.atomic import write_text_atomic


def sources(root: Path) -> dict:
    """set -> 'repo@commit (n files); ...' from PROVENANCE.tsv (columns file, source, commit)."""
    tsv = root / 'PROVENANCE.tsv'
    if not tsv.is_file():
        return {}
    counts: dict = {}
    with open(tsv, newline='') as f:
        for row in csv.DictReader(f, delimiter='\t'):
            s = row['file'].split('/')[0]
            key = f'github.com/{row["source"]} @ {row["commit"][:7]}'
            counts.setdefault(s, {}).setdefault(key, 0)
            counts[s][key] += 1
    return {s: '; '.join(f'{k} ({n} files)' for k, n in c.items()) for s, c in counts.items()}


def dumps(m: dict) -> str:
    """The manifest as JSON with one line per image (readable diffs)."""
    out = ['{', f'"format": {json.dumps(m["format"])},', f'"hash": {json.dumps(m["hash"])},', '"sets": {']
    names = list(m['sets'])
    for i, s in enumerate(names):
        imgs = m['sets'][s]['images']
        out.append(f'{json.dumps(s)}: {{"source": {json.dumps(m["sets"][s]["source"])}, "images": [')
        out += [json.dumps(r) + (',' if j < len(imgs) - 1 else '') for j, r in enumerate(imgs)]
        out.append(']}' + (',' if i < len(names) - 1 else ''))
    out += ['}', '}']
    return '\n'.join(out) + '\n'


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--root', default=None, help='reference data root (default: srbench\'s benchmark root)')
    ap.add_argument('--out', default=str(MANIFEST_PATH))
    ap.add_argument('--sets', nargs='+', default=list(STANDARD_SETS))
    a = ap.parse_args(argv)
    root = Path(a.root or benchmark_root())
    m = make_manifest(root, a.sets, sources(root))
    write_text_atomic(dumps(m), a.out)
    n = sum(len(s['images']) for s in m['sets'].values())
    print(f'{n} images of {len(m["sets"])} sets from {root} -> {a.out}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
