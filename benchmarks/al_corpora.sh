# The corpora of the transformer active-learning benchmark, for its CPU path
# (benchmarks/al_transformer.sh) and its GPU path (benchmarks/al_gpu.sh). Its settings are
# one file, SETTINGS (default spacy_al/configs/benchmark/transformer.cfg); this file names
# only which files each corpus reads. Source it, then `corpus_args NAME` sets "${args[@]}".
# CORPORA: the folder holding conll2003/ and ontonotes5/ (default ../shared/corpora).
CORPORA=${CORPORA:-../shared/corpora}
SETTINGS=${SETTINGS:-spacy_al/configs/benchmark/transformer.cfg}
# AL_STRATEGIES, AL_SEEDS, AL_EXTRA (more benchmark flags, overriding SETTINGS) for a dry run.
read -r -a STRATEGIES <<< "${AL_STRATEGIES:-random mnlp bald token_entropy}"
read -r -a SEEDS <<< "${AL_SEEDS:-0 1 2}"
read -r -a EXTRA_ARGS <<< "${AL_EXTRA:-}"
corpus_args() {
  case $1 in
    # CoNLL-2003: the whole train split is the pool, the test split is the test set.
    conll2003) args=("$CORPORA/conll2003/train.txt" "$CORPORA/conll2003/test.txt"
                     --corpus conll2003) ;;
    # OntoNotes: the fixed 20,000-sentence sample of train (seed 0), test_conll2012 whole.
    ontonotes5) args=("$CORPORA/ontonotes5/train.txt" "$CORPORA/ontonotes5/test_conll2012.txt"
                      --corpus ontonotes5 --pool-sample 20000) ;;
    # OntoNotes, the whole train split: the full-data reference alone, no AL rounds.
    ontonotes5-whole) args=("$CORPORA/ontonotes5/train.txt"
                            "$CORPORA/ontonotes5/test_conll2012.txt"
                            --corpus ontonotes5 -s "" --no-baseline --full) ;;
    *) return 1 ;;
  esac
}
