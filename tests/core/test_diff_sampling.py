"""Compare and check say when what a sample can miss changed between two runs, so a reader
knows how far two runs' properties compare; it is reported, never failed."""

from __future__ import annotations

from neosense_desktop.core.diff import diff_reports
from neosense_desktop.core.drift_policy import check_drift
from neosense_desktop.core.report import SampleLimit
from tests.ui.report_factory import make_report


def _limit(read: int, population: int, below: int) -> SampleLimit:
    return SampleLimit(
        read=read,
        population=population,
        missable_below=below,
        missable_share=below / population,
    )


def test_a_label_sampled_after_being_read_whole_is_said_in_words() -> None:
    before, after = make_report(labels=2), make_report(labels=2)
    after.labels[0].sample_limit = _limit(1_000, 8_003, 23)
    changes = [c for c in diff_reports(before, after).changes if c.aspect == "sampling"]
    assert [c.message for c in changes] == [
        "Sampling of :Label0: read whole → 1,000 of 8,003 nodes read: a key held by fewer "
        "than 23 of them (0.29%) may be unseen (95% confidence)"
    ]
    verdict = check_drift(before, after)
    assert verdict.conforms and changes[0] in verdict.reported


def test_small_changes_in_a_samples_reach_are_not_noise() -> None:
    before, after = make_report(labels=1), make_report(labels=1)
    before.relationship_types[0].sample_limit = _limit(1_000, 10_000, 30)
    after.relationship_types[0].sample_limit = _limit(1_000, 11_000, 33)  # the graph grew
    assert not [c for c in diff_reports(before, after).changes if c.aspect == "sampling"]
    after.relationship_types[0].sample_limit = _limit(100, 11_000, 330)  # 10x less reach
    [change] = [c for c in diff_reports(before, after).changes if c.aspect == "sampling"]
    assert change.category == "relationship_type"
    assert change.message.startswith("Sampling of [:REL_0]: 1,000 of 10,000 relationships")
