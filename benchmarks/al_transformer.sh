#!/usr/bin/env bash
# CPU path of the transformer active-learning benchmark: one corpus at a time, every
# strategy and seed in turn, nice'd on one core, appending round by round; rerun the same
# command to resume. Usage: bash benchmarks/al_transformer.sh conll2003|ontonotes5 [OUT]
# (ontonotes5-whole: the full-data reference alone on the whole OntoNotes train split)
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/al_corpora.sh   # corpus_args: the files of each corpus
corpus=${1:?conll2003 or ontonotes5}
out=${2:-docs/benchmarks/$corpus-transformer}
corpus_args "$corpus" || { echo "unknown corpus $corpus" >&2; exit 2; }
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
strategies=$(IFS=,; echo "${STRATEGIES[*]}")
seeds=$(IFS=,; echo "${SEEDS[*]}")
[ "$corpus" = ontonotes5-whole ] || args+=(-s "$strategies" ${FULL:---full})
exec nice -n 15 .venv/bin/python -m spacy_al benchmark "${args[@]}" -o "$out" \
  --seeds "$seeds" --config "$SETTINGS" --no-progress ${EXTRA_ARGS[@]+"${EXTRA_ARGS[@]}"}
