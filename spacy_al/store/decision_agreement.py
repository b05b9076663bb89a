"""Agreement of accept / reject decisions between sessions (``metric.iaa.binary`` and
``metric.iaa.doc``), as Prodigy reports it: percent (simple) agreement, Krippendorff's
alpha and Gwet's AC1 (AC2 with nominal weights), over the units two or more sessions
decided.

A unit is a question (``_task_hash``: ``binary``, e.g. one span of ``ner.al-teach``) or
a sentence (``_input_hash``: ``doc``, e.g. whether ``ner.manual`` accepted or rejected
it). Each session's latest accept or reject of a unit counts; ignored answers do not.
Span agreement (``metric.iaa.span``) is :mod:`.agreement`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from ..errors import ConfigError

DECISIONS = ("accept", "reject")
UNITS = {"binary": "_task_hash", "doc": "_input_hash"}


@dataclass
class DecisionAgreement:
    """The three coefficients over ``units`` decided by two or more of ``sessions``."""

    units: int
    sessions: int
    decisions: int
    percent: float
    krippendorff_alpha: float
    gwet_ac1: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def lines(self) -> list[str]:
        return [f"Units decided by 2+ sessions  {self.units}",
                f"Sessions                      {self.sessions}",
                f"Decisions                     {self.decisions}",
                f"Percent (Simple) Agreement    {self.percent:.4f}",
                f"Krippendorff's Alpha          {self.krippendorff_alpha:.4f}",
                f"Gwet's AC2                    {self.gwet_ac1:.4f}"]


def unit_decisions(examples: Iterable[Mapping[str, Any]], unit: str) -> list[list[str]]:
    """Per unit (``binary``: task, ``doc``: sentence) the latest decision of each session."""
    if unit not in UNITS:
        raise ConfigError(f"Unknown unit {unit!r}.", fix=f"Use one of {', '.join(UNITS)}.")
    found: dict[int, dict[str, str]] = {}
    for eg in examples:
        if eg.get("answer") in DECISIONS and UNITS[unit] in eg:
            session = str(eg.get("_session_id") or "")
            found.setdefault(int(eg[UNITS[unit]]), {})[session] = str(eg["answer"])
    return [list(by_session.values()) for by_session in found.values()]


def percent_agreement(units: Sequence[Sequence[str]]) -> float:
    """The mean over units of the share of agreeing pairs of decisions."""
    shares = [_agreeing_pairs(u) / (len(u) * (len(u) - 1)) for u in units if len(u) >= 2]
    return sum(shares) / len(shares) if shares else float("nan")


def _agreeing_pairs(unit: Sequence[str]) -> int:
    """Ordered pairs of different decisions of one unit that agree."""
    return sum(n * (n - 1) for n in Counter(unit).values())


def krippendorff_alpha(units: Sequence[Sequence[str]]) -> float:
    """Krippendorff's alpha, nominal: ``1 - (n - 1) * D_o / D_e`` from the coincidences of
    the units with two or more decisions."""
    coincidence: dict[tuple[str, str], float] = {}
    for unit in (u for u in units if len(u) >= 2):
        counts = Counter(unit)
        for a in counts:
            for b in counts:
                pairs = counts[a] * (counts[b] - (a == b))
                coincidence[a, b] = coincidence.get((a, b), 0.0) + pairs / (len(unit) - 1)
    totals: dict[str, float] = {}
    for (a, _), value in coincidence.items():
        totals[a] = totals.get(a, 0.0) + value
    n = sum(totals.values())
    observed = sum(v for (a, b), v in coincidence.items() if a != b)
    expected = sum(totals[a] * totals[b] for a in totals for b in totals if a != b)
    if n <= 1 or expected == 0:
        return 1.0 if observed == 0 and n > 1 else float("nan")
    return 1.0 - (n - 1) * observed / expected


def gwet_ac1(units: Sequence[Sequence[str]], categories: Sequence[str] = DECISIONS) -> float:
    """Gwet's AC1 (AC2 with nominal weights) for any number of raters per unit."""
    rated = [u for u in units if len(u) >= 2]
    if not rated:
        return float("nan")
    p_a = percent_agreement(rated)
    shares = {c: sum(Counter(u)[c] / len(u) for u in rated) / len(rated) for c in categories}
    p_e = sum(p * (1 - p) for p in shares.values()) / (len(categories) - 1)
    return 1.0 if p_e == 1 else (p_a - p_e) / (1 - p_e)


def decision_agreement(examples: Iterable[Mapping[str, Any]], unit: str) -> DecisionAgreement:
    """The agreement of the accept / reject decisions on ``unit`` (``binary`` or ``doc``)."""
    examples = list(examples)
    units = [u for u in unit_decisions(examples, unit) if len(u) >= 2]
    sessions = {str(eg.get("_session_id") or "") for eg in examples
                if eg.get("answer") in DECISIONS}
    return DecisionAgreement(units=len(units), sessions=len(sessions),
                             decisions=sum(len(u) for u in units),
                             percent=percent_agreement(units),
                             krippendorff_alpha=krippendorff_alpha(units),
                             gwet_ac1=gwet_ac1(units))
