#!/usr/bin/env bash
# tools/dist_train.sh CONFIG N [srbench train args...]  -- `srbench train CONFIG --launcher pytorch` in N
# processes per node with torchrun (= torchrun --nproc_per_node N -m srbench train CONFIG --launcher pytorch).
# Multi-node: NNODES, NODE_RANK, MASTER_ADDR, PORT (as MMagic). Without CUDA srbench uses gloo.
set -euo pipefail
CONFIG=$1
NPROC=$2
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
MASTER_ADDR=${MASTER_ADDR:-127.0.0.1}
PYTHON=${PYTHON:-python}
exec "$PYTHON" -m torch.distributed.run \
    --nnodes="$NNODES" --node_rank="$NODE_RANK" --master_addr="$MASTER_ADDR" \
    --nproc_per_node="$NPROC" --master_port="$PORT" \
    -m srbench train "$CONFIG" --launcher pytorch "${@:3}"
