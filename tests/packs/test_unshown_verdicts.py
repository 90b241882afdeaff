"""A verdict "effective" whose interval includes 1 reads "not shown by the data" in the pack."""

from types import SimpleNamespace

from app.actions.vocabulary import status_words
from app.packs.builder import _verification


def verification(verdict, low, high, reason=None, process=None):
    return SimpleNamespace(
        verdict=verdict,
        before_count=14,
        after_count=1,
        rate_ratio=0.14,
        ci_low=low,
        ci_high=high,
        target_met=True,
        reason=reason,
        process=process,
        process_shown=None if process is None else process["shown"],
    )


def test_effective_with_an_interval_including_one_is_not_shown_by_the_data():
    row = _verification(verification("effective", 0.02, 1.09, "Spot checks found it in place."))
    assert row["verdict"] == "effective: not shown by the data"
    assert row["reason"] == "Spot checks found it in place."


def test_effective_with_the_interval_below_one_reads_effective():
    assert _verification(verification("effective", 0.1, 0.8))["verdict"] == "effective"
    assert _verification(verification("not_effective", 0.5, 1.5))["verdict"] == "not effective"


def test_effective_without_an_interval_is_not_shown_by_the_data():
    assert (
        _verification(verification("effective", None, None))["verdict"] == "effective: not shown by the data"
    )


def test_an_actions_status_reads_verified_effective_only_when_the_interval_is_below_one():
    assert status_words("effective", 1.09) == "Effective: not shown by the data"
    assert status_words("effective", None) == "Effective: not shown by the data"
    assert status_words("effective", 0.8) == "Verified effective"
    assert status_words("not_effective", 1.5) == "Not effective"


def test_effective_whose_process_measure_did_not_show_it_is_not_shown_by_the_data():
    unshown = {"difference": 0.05, "ci_low": -0.02, "ci_high": 0.12, "shown": False}
    shown = {**unshown, "ci_low": 0.01, "shown": True}
    reason = "Rota audits found the lock used every day."
    row = _verification(verification("effective", 0.1, 0.8, reason, process=unshown))
    assert row["verdict"] == "effective: not shown by the data"
    assert row["process"] == unshown
    assert _verification(verification("effective", 0.1, 0.8, process=shown))["verdict"] == "effective"
