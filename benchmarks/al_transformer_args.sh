# Settings of the transformer active-learning benchmark (issue: label efficiency with the
# embedded MiniLM), shared by the CPU path (benchmarks/al_transformer.sh) and the GPU path
# (benchmarks/al_gpu.sh) so that both write rows of one comparable run.
# Source it, then use "${CONLL_ARGS[@]}" / "${ONTONOTES_ARGS[@]}" / "${COMMON_ARGS[@]}".
# CORPORA: the folder holding conll2003/ and ontonotes5/ (default ../shared/corpora).
CORPORA=${CORPORA:-../shared/corpora}
# AL_STRATEGIES, AL_SEEDS, AL_EXTRA (more benchmark arguments) override, for a dry run.
read -r -a STRATEGIES <<< "${AL_STRATEGIES:-random mnlp bald token_entropy}"
read -r -a SEEDS <<< "${AL_SEEDS:-0 1 2}"
read -r -a EXTRA_ARGS <<< "${AL_EXTRA:-}"
COMMON_ARGS=(
  -a transformer --unit tokens --seed-size 0.02 --query-size 0.02 --budget 0.30
  --epochs 3 --min-steps 150 --min-steps-fresh-only --full-epochs 3 --batch-size 32
  --learn-rate 0.0001 --retrain continue --holdout 0.1 --patience 1
  --score-subsample 0.25 --int8-scoring
  --strategy-options '{"bald": {"n_samples": 10, "dropout": 0.1, "mc_dropout": "head"}}'
  --no-progress ${EXTRA_ARGS[@]+"${EXTRA_ARGS[@]}"}
)
# CoNLL-2003: the whole train split is the pool, the test split is the test set.
CONLL_ARGS=("$CORPORA/conll2003/train.txt" "$CORPORA/conll2003/test.txt" --corpus conll2003)
# OntoNotes: the same fixed 20,000-sentence sample of train as the tok2vec run (seed 0),
# test_conll2012.txt whole as the test set.
ONTONOTES_ARGS=("$CORPORA/ontonotes5/train.txt" "$CORPORA/ontonotes5/test_conll2012.txt"
                --corpus ontonotes5 --pool-sample 20000)
# OntoNotes, the whole train split (82,103 sentences after 3,718 -DOCSTART- lines): the
# full-data reference alone, for the target read on the whole split (F1 >= 0.84 on
# test_conll2012), no AL rounds.
ONTONOTES_WHOLE_ARGS=("$CORPORA/ontonotes5/train.txt" "$CORPORA/ontonotes5/test_conll2012.txt"
                      --corpus ontonotes5 -s "" --no-baseline --full)
