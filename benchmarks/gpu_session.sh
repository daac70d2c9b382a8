#!/usr/bin/env bash
# One prepared session of GPU checks (the CI machines have no GPU). Run from the repository root on a machine
# with CUDA, torch and the dependencies importable; writes logs and results under ${OUT:-gpu_out}.
#   SRBENCH_DATA_ROOT  folder with Set5/HR and Set14/HR (default ../shared/datasets)
#   ESPCN_H5           the ESPCN x3 training file (configs/espcn_x3.py; default work_dirs/data/espcn_x3.h5)
#   GPU_MINUTES        budget of the ESPCN x3 training on the GPU (default 3.5)
#   GPU_STEPS          which of: check amp train (default all three)
# Steps: plugin list; benchmarks/gpu_check.py (imresize and every model, CUDA vs CPU, speed); a 300-iteration
# AMP training, resumed to 600 iterations, tested (checks AmpOptimWrapper, resume of CUDA optimizer state and
# the test path on CUDA); the 30-minute-CPU ESPCN x3 recipe trained for GPU_MINUTES on the GPU and tested.
set -u
OUT=${OUT:-gpu_out}
mkdir -p "$OUT" work_dirs/data
PY=${PY:-python3}
H5=${ESPCN_H5:-work_dirs/data/espcn_x3.h5}
[ "$H5" = work_dirs/data/espcn_x3.h5 ] || cp "$H5" work_dirs/data/espcn_x3.h5
export PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv > "$OUT/gpu.txt" 2>&1
$PY -m srbench plugins > "$OUT/plugins.txt" 2>&1 || echo "srbench plugins failed (rc $?)"
STEPS=" ${GPU_STEPS:-check amp train} "
if [[ $STEPS == *" check "* ]]; then
$PY benchmarks/gpu_check.py 2>&1 | tee "$OUT/gpu_check.txt"
fi
$PY -m pytest -q -p no:cacheprovider tests/test_checkpoint.py 2>&1 | tail -n 3

if [[ $STEPS == *" amp "* ]]; then

amp="--cfg-options train_cfg.val_interval=300 default_hooks.checkpoint.interval=150 default_hooks.logger.interval=100"
$PY tools/train.py configs/espcn_x3_cpu30m.py --work-dir /tmp/wd_amp --amp $amp train_cfg.max_iters=300 \
    > "$OUT/amp_train.log" 2>&1; echo "amp train rc $?"
$PY tools/train.py configs/espcn_x3_cpu30m.py --work-dir /tmp/wd_amp --amp -r $amp train_cfg.max_iters=600 \
    > "$OUT/amp_resume.log" 2>&1; echo "amp resume rc $?"
grep -h -E "resumed|Iter\(train\) \[(100|300|400|600)/" "$OUT/amp_train.log" "$OUT/amp_resume.log" | cut -c1-160
$PY tools/test.py configs/espcn_x3_cpu30m.py --ckpt /tmp/wd_amp/iter_600.pth --work-dir /tmp/wd_amp \
    --out "$OUT/amp_test.json" > "$OUT/amp_test.log" 2>&1; echo "amp test rc $?"
tail -n 8 "$OUT/amp_test.log"
fi

if [[ $STEPS == *" train "* ]]; then

cat > configs/_gpu_espcn_x3.py <<EOF
_base_ = ['./espcn_x3_cpu30m.py']
custom_hooks = [dict(type='TrainTimeLimitHook', minutes=${GPU_MINUTES:-3.5})]
train_dataloader = dict(num_workers=2, persistent_workers=True)
EOF
$PY tools/train.py configs/_gpu_espcn_x3.py --work-dir /tmp/wd_gpu > "$OUT/gpu_train.log" 2>&1; echo "gpu train rc $?"
grep -E "time limit|Iter\(train\) \[[0-9]+0000/" "$OUT/gpu_train.log" | tail -n 4 | cut -c1-200
$PY tools/test.py configs/_gpu_espcn_x3.py --ckpt "$(cat /tmp/wd_gpu/last_checkpoint)" --work-dir /tmp/wd_gpu \
    --out "$OUT/gpu_test.json" > "$OUT/gpu_test.log" 2>&1; echo "gpu test rc $?"
tail -n 8 "$OUT/gpu_test.log"
rm -f configs/_gpu_espcn_x3.py
fi
