#!/usr/bin/env bash
# The main job on a fresh machine: set up, then train and evaluate the default
# transformer NER (embedded all-MiniLM-L6-v2) on the bundled WikiGold sample.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
OUT=${OUT:-training/wikigold}
.venv/bin/python -m spacy train configs/ner_transformer.cfg \
    --paths.train corpora/wikigold/train.conll --paths.dev corpora/wikigold/dev.conll \
    --training.max_epochs 1 --output "$OUT" "$@"
.venv/bin/python -m spacy evaluate "$OUT/model-best" corpora/wikigold/dev.conll 2>/dev/null \
    || .venv/bin/spacy-al evaluate "$OUT/model-best" corpora/wikigold/dev.conll
