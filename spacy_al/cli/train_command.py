"""``spacy-al train OUTPUT --ner DATASET``: a real ``spacy train`` on annotated datasets.

As ``prodigy train --ner``: the datasets' answers are merged per sentence
(:func:`spacy_al.store.export.examples_to_docs`), written as ``train.spacy`` and
``dev.spacy`` to a temporary folder, and spaCy's own training runs on one of our
configs with its readers pointed at those files. Default config: ``configs/
ner_tok2vec.cfg`` on CPU (fast on two cores, no encoder to load), ``configs/
ner_transformer.cfg`` with ``--gpu-id`` (as Prodigy picks an accuracy config on GPU).
``--base-model`` sources ``al_ner`` from a pipeline folder and trains it further.
Extra ``--section.key value`` arguments override the config, as with ``spacy train``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import ConfigError, SpacyALError
from ._app import app
from .db_commands import DbOption

CONFIGS = Path(__file__).resolve().parents[1] / "configs"
CONTEXT = {"allow_extra_args": True, "ignore_unknown_options": True}


def default_config(gpu_id: int = -1) -> Path:
    """``ner_transformer.cfg`` on a GPU, else ``ner_tok2vec.cfg``."""
    path = CONFIGS / ("ner_transformer.cfg" if gpu_id >= 0 else "ner_tok2vec.cfg")
    if not path.is_file():
        raise ConfigError(f"The default config {path} is not installed here.",
                          fix="Pass --config with a spaCy config (e.g. the repository's "
                          "configs/ner_tok2vec.cfg).")
    return path


def train(
    output: str | Path,
    ner: Sequence[str],
    *,
    eval_datasets: Sequence[str] = (),
    eval_split: float = 0.2,
    base_model: str | Path | None = None,
    config: str | Path | None = None,
    db: str | Path | None = None,
    gpu_id: int = -1,
    seed: int = 0,
    overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Train a pipeline on the NER answers of ``ner`` into ``output``; return its scores.

    Evaluation on ``eval_datasets``, else on a seeded ``eval_split`` of the sentences.
    The scores are ``model-best``'s (``ents_f``, ``ents_p``, ``ents_r``, per type).
    """
    from spacy.cli.train import train as spacy_train
    from spacy.tokens import DocBin

    config_path = Path(config) if config is not None else default_config(gpu_id)
    train_docs, dev_docs = _split(db, ner, eval_datasets, eval_split, seed, config_path)
    if base_model is not None:
        _check_base_labels(Path(base_model), train_docs + dev_docs)
    with tempfile.TemporaryDirectory(prefix="spacy-al-train-") as tmp:
        folder = Path(tmp)
        for name, docs in (("train", train_docs), ("dev", dev_docs)):
            DocBin(docs=docs).to_disk(folder / f"{name}.spacy")
        cfg = _write_config(config_path, folder, base_model)
        spacy_train(cfg, Path(output), use_gpu=gpu_id, overrides=dict(overrides or {}))
    return scores(Path(output))


def _split(db: str | Path | None, ner: Sequence[str], eval_datasets: Sequence[str],
           eval_split: float, seed: int, config_path: Path) -> tuple[list[Any], list[Any]]:
    from spacy.util import get_lang_class, load_config

    from ..store.database import connect
    from ..store.export import examples_to_docs, read_datasets, resolve_second_answers, split_docs

    if not ner:
        raise ConfigError("No datasets to train on.", fix="Pass --ner DATASET[,DATASET].")
    database = connect(db)
    vocab = get_lang_class(load_config(config_path)["nlp"]["lang"])().vocab

    def docs_of(names: Sequence[str]) -> list[Any]:
        return examples_to_docs(resolve_second_answers(read_datasets(database, names))[0], vocab)

    train_docs = docs_of(ner)
    if eval_datasets:
        dev_docs = docs_of(eval_datasets)
    else:
        train_docs, dev_docs = split_docs(train_docs, eval_split, seed)
    if not train_docs or not dev_docs:
        raise ConfigError(f"{len(train_docs)} training and {len(dev_docs)} evaluation "
                          f"sentences with accepted answers in {', '.join(ner)}.",
                          fix="Annotate more, pass --eval DATASET, or set --eval-split so "
                          "both parts get sentences.")
    return train_docs, dev_docs


def _write_config(config_path: Path, folder: Path, base_model: str | Path | None) -> Path:
    """Our config with spaCy's DocBin readers on ``folder`` (and al_ner sourced)."""
    from spacy.util import load_config

    if not config_path.is_file():
        raise ConfigError(f"No config file {config_path}.", fix="Check the --config path.")
    cfg = load_config(config_path, interpolate=False)
    for name in ("train", "dev"):
        cfg["corpora"][name] = {"@readers": "spacy.Corpus.v1",
                                "path": str(folder / f"{name}.spacy")}
    if base_model is not None:
        _source_base(cfg, Path(base_model))
    path = folder / "config.cfg"
    cfg.to_disk(path)
    return path


def _source_base(cfg: Any, base: Path) -> None:
    from spacy.util import load_config

    if not (base / "config.cfg").is_file():
        raise ConfigError(f"--base-model {base} is not a spaCy pipeline folder (no "
                          "config.cfg).", fix="Pass a folder written by spacy train or "
                          "spacy-al train, e.g. OUTPUT/model-best.")
    base_cfg = load_config(base / "config.cfg", interpolate=False)
    if "al_ner" not in base_cfg["nlp"]["pipeline"]:
        raise ConfigError(f"--base-model {base} has no al_ner component (pipeline: "
                          f"{base_cfg['nlp']['pipeline']}).", fix="Use a pipeline with al_ner.")
    cfg["nlp"]["lang"] = base_cfg["nlp"]["lang"]
    cfg["components"]["al_ner"] = {"source": str(base.resolve())}


def _check_base_labels(base: Path, docs: list[Any]) -> None:
    """A sourced al_ner keeps its output layer: every label of the data must be in it."""
    import srsly

    cfg = base / "al_ner" / "cfg"
    known = set(srsly.read_json(cfg).get("labels", [])) if cfg.is_file() else set()
    new = sorted({ent.label_ for doc in docs for ent in doc.ents} - known)
    if cfg.is_file() and new:
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


@app.command("train", context_settings=CONTEXT)
def train_cli(
    ctx: typer.Context,
    output: Annotated[Path, typer.Argument(help="Output folder (model-best, model-last).")],
    ner: Annotated[str, typer.Option("--ner", "-n", help="Comma-separated NER datasets.")],
    eval_datasets: Annotated[str, typer.Option(
        "--eval", help="Comma-separated datasets to evaluate on (else --eval-split).")] = "",
    eval_split: Annotated[float, typer.Option(
        "--eval-split", "-es", help="Share of the sentences held out for evaluation.")] = 0.2,
    base_model: Annotated[Path | None, typer.Option(
        "--base-model", "-m", help="Pipeline folder with al_ner to start from.")] = None,
    config: Annotated[Path | None, typer.Option(
        "--config", "-c", help="spaCy config (default: configs/ner_tok2vec.cfg; "
        "ner_transformer.cfg with --gpu-id).", show_default=False)] = None,
    db: DbOption = None,
    gpu_id: Annotated[int, typer.Option("--gpu-id", "-g", help="GPU (-1: CPU).")] = -1,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the eval split.")] = 0,
) -> None:
    """Train a NER pipeline on annotated datasets with spaCy's training (prodigy train)."""
    from spacy.cli._util import parse_config_overrides

    split = [name.strip() for name in eval_datasets.split(",") if name.strip()]
    try:
        result = train(output, [n.strip() for n in ner.split(",") if n.strip()],
                       eval_datasets=split, eval_split=eval_split, base_model=base_model,
                       config=config, db=db, gpu_id=gpu_id, seed=seed,
                       overrides=parse_config_overrides(list(ctx.args)))
    except SpacyALError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(code=1) from None
    typer.echo(f"Best model: {output / 'model-best'}")
    for key in ("ents_p", "ents_r", "ents_f"):
        if result.get(key) is not None:
            typer.echo(f"  {key}: {result[key]:.3f}")
    for label, row in sorted((result.get("ents_per_type") or {}).items()):
        typer.echo(f"  {label:<16} P {row['p']:.3f}  R {row['r']:.3f}  F {row['f']:.3f}")
