"""spacy-al: active learning for named-entity recognition with spaCy.

Importing this package never touches the network.
"""

from __future__ import annotations

__version__ = "0.1.0"
