"""The settings of an annotation session, declared once: each field is a recipe argument.

:class:`LiveSettings` (``ner.al-correct``, ``ner.al-teach``) and :class:`ManualSettings`
(``ner.manual``) are frozen dataclasses; the recipes' command-line arguments (name, help,
type, default, ``-x`` abbreviation) are generated from their fields
(:func:`~.decorator.settings_recipe`), and the recipe code gets one settings object.

To add an option: add one field here with :func:`~.recipe_args.arg` (its default, help and
an abbreviation if any), then read ``settings.<field>`` where it is used. A default that a
lower layer also needs is named there as a constant and referenced here, never written
twice (``tests/recipe_runtime/test_session_settings.py`` fails otherwise).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from ..acquisition import DEFAULT_STRATEGY
from ..acquisition.selectors import DEFAULT_SELECTOR
from ..corpora.options import SourceOptions, from_mapping
from ..errors import ConfigError
from ..registry import help_names
from ..retraining.model_loop import DEFAULT_UPDATE_EVERY, DEFAULT_WORKER
from ..retraining.model_spec import ModelSpec
from ..server.controller import DEFAULT_CONFIG
from .recipe_args import arg, arg_group
from .sources import source_recipe_args

SAMPLE = "wikigold"
"""The bundled sample a session annotates when no SOURCE is given."""
SOURCE_HELP = ("JSONL, text (one per line), CoNLL, OntoNotes or .spacy file, a Hugging Face "
               "dataset (folder, Parquet, Arrow, hub name with --loader hf), or a bundled "
               "sample: wikigold, wnut17")


def dataset_arg(default: str) -> Any:
    """The DATASET positional (each recipe has its own default dataset)."""
    return arg(default, "Dataset to save the annotations to", positional=True)


@dataclass(frozen=True)
class SessionSettings:
    """What every session over a source pool takes (``ner.manual`` and the live recipes)."""

    dataset: str = dataset_arg(f"{SAMPLE}_session")
    spacy_model: str | None = arg(None, "spaCy pipeline", positional=True)
    source: str = arg(SAMPLE, SOURCE_HELP, positional=True)
    label: list[str] | None = arg(
        None, "Comma-separated labels, or a .txt file with one per line (default: the "
        "model's, the sample's, or the hf dataset's ClassLabel names)", short="l")
    lang: str = arg("en", "Language of the tokenizer for raw text")
    exclude: list[str] | None = arg(
        None, "Comma-separated datasets whose questions are not asked again", short="e")
    feed_overlap: bool = arg(DEFAULT_CONFIG["feed_overlap"], "Every session gets every question")
    annotations_per_task: int = arg(DEFAULT_CONFIG["annotations_per_task"],
                                    "Sessions that annotate each sentence (feed_overlap off)")
    batch_size: int = arg(DEFAULT_CONFIG["batch_size"], "Tasks per request", short="b")
    seed: int = arg(ModelSpec.seed, "Random seed")
    source_options: SourceOptions = arg_group(SourceOptions(), source_recipe_args(),
                                              from_mapping)
    """How to read SOURCE: ``--loader``, ``--token-col``, ``--tag-col``, ``--sep``, ...
    (:data:`spacy_al.corpora.options.OPTION_FLAGS`)."""
    patterns: str | None = arg(None, "Match patterns (JSONL, spaCy EntityRuler / Prodigy "
                               "format)", short="pt")
    pool_cache: str | None = arg(None, "Folder of the pool's Arrow cache (default: "
                                 "DATABASE.pools/SOURCE-KEY, reused while the source is "
                                 "unchanged)")

    def read_with(self) -> tuple[str, dict[str, Any]]:
        """The loader and the other source options given (by Python name)."""
        given = self.source_options.given()
        return given.pop("loader"), given


@dataclass(frozen=True)
class LiveSettings(SessionSettings):
    """A model-in-the-loop session: ``ner.al-correct`` (mode ``correct``) and
    ``ner.al-teach`` (``teach``) take the same arguments."""

    mode: ClassVar[str] = "correct"
    spacy_model: str = arg(ModelSpec.model, "spaCy pipeline folder with al_ner, 'default' "
                           "(a new model on the embedded MiniLM encoder) or 'tok2vec' (a new "
                           "fast CPU model)", positional=True)
    strategy: str = arg(DEFAULT_STRATEGY, "Acquisition strategy: " + help_names("strategy")
                        + ", or a registered name", short="s")
    selector: str = arg(DEFAULT_SELECTOR, "Batch selector: spacy-al.TopK.v1 (best first) or "
                        "spacy-al.DiverseTopK.v1 (by score, kept apart in the model's "
                        "embedding space), or a registered name")
    update_every: int = arg(DEFAULT_UPDATE_EVERY, "Retrain after every N accepted answers",
                            short="n")
    output: str | None = arg(None, "Folder the retrained model is saved to (default: "
                             "training/DATASET)", short="o")
    n_epochs: int = arg(ModelSpec.n_epochs, "Passes over the accepted answers per update "
                        "(more while they are few)")
    limit: int | None = arg(None, "Read at most this many sentences from SOURCE")
    worker: str = arg(DEFAULT_WORKER, "Where the model runs: process or thread")
    rerank_candidates: int = arg(
        ModelSpec.rerank_candidates, "After an update, re-score the best N unanswered "
        "sentences (by their last scores) first; the rest follows in chunks (0 with "
        "--rerank-sample 0: all at once)")
    rerank_sample: int = arg(ModelSpec.rerank_sample, "... plus a seeded random sample of N "
                             "of the other sentences")
    ranking_window: int = arg(5000, "Ranked sentences the server keeps, best first (the rest "
                              "is reached by the next re-ranking)")
    rescore_seconds: float = arg(
        ModelSpec.rescore_seconds, "After an update, re-score the whole pool when the model "
        "does it within this many seconds (else as many as fit, then the rest)")
    frozen_layers: int = arg(ModelSpec.frozen_layers, "A new model (default): keep the "
                             "encoder's lower N layers pretrained and compute them once per "
                             "sentence (faster re-scoring and updates; 0: fine-tune all)")
    score_only: bool = arg(not ModelSpec.cost_aware, "Rank by the strategy's score alone "
                           "(default: informativeness per expected second of annotation, "
                           "score x tokens / (3.8 s x tokens + 12.6 s))")
    min_confidence: float = arg(ModelSpec.min_confidence, "Pre-annotate only the model's spans "
                                "of at least this confidence (0-1; 0: every span)")
    worker_threads: int | None = arg(ModelSpec.threads, "Torch threads of the model worker "
                                     "(default: all cores)")
    fp32_scoring: bool = arg(not ModelSpec.int8_scoring, "Rank with the full-precision "
                             "encoder (default: an int8 copy on CPU, about 2x faster)")
    training: str = arg(ModelSpec.training, "How each update trains: live (light, fast) or "
                        "benchmark (the offline benchmark's rule)")

    HELP: ClassVar[dict[str, str]] = {
        "patterns": "Match patterns (JSONL, spaCy EntityRuler / Prodigy format): "
                    "suggestions while the model is new (al-correct), extra candidates "
                    "(al-teach)"}


@dataclass(frozen=True)
class CorrectSettings(LiveSettings):
    """``ner.al-correct``."""

    dataset: str = dataset_arg(f"{SAMPLE}_al")


@dataclass(frozen=True)
class TeachSettings(LiveSettings):
    """``ner.al-teach``."""

    mode: ClassVar[str] = "teach"
    dataset: str = dataset_arg(f"{SAMPLE}_teach")


@dataclass(frozen=True)
class ManualSettings(SessionSettings):
    """``ner.manual``: no model in the loop."""

    dataset: str = dataset_arg(f"{SAMPLE}_manual")
    spacy_model: str | None = arg(
        None, "Tokenizer as in Prodigy's ner.manual DATASET SPACY_MODEL SOURCE: blank:LANG "
        "or a spaCy pipeline folder, whose language replaces --lang (may be left out: "
        "DATASET SOURCE)", positional=True, skippable=True)
    order: str = arg("sequential", "Question order: sequential (file order) or random",
                     short="o")

    HELP: ClassVar[dict[str, str]] = {
        "label": "Comma-separated labels, or a .txt file with one per line (default: the "
                 "sample's, or the hf dataset's ClassLabel names)",
        "patterns": "Match patterns (JSONL, spaCy EntityRuler / Prodigy format) that "
                    "pre-annotate sentences without spans; sentences with matches come first",
        "seed": "Seed of the random order"}

    @property
    def tokenizer_lang(self) -> str:
        """The language to tokenize raw text in: SPACY_MODEL's if given, else ``--lang``."""
        model = self.spacy_model
        if model is None:
            return self.lang
        if model.startswith("blank:") and len(model) > len("blank:"):
            return model[len("blank:"):]
        meta = Path(model) / "meta.json"
        if meta.is_file():
            return str(json.loads(meta.read_text("utf8"))["lang"])
        raise ConfigError(f"ner.manual: SPACY_MODEL {model!r} is neither blank:LANG nor a "
                          "spaCy pipeline folder (ner.manual only takes its tokenizer's "
                          "language).", fix="Pass blank:en (or another language code), a "
                          "pipeline folder, or leave it out: ner.manual DATASET SOURCE.")
