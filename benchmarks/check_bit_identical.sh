#!/usr/bin/env bash
# Same data and same weights from two srbench checkouts: the seed's data recipes (on the first 5 T91 images)
# and N training iterations of each classic model's own config, run in OLD and NEW, compared bit for bit
# (the patch stores array by array, the checkpoints tensor by tensor). Used to show that a refactor changed
# no result: bash benchmarks/check_bit_identical.sh OLD_CHECKOUT NEW_CHECKOUT [OUT_DIR]
# Each checkout needs its own environment with srbench installed from it (OLD/.venv, NEW/.venv).
set -euo pipefail
OLD=$(cd "$1" && pwd); NEW=$(cd "$2" && pwd); OUT=${3:-/tmp/srbench_bitcheck}
DATA=${SRBENCH_DATA_ROOT:-$NEW/../shared/datasets}
export OMP_NUM_THREADS=1
mkdir -p "$OUT/t91"
ls "$DATA/T91/HR" | head -5 | while read -r f; do ln -sf "$DATA/T91/HR/$f" "$OUT/t91/$f"; done
# model config | iterations | data_aug arguments (the config's recipe, --number dropped)
RUNS=(
  "espcn_x3|30|--width 51 --height 51 --stride 42 -uf 3 --single_y --use_h5py"
  "fsrcnn_x3|30|--width 21 --height 21 --stride 9 -uf 3 --rotations 0 90 --scales 1.0 0.8 --single_y --use_h5py"
  "vdsr_x234|4|--width 41 --height 41 --stride 41 -uf 2 3 4 --scales 1.0 0.7 --rotations 0 90 --flips 0 1 --upsampling bicubic --same_size --single_y --use_h5py"
  "drrn_x234|2|--width 31 --height 31 --stride 28 -uf 2 3 4 --rotations 0 90 --flips 0 1 --upsampling bicubic --single_y --use_h5py"
  "lapsrn_x4|6|--width 128 --height 128 --stride 64 -uf 4 --scales 1.0 0.7 --rotations 0 90 --flips 0 1 --single_y --use_h5py"
  "drcn_x3|2|--width 41 --height 41 --stride 21 -uf 3 --rotations 0 90 --scales 1.0 0.7 --upsampling bicubic --single_y --use_h5py"
)
for run in "${RUNS[@]}"; do
  IFS='|' read -r cfg iters recipe <<<"$run"
  for side in old new; do
    repo=$OLD; [ $side = new ] && repo=$NEW
    d="$OUT/$side/$cfg"; rm -rf "$d"; mkdir -p "$d"
    (cd "$repo" && .venv/bin/python tools/data_aug.py --input "$OUT/t91" --output "$d/data.h5" $recipe --quiet \
        >"$d/data_aug.log" 2>&1)
    (cd "$repo" && .venv/bin/python tools/train.py "configs/$cfg.py" --work-dir "$d/wd" --cfg-options \
        "train_dataloader.dataset.h5_path=$d/data.h5" "train_cfg.max_iters=$iters" "train_cfg.val_interval=100000" \
        "default_hooks.checkpoint.interval=$iters" >"$d/train.log" 2>&1) || { echo "$cfg $side: training failed"; tail -5 "$d/train.log"; }
  done
  "$NEW/.venv/bin/python" - "$OUT/old/$cfg" "$OUT/new/$cfg" "$iters" "$cfg" <<'PY'
import sys
import h5py
import numpy as np
import torch
a, b, n, cfg = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
with h5py.File(f'{a}/data.h5') as fa, h5py.File(f'{b}/data.h5') as fb:
    keys = sorted(fa.keys())
    same_data = keys == sorted(fb.keys()) and all(np.array_equal(fa[k][()], fb[k][()]) for k in keys)
    shape = {k: fa[k].shape for k in keys}
wa = torch.load(f'{a}/wd/iter_{n}.pth', map_location='cpu', weights_only=True)['state_dict']
wb = torch.load(f'{b}/wd/iter_{n}.pth', map_location='cpu', weights_only=True)['state_dict']
same_w = wa.keys() == wb.keys() and all(torch.equal(wa[k], wb[k]) for k in wa)
print(f'{cfg:10s} data {"identical" if same_data else "DIFFERENT"} {shape}  weights after {n} iterations: '
      f'{"identical" if same_w else "DIFFERENT"} ({len(wa)} tensors)')
PY
done
