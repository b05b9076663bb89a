#!/usr/bin/env bash
# The main job on a fresh machine: set up, then start an annotation session.
# Recipe ner.al-correct on the embedded all-MiniLM-L6-v2 model and the bundled
# WikiGold sample (CC-BY 4.0): sentences come most-informative first (MNLP), the
# model retrains in the background every 20 accepted answers and re-ranks the rest.
# Open the printed URL in a browser (add ?session=NAME per annotator); Ctrl+C stops.
# Extra arguments go to `spacy-al annotate ner.al-correct`, e.g. --port 8081.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1
exec .venv/bin/spacy-al annotate ner.al-correct wikigold_al default wikigold \
    --db "${SPACY_AL_DB:-training/annotations.db}" --host 127.0.0.1 --port "${PORT:-8080}" "$@"
