"""Table cells of the benchmark's summaries: one way to print a share or an F1."""

from __future__ import annotations

MISSING = "–"


def share_cell(value: float | None, missing: str = MISSING) -> str:
    """A share of the pool as a percentage with one decimal; ``missing`` for None."""
    return missing if value is None else f"{100 * value:.1f} %"


def number_cell(value: float | None, digits: int = 3) -> str:
    """A number (an F1, an area, a ratio) with ``digits`` decimals; a dash for None."""
    return MISSING if value is None else f"{value:.{digits}f}"
