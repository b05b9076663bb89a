"""Stopping criteria: hand-computed kappas, when each fires, every registered one's contract."""

from __future__ import annotations

import pytest

from spacy_al.acquisition.stoppers import Stopper, cohen_kappa
from spacy_al.errors import ConfigError, UnknownNameError
from spacy_al.registry import al_stoppers, build


def test_kappa_known_answers() -> None:
    # p_o = 4/5; p_e = 3/5 * 4/5 + 1/5 * 1/5 + 1/5 * 0 = 0.52; kappa = 0.28 / 0.48
    assert cohen_kappa(list("OOBIO"), list("OOBOO")) == pytest.approx(0.28 / 0.48)
    # p_o = 1/2, p_e = 1/2 * 1/2 * 2 = 1/2: agreement no better than chance
    assert cohen_kappa(["O", "B", "O", "B"], ["O", "O", "B", "B"]) == pytest.approx(0.0)
    # complete disagreement on balanced labels: p_o = 0, p_e = 1/2 -> -1
    assert cohen_kappa(["O", "B"], ["B", "O"]) == pytest.approx(-1.0)
    assert cohen_kappa(["O", "O", "O"], ["O", "O", "O"]) == 1.0  # one label only: p_e = 1
    assert cohen_kappa([], []) == 1.0
    with pytest.raises(ValueError, match="one length"):
        cohen_kappa(["O"], ["O", "O"])


def test_stabilizing_predictions_fires_after_window_stable_kappas() -> None:
    stopper = build("stopper", "spacy-al.StabilizingPredictions.v1", threshold=0.99, window=2)
    same = [["B-PER", "I-PER", "O"], ["O", "B-LOC"]]
    other = [["B-PER", "O", "O"], ["O", "B-LOC"]]
    assert stopper.update(other) is False and stopper.kappas == []
    assert stopper.update(same) is False  # kappa < 1: the model changed
    assert stopper.kappas[0] == pytest.approx(cohen_kappa(sum(other, []), sum(same, [])))
    assert stopper.update(same) is False  # one stable kappa, window 2
    assert stopper.update(same) is True
    assert stopper.kappas[-2:] == [1.0, 1.0]
    assert stopper.update(other) is True, "once fired it stays fired"


def test_overall_uncertainty_fires_below_threshold() -> None:
    stopper = build("stopper", "spacy-al.OverallUncertainty.v1", threshold=0.05)
    assert stopper.update_uncertainty([0.2, 0.1]) is False
    assert stopper.update([["O"]]) is False  # tags alone never fire it
    assert stopper.update_uncertainty([0.06, 0.02]) is True  # mean 0.04
    assert stopper.uncertainties == pytest.approx([0.15, 0.04])


@pytest.mark.parametrize("name", sorted(al_stoppers.get_all()))
def test_every_registered_stopper_keeps_the_contract(name: str) -> None:
    stopper = al_stoppers.get(name)()
    assert isinstance(stopper, Stopper)
    tags = [["O", "B-PER"], ["B-LOC", "I-LOC", "O"], []]
    for _ in range(5):
        assert isinstance(stopper.update(tags), bool)
        assert isinstance(stopper.update_uncertainty([0.0, 0.0, 0.0]), bool)
    assert isinstance(stopper.kappas, list) and stopper.kappas == [1.0] * 4
    assert stopper.stopped is True  # identical tags and no uncertainty: every one stops
    fresh = al_stoppers.get(name)()
    assert fresh.update(tags) is False and fresh.kappas == []


def test_bad_options_say_how_to_fix() -> None:
    with pytest.raises(ConfigError, match="window >= 1"):
        build("stopper", "spacy-al.StabilizingPredictions.v1", window=0)
    with pytest.raises(ConfigError, match="in \\(0, 1\\]"):
        build("stopper", "spacy-al.OverallUncertainty.v1", threshold=2.0)
    with pytest.raises(UnknownNameError, match="spacy_al_stoppers"):
        build("stopper", "spacy-al.Nope.v1")
