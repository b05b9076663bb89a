"""``spacy-al train`` and ``train-curve``: a real ``spacy train`` on annotated datasets.

As ``prodigy train --ner``: the datasets' answers are merged per sentence
(:func:`spacy_al.store.export.examples_to_docs`), written as ``train.spacy`` and
``dev.spacy`` to a temporary folder, and spaCy's own training runs on one of our
configs with its readers pointed at those files. Default config: ``configs/
ner_tok2vec.cfg`` on CPU (fast on two cores, no encoder to load), ``configs/
ner_transformer.cfg`` with ``--gpu-id`` (as Prodigy picks an accuracy config on GPU).
A dataset written ``eval:NAME`` is evaluated on, as Prodigy's ``--ner ds,eval:ds2``.
``base_model`` starts from a pipeline folder: its ``al_ner`` is sourced into our config,
or, for any other spaCy pipeline with an ``ner`` component, the whole pipeline is
sourced and trained further. :func:`train_curve` trains the same way on 25, 50, 75 and
100 % of the training sentences.
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..store.export import EVAL_SPLIT

CONFIGS = Path(__file__).resolve().parents[1] / "configs"
EVAL_PREFIX = "eval:"
NER_COMPONENTS = ("al_ner", "ner")


def default_config(gpu_id: int = -1) -> Path:
    """``ner_transformer.cfg`` on a GPU, else ``ner_tok2vec.cfg``."""
    path = CONFIGS / ("ner_transformer.cfg" if gpu_id >= 0 else "ner_tok2vec.cfg")
    if not path.is_file():
        raise ConfigError(f"The default config {path} is not installed here.",
                          fix="Pass --config with a spaCy config (e.g. the repository's "
                          "configs/ner_tok2vec.cfg).")
    return path


def split_eval_names(names: Sequence[str]) -> tuple[list[str], list[str]]:
    """``--ner a,eval:b`` as Prodigy reads it: ``(["a"], ["b"])``."""
    train_names = [n for n in names if not n.startswith(EVAL_PREFIX)]
    eval_names = [n[len(EVAL_PREFIX):] for n in names if n.startswith(EVAL_PREFIX)]
    if any(not name for name in eval_names):
        raise ConfigError("An empty dataset name after 'eval:'.",
                          fix="Write --ner TRAIN_SET,eval:EVAL_SET.")
    return train_names, eval_names


@dataclass
class TrainingData:
    """The merged training and evaluation sentences and the config they train with."""

    train_docs: list[Any]
    dev_docs: list[Any]
    config_path: Path


def training_data(ner: Sequence[str], *, eval_datasets: Sequence[str] = (),
                  eval_split: float = EVAL_SPLIT, config: str | Path | None = None,
                  db: str | Path | None = None, gpu_id: int = -1,
                  seed: int = 0) -> TrainingData:
    """The sentences of ``ner`` (``eval:NAME`` entries evaluated on), split as asked."""
    from spacy.util import get_lang_class, load_config

    config_path = Path(config) if config is not None else default_config(gpu_id)
    if not config_path.is_file():
        raise ConfigError(f"No config file {config_path}.", fix="Check the --config path.")
    vocab = get_lang_class(load_config(config_path)["nlp"]["lang"])().vocab
    train_docs, dev_docs = split_datasets(db, ner, vocab, eval_datasets=eval_datasets,
                                          eval_split=eval_split, seed=seed)
    return TrainingData(train_docs, dev_docs, config_path)


def train(
    output: str | Path,
    ner: Sequence[str],
    *,
    eval_datasets: Sequence[str] = (),
    eval_split: float = EVAL_SPLIT,
    base_model: str | Path | None = None,
    config: str | Path | None = None,
    db: str | Path | None = None,
    gpu_id: int = -1,
    seed: int = 0,
    overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Train a pipeline on the NER answers of ``ner`` into ``output``; return its scores.

    Evaluation on ``eval_datasets`` (and ``eval:NAME`` entries of ``ner``), else on a
    seeded ``eval_split`` of the sentences. The scores are ``model-best``'s (``ents_f``,
    ``ents_p``, ``ents_r``, per type).
    """
    data = training_data(ner, eval_datasets=eval_datasets, eval_split=eval_split,
                         config=config, db=db, gpu_id=gpu_id, seed=seed)
    return train_docs(output, data, base_model=base_model, gpu_id=gpu_id, overrides=overrides)


def train_docs(output: str | Path, data: TrainingData, *, base_model: str | Path | None = None,
               gpu_id: int = -1, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """``spacy train`` on ``data`` into ``output``; ``model-best``'s scores."""
    from spacy.cli.train import train as spacy_train
    from spacy.tokens import DocBin

    if base_model is not None:
        _check_base_labels(Path(base_model), data.train_docs + data.dev_docs)
    with tempfile.TemporaryDirectory(prefix="spacy-al-train-") as tmp:
        folder = Path(tmp)
        for name, docs in (("train", data.train_docs), ("dev", data.dev_docs)):
            DocBin(docs=docs).to_disk(folder / f"{name}.spacy")
        cfg = _write_config(data.config_path, folder, base_model)
        spacy_train(cfg, Path(output), use_gpu=gpu_id, overrides=dict(overrides or {}))
    return scores(Path(output))


def split_datasets(db: str | Path | None, ner: Sequence[str], vocab: Any, *,
                   eval_datasets: Sequence[str] = (), eval_split: float = EVAL_SPLIT,
                   seed: int = 0) -> tuple[list[Any], list[Any]]:
    """Training and evaluation docs of the datasets ``ner`` (``eval:NAME`` entries and
    ``eval_datasets`` evaluated on, else a seeded ``eval_split``), answers merged per
    sentence."""
    from ..store.database import connect
    from ..store.export import (
        examples_to_docs,
        read_datasets,
        resolve_second_answers,
        split_docs,
    )

    ner, prefixed = split_eval_names(ner)
    eval_datasets = [*eval_datasets, *prefixed]
    if not ner:
        raise ConfigError("No datasets to train on.", fix="Pass --ner DATASET[,DATASET].")
    database = connect(db)

    def docs_of(names: Sequence[str]) -> list[Any]:
        return examples_to_docs(resolve_second_answers(read_datasets(database, names))[0], vocab)

    train_set = docs_of(ner)
    if eval_datasets:
        dev_set = docs_of(eval_datasets)
    else:
        train_set, dev_set = split_docs(train_set, eval_split, seed)
    if not train_set or not dev_set:
        raise ConfigError(f"{len(train_set)} training and {len(dev_set)} evaluation "
                          f"sentences with accepted answers in {', '.join(ner)}.",
                          fix="Annotate more, pass --eval DATASET (or --ner ...,eval:DATASET),"
                          " or set --eval-split so both parts get sentences.")
    return train_set, dev_set


def _write_config(config_path: Path, folder: Path, base_model: str | Path | None) -> Path:
    """Our config with spaCy's DocBin readers on ``folder`` (and the base model sourced)."""
    from spacy.util import load_config

    cfg = load_config(config_path, interpolate=False)
    for name in ("train", "dev"):
        cfg["corpora"][name] = {"@readers": "spacy.Corpus.v1",
                                "path": str(folder / f"{name}.spacy")}
    if base_model is not None:
        source_base(cfg, Path(base_model))
    path = folder / "config.cfg"
    cfg.to_disk(path)
    return path


def _base_config(base: Path) -> Any:
    from spacy.util import load_config

    if not (base / "config.cfg").is_file():
        raise ConfigError(f"--base-model {base} is not a spaCy pipeline folder (no "
                          "config.cfg).", fix="Pass a folder written by spacy train or "
                          "spacy-al train, e.g. OUTPUT/model-best.")
    base_cfg = load_config(base / "config.cfg", interpolate=False)
    if not any(name in base_cfg["nlp"]["pipeline"] for name in NER_COMPONENTS):
        raise ConfigError(f"--base-model {base} has no al_ner or ner component (pipeline: "
                          f"{base_cfg['nlp']['pipeline']}).",
                          fix="Use a pipeline with an entity recognizer.")
    return base_cfg


def source_base(cfg: Any, base: Path) -> None:
    """al_ner: sourced into our config. Another pipeline with ``ner``: all its components
    sourced (as Prodigy's --base-model), trained with our [training] settings."""
    base_cfg = _base_config(base)
    cfg["nlp"]["lang"] = base_cfg["nlp"]["lang"]
    source = {"source": str(base.resolve())}
    if "al_ner" in base_cfg["nlp"]["pipeline"]:
        cfg["components"]["al_ner"] = source
        return
    cfg["nlp"]["pipeline"] = list(base_cfg["nlp"]["pipeline"])
    cfg["components"] = {name: dict(source) for name in base_cfg["nlp"]["pipeline"]}


def base_labels(base: Path) -> set[str]:
    """The entity labels the base pipeline's al_ner or ner predicts."""
    import spacy

    _base_config(base)
    nlp = spacy.load(base)
    name = next(n for n in NER_COMPONENTS if n in nlp.pipe_names)
    recognizer: Any = nlp.get_pipe(name)
    return set(recognizer.labels)


def _check_base_labels(base: Path, docs: list[Any]) -> None:
    """A sourced recognizer keeps its output layer: every label of the data must be in it."""
    known = base_labels(base)
    new = sorted({ent.label_ for doc in docs for ent in doc.ents} - known)
    if new:
        raise ConfigError(f"The datasets have label(s) {', '.join(new)} that --base-model "
                          f"{base} does not predict (it knows {', '.join(sorted(known))}).",
                          fix="Train without --base-model to learn the new labels, or drop "
                          "those annotations.")


def scores(output: Path) -> dict[str, Any]:
    """``model-best``'s scores from its ``meta.json``."""
    import srsly

    meta = output / "model-best" / "meta.json"
    performance = srsly.read_json(meta).get("performance", {}) if meta.is_file() else {}
    return dict(performance)


def subsets(docs: Sequence[Any], fractions: Sequence[float], seed: int) -> list[list[Any]]:
    """Nested seeded samples of ``docs``: the first ``fraction`` of one shuffle each."""
    shuffled = list(docs)
    random.Random(seed).shuffle(shuffled)
    return [shuffled[:max(1, round(len(shuffled) * f))] for f in fractions]
