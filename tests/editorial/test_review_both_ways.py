"""`review` on the real reports in both directions, against what a careful reader finds.

A brief built from The Epoch Times alone, the Washington report added and reviewed; and a
brief built from the Washington report alone, The Epoch Times added and reviewed. The
expected answer, every disagreement between the reports with their words, is
tests/editorial/review_answers.toml (and docs/editing.md); review_scoring.py scores a
review against it.
"""

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

from bot.editorial.intake import add_source
from bot.editorial.render import render_review_text
from bot.editorial.review import Review, review_source
from tests.editorial.cli_run import run_bot
from tests.editorial.one_report import ROOT, make_one_report_world
from tests.editorial.review_scoring import (
    BOTH_WAYS,
    REVIEWED_ID,
    Direction,
    Score,
    answers,
    expected_level,
    score,
)

Reviewed = tuple[Direction, Review, Score, Path]


@pytest.fixture(scope="module", params=BOTH_WAYS, ids=lambda d: f"reviewing-{d.reviewed.id}")
def reviewed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Reviewed:
    direction: Direction = request.param
    folder = tmp_path_factory.mktemp(direction.reviewed.id)
    seeds, summaries = make_one_report_world(folder, direction.kept)
    wanted = REVIEWED_ID[direction.reviewed.id]
    add_source(ROOT / "seeds" / f"{direction.reviewed.file}.txt", seeds, wanted)
    result = review_source(seeds, summaries, wanted)
    return direction, result, score(direction, result.to_json(), summaries), folder


def test_every_disagreement_is_found_at_its_level(reviewed: Reviewed) -> None:
    _, _, result, _ = reviewed
    assert result.missed == []
    wrong_level = {d: level for d, level in result.found.items() if level != expected_level(d)}
    assert wrong_level == {}


def test_no_contradiction_is_asserted_that_a_reader_would_not(reviewed: Reviewed) -> None:
    assert reviewed[2].false_contradicts == []


def test_every_claim_tied_to_a_sentence_reports_the_same_thing(reviewed: Reviewed) -> None:
    _, _, result, _ = reviewed
    assert result.matches > 30
    assert result.wrong_matches == []


def test_what_agrees_is_not_called_a_contradiction(reviewed: Reviewed) -> None:
    """A rounding ("more than 42,000" of 42,695) and a weekday of the date ("Thursday",
    Feb. 26, 2026) agree.
    """
    direction, review, _, _ = reviewed
    mine = direction.reviewed.id
    for agreement in answers()["agreement"]:
        for sentence in review.sentences:
            if not any(q in sentence.text for q in agreement[mine]):
                continue
            for c in sentence.contradicts + sentence.possible:
                assert not any(c.here in q for q in agreement[mine]), (agreement["id"], c)


def test_the_epoch_times_relative_dates_resolve_as_the_summaries_declare_them(
    tmp_path: Path,
) -> None:
    """Reviewed against a brief without its declarations, The Epoch Times (dated Feb. 28,
    2026) gets every relative date resolved to what summaries/aliases.toml declares for it.
    """
    declared = tomllib.loads((ROOT / "summaries" / "aliases.toml").read_text(encoding="utf-8"))
    expected = {
        d["words"].lower(): d["means"]
        for d in declared["dates"]
        if d.get("sources") == ["epoch-times"]
    }
    epoch = next(d for d in BOTH_WAYS if d.reviewed.id == "epoch-times")
    seeds, summaries = make_one_report_world(tmp_path, epoch.kept)
    add_source(ROOT / "seeds" / f"{epoch.reviewed.file}.txt", seeds, "epoch")
    review = review_source(seeds, summaries, "epoch")
    resolved = {r.text.lower(): r.resolved for s in review.sentences for r in s.relative_dates}
    for words, means in expected.items():
        found = [v for text, v in resolved.items() if text.removesuffix("'s") in words]
        assert found, words
        assert found[0] == means, (words, found[0], means)


def test_the_undated_report_resolves_through_the_same_event(tmp_path: Path) -> None:
    """The Washington report states no date: its relative dates resolve as the summaries
    resolve the same event's in The Epoch Times, and say so.
    """
    washington = next(d for d in BOTH_WAYS if d.reviewed.id == "washington-report")
    seeds, summaries = make_one_report_world(tmp_path, washington.kept)
    add_source(ROOT / "seeds" / f"{washington.reviewed.file}.txt", seeds, "washington")
    review = review_source(seeds, summaries, "washington")
    resolved = {r.text: r for s in review.sentences for r in s.relative_dates}
    assert resolved["Thursday"].resolved == "Thursday, Feb. 26, 2026"
    assert "same event" in resolved["Thursday"].basis
    assert resolved["Thursday's"].resolved == "Thursday, Feb. 26, 2026"  # the same words
    assert "on line 3 of the same report" in resolved["Thursday's"].basis
    assert resolved["Earlier this week"].resolved == "the week of Feb. 22, 2026"
    assert resolved["last April"].resolved == "April 2025"
    assert resolved["this month"].resolved is None  # the brief declares no such words


def test_one_difference_is_shown_once_with_every_claim_quoting_it(reviewed: Reviewed) -> None:
    """The 47,000 is quoted by several claims: one possible contradiction lists them all."""
    _, review, _, _ = reviewed
    hedges = [
        c for s in review.sentences for c in s.possible if c.kind == "figure" and "47,000" in c.here
    ]
    assert len(hedges) == 1
    [hedge] = hedges
    assert hedge.also
    assert hedge.claim not in hedge.also
    data = next(
        c
        for s in review.to_json()["sentences"]
        for c in s["possible_contradictions"]
        if c["kind"] == "figure"
    )
    assert len(data["also_claims"]) == len(hedge.also)
    assert f"{hedge.claim.where} (also " in render_review_text(review)


def test_possible_contradictions_are_labelled_so(reviewed: Reviewed) -> None:
    _, review, result, _ = reviewed
    data = review.to_json()
    shown = [c for s in data["sentences"] for c in s["possible_contradictions"]]
    assert shown
    assert {c["verdict"] for c in shown} == {"possible contradiction"}
    assert data["counts"]["possible_contradictions"] == len(shown) == result.possible
    text = render_review_text(review)
    assert "POSSIBLE CONTRADICTION" in text
    assert f"{len(shown)} possible contradiction(s)" in text


def test_the_same_review_on_every_run(reviewed: Reviewed) -> None:
    """Python's string hashing differs between processes; the review may not."""
    direction, _, _, folder = reviewed
    env = {
        "SEEDS_DIR": str(folder / "seeds"),
        "SUMMARIES_DIR": str(folder / "summaries"),
        "STALE_AFTER_DAYS": "3650",
    }
    wanted = REVIEWED_ID[direction.reviewed.id]
    runs: list[Any] = []
    for seed in ("1", "2", "3"):
        out = run_bot(folder, "review", wanted, "--format", "json", PYTHONHASHSEED=seed, **env)
        assert out.returncode == 0, out.stdout + out.stderr
        runs.append(json.loads(out.stdout))
    assert runs[0] == runs[1] == runs[2]
