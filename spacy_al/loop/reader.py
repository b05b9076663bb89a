"""``spacy-al.ActiveLearningCorpus.v1``: a ``[corpora.train]`` reader that runs the AL loop.

With ``[training] max_epochs = -1`` spaCy's training loop calls the train corpus
once per epoch with the current ``nlp`` (``spacy.training.loop.create_train_batches``;
with ``max_epochs >= 0`` it is read only once, so the loop needs ``-1``). This reader:

1. on its first call selects a random seed set (``seed_size``) and asks the oracle
   for its annotations (or replays the rounds of ``output_dir/al_state.json``);
2. yields the labelled set, shuffled with ``seed``, as one epoch;
3. every ``acquire_every`` epochs evaluates the model on ``dev_path`` (seqeval),
   scores the unlabelled pool with ``strategy``, adds the best ``query_size``
   sentences (or tokens) and writes the round to the state file;
4. after ``max_rounds`` rounds or once ``budget`` is labelled, keeps yielding the
   final set: training then ends at ``[training] max_steps``.

Calls made while spaCy initialises the pipeline (before ``nlp.initialize`` returns)
are not epochs: they yield the labelled set after one *schema* example whose tokens
are the task's labels, each an entity of its own label, so the component learns
the whole label set (the schema, not any annotation) from the first 100 examples
spaCy reads for a streamed corpus.
"""

# No `from __future__ import annotations`: spaCy validates this signature at runtime.

import logging
import random
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example

from ..acquisition.selectors import NamedSelector
from ..acquisition.strategies import DEFAULT_STRATEGY
from ..corpora import read_docs
from ..corpora.options import from_mapping
from ..corpora.registered import doc_to_example
from ..errors import ConfigError
from ..registry import REGISTRIES
from .engine import DEFAULT_ROUND_SIZE, derive_seed
from .oracle import DatabaseOracle, GoldOracle, input_hash
from .pool_state import Pool
from .session import ALSession, LoopSettings
from .state import STATE_FILE, LoopState, RoundRecord, load_or_create

logger = logging.getLogger("spacy.al")
"""A child of spaCy's logger (same handler and format), set to INFO when a loop is created,
so that its rounds always show."""
ORACLES = ("simulation", "database")


def expose_registries() -> None:
    """Put spacy-al's selector, stopper and strategy registries on ``spacy.registry``, as
    ``spacy.registry.create`` would, so that config blocks name them directly
    (``@al_selectors = "spacy-al.DiverseTopK.v1"``). spaCy loads this reader before it
    resolves the blocks inside ``[corpora.train]``."""
    for registry in REGISTRIES.values():
        if not hasattr(spacy.registry, registry.namespace[-1]):
            setattr(spacy.registry, registry.namespace[-1], registry)


expose_registries()


@spacy.registry.readers("spacy-al.ActiveLearningCorpus.v1")
def create_active_learning_corpus(
    path: Path,
    strategy: str = DEFAULT_STRATEGY,
    strategy_options: dict[str, Any] | None = None,
    unit: str = "tokens",
    seed_size: float = DEFAULT_ROUND_SIZE,
    query_size: float = DEFAULT_ROUND_SIZE,
    acquire_every: int = 1,
    max_rounds: int = 0,
    budget: float = 0.0,
    seed: int = 0,
    output_dir: Path | None = None,
    resume: bool = True,
    dev_path: Path | None = None,
    format: str = "auto",
    source: dict[str, Any] | None = None,
    limit: int = 0,
    oracle: str = "simulation",
    db: Path | None = None,
    dataset: str | None = None,
    labels: list[str] | None = None,
    batch_size: int = 64,
    component: str = "al_ner",
    selector: Callable[..., Any] | None = None,
    stopper: Any | None = None,
    stop_set_size: int = 1000,
    stop_acquiring: bool = False,
) -> Callable[[Language], Iterable[Example]]:
    """Active-learning train corpus (see the module docstring).

    path: The pool: any format :func:`spacy_al.corpora.read_docs` reads (``format``).
    source: How to read the pool and ``dev_path`` besides the loader: a
        ``[corpora.train.source]`` block with the CLI's source options by name
        (``token_col``, ``tag_col``, ``sep``, ``scheme``, ``repair``, ...).
    strategy, strategy_options: A registered or short strategy name and its options.
    unit: ``"tokens"`` or ``"sentences"``: how seed_size, query_size and budget count.
    seed_size, query_size, budget: Below 1 a share of the pool, from 1 a count.
    acquire_every: Epochs of training between two rounds.
    max_rounds, budget: When to stop acquiring (0 = no limit).
    seed: Seeds the seed set, tie breaks, MC-dropout samples, random scores, shuffling.
    output_dir: Where ``al_state.json`` is written (None: nowhere, no resume).
    resume: Continue the rounds of an existing state file with the same settings.
    dev_path: Gold corpus scored (seqeval) before each round; None: no dev scores.
    oracle: ``"simulation"`` (the pool's gold) or ``"database"`` (accepted answers of
        ``dataset`` in the annotation database ``db``).
    labels: The label set; None: the oracle's.
    selector: A ``[corpora.train.selector]`` block, e.g.
        ``@al_selectors = "spacy-al.DiverseTopK.v1"`` (None: ``spacy-al.TopK.v1``).
    stopper: A ``[corpora.train.stopper]`` block, e.g. ``@al_stoppers =
        "spacy-al.StabilizingPredictions.v1"``: fed each round with the model's tags on a
        fixed stop set of ``stop_set_size`` pool sentences; its kappa is logged and stored
        in the round record. ``stop_acquiring``: stop the rounds once it fires.
    """
    logger.setLevel(logging.INFO)
    if oracle not in ORACLES:
        raise ConfigError(f"Unknown oracle {oracle!r}.", fix=f"use one of {', '.join(ORACLES)}.")
    if oracle == "database" and (db is None or not dataset):
        raise ConfigError("The database oracle needs db and dataset.",
                          fix="set db = path/to/spacy_al.db and dataset = name.")
    settings = LoopSettings(
        strategy=strategy, strategy_options=dict(strategy_options or {}), unit=unit,
        seed_size=seed_size, query_size=query_size, acquire_every=acquire_every,
        max_rounds=max_rounds, budget=budget, seed=seed, batch_size=batch_size,
        component=component, selector=selector_spec(selector), stop_set_size=stop_set_size,
        stop_acquiring=stop_acquiring,
    )
    return ActiveLearningCorpus(
        Path(path), settings, output_dir=output_dir, resume=resume, dev_path=dev_path,
        format=format, source=dict(source or {}), limit=limit, oracle=oracle, db=db,
        dataset=dataset, labels=labels, stopper=stopper,
    )


def selector_spec(selector: Callable[..., Any] | None) -> dict[str, Any]:
    """The registered name and options of a ``[corpora.train.selector]`` block."""
    if selector is None:
        return {}
    if not isinstance(selector, NamedSelector):
        raise ConfigError(
            f"[corpora.train.selector] resolved to {selector!r}, not a registered selector.",
            fix='use @al_selectors = "spacy-al.TopK.v1", "spacy-al.DiverseTopK.v1", or '
            '"spacy-al.Selector.v1" with name = "<a name registered in spacy_al_selectors>" '
            '(it remembers the name, so that a resumed loop can check its settings).')
    return selector.spec()


def training_started(nlp: Language, component: str = "al_ner") -> bool:
    """Whether the tagger's weights exist: ``nlp.initialize`` reads the corpus (for the
    labels and a sample) before it creates them, the training loop after."""
    if component not in nlp.pipe_names:
        return True
    pipe: Any = nlp.get_pipe(component)
    model = pipe.model
    output = model.get_ref("output_layer") if model.has_ref("output_layer") else model
    return bool(output.has_param("W"))


class ActiveLearningCorpus:
    """The reader object: ``corpus(nlp)`` yields one epoch of the labelled set."""

    def __init__(self, path: Path, settings: LoopSettings, *, output_dir: Path | None = None,
                 resume: bool = True, dev_path: Path | None = None, format: str = "auto",
                 source: dict[str, Any] | None = None, limit: int = 0,
                 oracle: str = "simulation", db: Path | None = None,
                 dataset: str | None = None, labels: list[str] | None = None,
                 stopper: Any | None = None) -> None:
        self.path = path
        self.settings = settings
        self.output_dir = Path(output_dir) if output_dir is not None else None
        self.resume = resume
        self.dev_path = dev_path
        self.format = format
        self.source = from_mapping({**(source or {}), "loader": format}).given()
        """The source options (checked now: a wrong one fails when the config loads)."""
        self.limit = limit
        self.oracle_kind = oracle
        self.db = db
        self.dataset = dataset
        self.labels = labels
        self.stopper = stopper
        self.session: ALSession | None = None
        self.epoch = 0
        self._dev: list[Doc] | None = None

    @property
    def state_path(self) -> Path | None:
        return self.output_dir / STATE_FILE if self.output_dir is not None else None

    def __call__(self, nlp: Language) -> Iterator[Example]:
        session = self._ensure_session(nlp)
        if not training_started(nlp, self.settings.component):
            return iter(self._init_examples(nlp, session))
        epoch = self.epoch
        if epoch == 0:
            warn_unless_streamed(nlp)
        if epoch and epoch % self.settings.acquire_every == 0:
            self._round_boundary(nlp, session, epoch)
        self.epoch += 1
        examples = [doc_to_example(nlp, doc) for doc in session.docs]
        random.Random(derive_seed(self.settings.seed, epoch, 2)).shuffle(examples)
        return iter(examples)

    # -- set-up ---------------------------------------------------------------
    def _ensure_session(self, nlp: Language) -> ALSession:
        if self.session is not None:
            return self.session
        docs = list(read_docs(self.path, nlp.vocab, **self.source))
        docs = docs[: self.limit] if self.limit > 0 else docs
        if not docs:
            raise ConfigError(f"The pool {self.path} holds no sentences.", fix="check the path.")
        oracle: GoldOracle | DatabaseOracle
        if self.oracle_kind == "database":
            oracle = DatabaseOracle(self.db, self.dataset, nlp.vocab)  # type: ignore[arg-type]
            pool = Pool.from_docs(docs, hash_fn=input_hash)
        else:
            oracle, pool = GoldOracle(docs), Pool.from_docs(docs)
        fingerprint = {**self.settings.fingerprint(), "pool": str(self.path),
                       "pool_sentences": len(pool), "pool_tokens": pool.total_tokens,
                       "oracle": self.oracle_kind, "dataset": self.dataset}
        state_path = self.state_path
        state = (load_or_create(state_path, fingerprint, self.resume) if state_path
                 else LoopState(fingerprint))
        session = ALSession(pool, oracle, self.settings, state, state_path, self.stopper)
        loaded = len(session.state.rounds)
        session.start()
        if loaded:
            logger.info("AL loop: %d rounds replayed from %s", loaded, state_path)
        else:
            log_round(session.state.rounds[-1])
        self.session = session
        return session

    def _init_examples(self, nlp: Language, session: ALSession) -> list[Example]:
        labels = list(self.labels) if self.labels is not None else session.labels()
        examples = [doc_to_example(nlp, doc) for doc in session.docs]
        if labels:
            words = list(labels)
            schema = Doc(nlp.vocab, words=words, ents=[f"B-{label}" for label in labels])
            examples.insert(0, doc_to_example(nlp, schema))
        return examples

    # -- rounds ---------------------------------------------------------------
    def _round_boundary(self, nlp: Language, session: ALSession, epoch: int) -> None:
        if not session.finished():
            record = session.acquire(nlp, epoch, self._evaluate(nlp))
            log_round(record)
        elif not session.final_logged:
            session.state.final_dev = self._evaluate(nlp)
            session.final_logged = True
            session.save()
            logger.info("AL loop finished after round %d: %s; training goes on with the final "
                        "set until [training] max_steps", session.round,
                        format_dev(session.state.final_dev))

    def _evaluate(self, nlp: Language) -> dict[str, Any] | None:
        if self.dev_path is None:
            return None
        from ..pipeline.evaluation import evaluate_docs

        if self._dev is None:
            dev_options = {**self.source, "loader": "auto"}  # its own format, the same columns
            self._dev = list(read_docs(self.dev_path, nlp.vocab, **dev_options))
        result = evaluate_docs(nlp, self._dev)
        return {"f1": result.f1, "precision": result.precision, "recall": result.recall}


def warn_unless_streamed(nlp: Language) -> None:
    """spaCy reads a train corpus once unless ``[training] max_epochs = -1``: say so."""
    max_epochs = nlp.config.get("training", {}).get("max_epochs", -1)
    if max_epochs != -1:
        logger.warning("[training] max_epochs = %s: spaCy reads the train corpus only once, so "
                       "the active-learning loop never gets past its seed set. Set "
                       "max_epochs = -1 (and stop with max_steps).", max_epochs)


def format_dev(dev: dict[str, Any] | None) -> str:
    if not dev:
        return "no dev scores (set dev_path)"
    return f"dev F1 {dev['f1']:.4f} P {dev['precision']:.4f} R {dev['recall']:.4f}"


def log_round(record: RoundRecord) -> None:
    """One line per round through spaCy's logger."""
    share = record.labelled_tokens / record.pool_tokens if record.pool_tokens else 0.0
    added = len(record.selected) or len(record.queries)
    verb = "queried" if record.queries else "added"
    model = f"; {format_dev(record.dev)} (model that selected)" if record.round else ""
    if record.stop_kappa is not None or record.stopped:
        kappa = "–" if record.stop_kappa is None else f"{record.stop_kappa:.4f}"
        model += f"; stop-set kappa {kappa}" + (" (stopping criterion met)" if record.stopped
                                                 else "")
    logger.info(
        "AL round %d (epoch %d, %s): %s %d sentences; labelled %d sentences, %d tokens "
        "(%.1f%% of the pool)%s",
        record.round, record.epoch, record.strategy, verb, added, record.labelled_sentences,
        record.labelled_tokens, 100 * share, model,
    )
