"""What the editors' post says: counts first, asserted contradictions before possible ones."""

import json
from datetime import UTC, datetime

from bot.i18n.translator import translator
from bot.intake.editors import compose
from bot.storage.base import Candidate

REVIEW = {
    "counts": {"corroborates": 2, "contradicts": 1, "possible": 1, "new": 0, "sentences": 9},
    "contradicts": [{"what": "figure: '5' here, '6' in the claim's quote", "claim": "a.md:1"}],
    "possible": [{"what": "title: 'official' here", "claim": "who.md:4", "here": "An official"}],
    "corroborates": [],
    "new": [],
}


def candidate(review: dict[str, object]) -> Candidate:
    found = datetime(2026, 3, 5, tzinfo=UTC)
    return Candidate(
        1, "article", "feed", "https://example.org/a", None, None, "Title", "Outlet",
        "March 5, 2026", "text", json.dumps(review), "new", None, found, None,
        None, None, None, None, None, None, None,
    )  # fmt: skip


def test_a_possible_contradiction_is_counted_and_labelled_as_possible() -> None:
    post, details = compose(candidate(REVIEW), translator("en"))
    assert "Corroborates 2 \u00b7 contradicts 1 \u00b7 possibly contradicts 1 \u00b7 new 0" in (
        post.lines
    )
    assert post.lines.index("Contradicts a.md:1: figure: '5' here, '6' in the claim's quote") < (
        post.lines.index("Possibly contradicts who.md:4: title: 'official' here")
    )
    assert any(line.startswith("Possibly contradicts who.md:4") for line in details.lines)


def test_the_post_is_in_spanish_for_spanish_editors() -> None:
    post, _ = compose(candidate(REVIEW), translator("es"))
    assert any("posiblemente contradice 1" in line for line in post.lines)
