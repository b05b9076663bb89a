"""``spacy-al.Datasets.v1``: a spaCy corpus reader over spacy-al's database, and the config
``spacy-al spacy-config`` writes with it (Prodigy's ``spacy-config``).

``spacy train config.cfg`` then reads the annotations straight from the database: the
answers of the datasets merged per sentence, split into ``train`` and ``dev`` exactly as
``spacy-al train`` splits them (:func:`.pipeline_training.split_datasets`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.training import Example

from ..corpora.registered import doc_to_example
from ..errors import ConfigError
from ..store.export import EVAL_SPLIT
from .pipeline_training import default_config, source_base, split_datasets

PARTS = ("train", "dev")


@spacy.registry.readers("spacy-al.Datasets.v1")
def create_dataset_corpus(db: str, datasets: str, part: str = "train",
                          eval_split: float = EVAL_SPLIT,
                          seed: int = 0) -> Callable[[Language], Iterator[Example]]:
    """The ``part`` (train or dev) of the comma-separated ``datasets`` (``eval:NAME``
    entries are the dev part) of the database file ``db``."""
    if part not in PARTS:
        raise ConfigError(f"Unknown part {part!r} of spacy-al.Datasets.v1.",
                          fix=f"Use one of {', '.join(PARTS)}.")
    names = [name.strip() for name in datasets.split(",") if name.strip()]

    def read(nlp: Language) -> Iterator[Example]:
        train, dev = split_datasets(db, names, nlp.vocab, eval_split=eval_split, seed=seed)
        for doc in train if part == "train" else dev:
            yield doc_to_example(nlp, doc)

    return read


def spacy_config(output: str | Path, ner: Sequence[str], *, db: str | Path,
                 eval_split: float = EVAL_SPLIT, seed: int = 0, config: str | Path | None = None,
                 gpu_id: int = -1, base_model: str | Path | None = None) -> Path:
    """Write a training config whose corpora read ``ner`` from the database ``db``; the
    datasets are checked (and split once) first, so a config that is written trains."""
    from spacy.util import get_lang_class, load_config

    config_path = Path(config) if config is not None else default_config(gpu_id)
    cfg = load_config(config_path, interpolate=False)
    split_datasets(db, ner, get_lang_class(cfg["nlp"]["lang"])().vocab,
                   eval_split=eval_split, seed=seed)
    for part in PARTS:
        cfg["corpora"][part] = {"@readers": "spacy-al.Datasets.v1", "db": str(db),
                                "datasets": ",".join(ner), "part": part,
                                "eval_split": eval_split, "seed": seed}
    if base_model is not None:
        source_base(cfg, Path(base_model))
    path = Path(output)
    path.parent.mkdir(parents=True, exist_ok=True)
    cfg.to_disk(path)
    return path


__all__ = ["create_dataset_corpus", "spacy_config"]
