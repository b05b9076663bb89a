"""Settings of a benchmark run, stored in ``settings.json`` beside the results.

A benchmark is resumed only with the same settings (strategies and seeds may be
added): :meth:`BenchmarkSettings.fingerprint` lists what must match.
"""

from __future__ import annotations

import json
import os
from dataclasses import MISSING, asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from ..acquisition.selectors import DEFAULT_SELECTOR
from ..errors import ConfigError
from ..loop.engine import DEFAULT_ROUND_SIZE, Schedule
from ..registry import help_names, is_registered
from ..training.trainer import TrainingRule

DEFAULT_STRATEGIES = ("mnlp", "token_entropy", "bald", "least_confidence", "random")
"""The strategies a benchmark runs unless told; any registered strategy (a third party's
too, by its registered name or alias) and ``beam_uncertainty`` can be named."""
BASELINE = "random"
FULL = "full"
PEER = "beam_uncertainty"
SETTINGS_FILE = "settings.json"
DIVERSE = "-diverse"
"""``<strategy>-diverse``: the strategy's scores, chosen by ``spacy-al.DiverseTopK.v1``."""


def base_strategy(name: str) -> str:
    """The scoring strategy of a benchmark strategy name (``mnlp-diverse`` -> ``mnlp``)."""
    return name.removesuffix(DIVERSE)


NEW_DEFAULTS: dict[str, Any] = {"holdout": 0.0, "patience": 1, "score_subsample": 0.0,
                                "quantize": False, "min_steps_fresh_only": False,
                                "mixed_precision": False, "lr_schedule": "constant",
                                "frozen_layers": 0, "selector": DEFAULT_SELECTOR,
                                "selector_options": {}}


@dataclass
class BenchmarkSettings:
    """Everything a benchmark run depends on. Sizes: below 1 a share of the pool."""

    train: str
    test: str
    corpus: str = ""
    strategies: list[str] = field(default_factory=lambda: list(DEFAULT_STRATEGIES))
    seeds: list[int] = field(default_factory=lambda: [0, 1, 2])
    architecture: str = "tok2vec"
    model_name: str | None = None
    tok2vec_width: int = 96
    unit: str = "tokens"
    seed_size: float = DEFAULT_ROUND_SIZE
    query_size: float = DEFAULT_ROUND_SIZE
    budget: float = 0.30
    max_rounds: int = 0
    epochs: int = 10
    """Epochs per round (on the labelled set)."""
    min_steps: int = 0
    """At least this many updates per round (small labelled sets get more epochs)."""
    full_epochs: int = 10
    """Epochs of the full-data reference run (from scratch)."""
    batch_size: int = 32
    learn_rate: float = 0.001
    dropout: float = 0.1
    retrain: str = "scratch"
    pool_sample: int = 0
    test_limit: int = 0
    format: str = "auto"
    source: dict[str, Any] = field(default_factory=dict)
    """How to read train and test besides the loader (``format``): the source options
    given (``token_col``, ``tag_col``, ``sep``, ``scheme``, ...; ``spacy_al.corpora``)."""
    score_batch_size: int = 64
    strategy_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    full: bool = True
    beam_width: int = 16
    holdout: float = 0.0
    """Early stopping on this share of the labelled set (0: fixed epochs, the old rule)."""
    patience: int = 1
    min_steps_fresh_only: bool = False
    """``min_steps`` only for a fresh model (continued rounds: early stopping / epochs)."""
    score_subsample: float = 0.0
    """Score only a random share of the unlabelled pool each round (0: all of it)."""
    selector: str = DEFAULT_SELECTOR
    """The registered selector of the plain strategy names (``<name>-diverse``:
    ``spacy-al.DiverseTopK.v1``)."""
    selector_options: dict[str, Any] = field(default_factory=dict)
    quantize: bool = False
    """Transformer: score the pool with an int8 copy of the encoder (evaluation stays fp32)."""
    mixed_precision: bool = False
    """Transformer: train under bfloat16 autocast (weights, evaluation and scoring as above)."""
    frozen_layers: int = 0
    """Transformer: keep the embeddings and this many lower layers pretrained, their output
    computed once per sentence (``spacy-al.TransformerTagger.v1``'s ``frozen_layers``)."""
    lr_schedule: str = "constant"
    """The training rule's learning-rate schedule per round (``constant`` or
    ``warmup_linear``: see :class:`~spacy_al.training.trainer.TrainingRule`)."""
    baseline: bool = True
    """Add the random baseline to ``strategies`` (off: one process per strategy, as the
    GPU script runs them side by side)."""

    def __post_init__(self) -> None:
        if self.baseline and BASELINE not in self.strategies:
            self.strategies = [*self.strategies, BASELINE]
        unknown = [s for s in self.strategies
                   if base_strategy(s) != PEER and not is_registered("strategy", base_strategy(s))]
        if unknown:
            raise ConfigError(f"Unknown benchmark strategies {unknown}.",
                              fix=f"use some of {help_names('strategy')}, {PEER}, each also "
                              f"as <name>{DIVERSE} (e.g. mnlp{DIVERSE}), or register yours "
                              "in the 'spacy_al_strategies' entry point group.")
        if not self.strategies and not self.full:
            raise ConfigError("The benchmark has nothing to run: no strategy and no "
                              "full-data run.",
                              fix="name strategies (--strategies), keep the random baseline "
                              "(--baseline), or ask for the full-data run alone (--full).")
        if not self.corpus:
            self.corpus = Path(self.train).parent.name or Path(self.train).stem
        if self.budget <= 0 and self.max_rounds <= 0:
            raise ConfigError("A benchmark needs a budget or max_rounds to stop.",
                              fix="set budget = 0.3 (30 % of the pool) or max_rounds.")
        self.schedule()
        self.training_rule()

    def schedule(self) -> Schedule:
        """How every run of this benchmark grows its labelled set."""
        return Schedule(unit=self.unit, seed_size=self.seed_size, query_size=self.query_size,
                        budget=self.budget, max_rounds=self.max_rounds)

    def training_rule(self, full: bool = False) -> TrainingRule:
        """How every round's model is trained (``full``: the full-data reference run)."""
        return TrainingRule(epochs=self.full_epochs if full else self.epochs,
                            min_steps=0 if full else self.min_steps, batch_size=self.batch_size,
                            learn_rate=self.learn_rate, dropout=self.dropout,
                            retrain=self.retrain, holdout=self.holdout, patience=self.patience,
                            min_steps_fresh_only=self.min_steps_fresh_only,
                            lr_schedule=self.lr_schedule)

    def fingerprint(self) -> dict[str, Any]:
        """What must not change for results to be comparable (and a run resumable)."""
        data = asdict(self)
        for key in ("strategies", "seeds", "budget", "max_rounds", "full", "score_batch_size",
                    "test", "train", "baseline"):
            data.pop(key)
        for key, default in NEW_DEFAULTS.items():  # runs saved before these existed still resume
            if data.get(key) == default:
                data.pop(key)
        data["train_name"] = Path(self.train).name
        data["test_name"] = Path(self.test).name
        return data

    def save(self, output: Path) -> None:
        """Write ``settings.json`` atomically (runs side by side may start together)."""
        output.mkdir(parents=True, exist_ok=True)
        tmp = output / f"{SETTINGS_FILE}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(asdict(self), indent=1), encoding="utf8")
        os.replace(tmp, output / SETTINGS_FILE)

    def check_resumable(self, output: Path) -> None:
        """Raise unless ``output`` is empty or holds a run with the same fingerprint."""
        path = output / SETTINGS_FILE
        if not path.is_file():
            return
        data = json.loads(path.read_text(encoding="utf8"))
        saved = BenchmarkSettings(**{k: v for k, v in data.items() if k != "baseline"})
        mine, theirs = self.fingerprint(), saved.fingerprint()
        changed = sorted(k for k in mine if mine[k] != theirs.get(k))
        if changed:
            raise ConfigError(
                f"{output} holds a benchmark run with other settings ({', '.join(changed)}).",
                fix="use another --output folder, or the same settings to resume.",
            )

    def with_earlier(self, output: Path) -> BenchmarkSettings:
        """These settings as ``settings.json`` records them: with the strategies and seeds
        of the runs already in ``output`` too (a run that adds strategies keeps the others),
        and ``full`` if an earlier run had the full-data reference (a ``--no-full`` run that
        resumes the folder does not remove its rows)."""
        path = output / SETTINGS_FILE
        if not path.is_file():
            return self
        saved = json.loads(path.read_text(encoding="utf8"))
        strategies = list(dict.fromkeys([*saved.get("strategies", []), *self.strategies]))
        seeds = sorted({*saved.get("seeds", []), *self.seeds})
        return replace(self, strategies=strategies, seeds=seeds,
                       full=self.full or bool(saved.get("full", False)))

    def options_for(self, strategy: str) -> dict[str, Any]:
        return dict(self.strategy_options.get(base_strategy(strategy), {}))


def default_of(name: str) -> Any:
    """The default of the setting ``name``: CLI flags take theirs from here (written once)."""
    for item in fields(BenchmarkSettings):
        if item.name == name:
            if item.default_factory is not MISSING:
                return item.default_factory()
            return None if item.default is MISSING else item.default
    raise KeyError(name)


def read_config(path: Path) -> dict[str, Any]:
    """The ``[benchmark]`` section of a settings file (confection, as spaCy's configs):
    keys are :class:`BenchmarkSettings` fields; a key that is not one is refused."""
    from confection import Config, ConfigValidationError

    try:
        config = Config().from_disk(path)
    except (OSError, ConfigValidationError, ValueError) as error:
        raise ConfigError(f"{path}: cannot read the benchmark settings ({error}).",
                          fix="pass a .cfg file with a [benchmark] section to --config, "
                          "e.g. spacy_al/configs/benchmark/transformer.cfg.") from None
    if "benchmark" not in config:
        raise ConfigError(f"{path}: no [benchmark] section.",
                          fix="put the settings under [benchmark] (see "
                          "spacy_al/configs/benchmark/transformer.cfg).")
    values = dict(config["benchmark"])
    known = {item.name for item in fields(BenchmarkSettings)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ConfigError(f"{path}: [benchmark] has no setting {', '.join(unknown)}.",
                          fix=f"use only {', '.join(sorted(known - {'train', 'test'}))}.")
    return values
