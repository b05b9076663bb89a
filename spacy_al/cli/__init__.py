"""``spacy-al`` command line: thin ``*_cli`` wrappers over importable functions.

Each subcommand lives in its own module, which registers itself on ``app`` when
imported below.
"""

from __future__ import annotations

from . import (  # noqa: F401  (each registers its commands on app)
    annotate_command,
    benchmark_command,
    convert_command,
    dataset_commands,
    db_commands,
    db_in_command,
    evaluate_command,
    iaa_command,
    score_command,
    spacy_config_command,
    stream_commands,
    train_command,
    train_curve_command,
)
from ._app import app

__all__ = ["app"]
