"""What ``python -m bot changes`` prints: newest first, each claim cited; JSON for tools."""

from datetime import UTC, date, datetime

from bot.updates.listing import as_json, as_text
from bot.updates.versions import ClaimSnapshot, ContentVersion, changes_between

WHEN = datetime(2026, 3, 10, 14, 5, tzinfo=UTC)
QUOTE = ("epoch-times", "In Thursday’s 13-page opinion")


def version(
    number: int, *claims: ClaimSnapshot, sources: tuple[str, ...] = ("epoch-times",)
) -> ContentVersion:
    return ContentVersion(number, f"h{number}", WHEN, date(2026, 2, 28), claims, sources)


def claim(key: str, text: str, correction: str | None = None) -> ClaimSnapshot:
    return ClaimSnapshot(key, "numbers", "Key figures", text, (QUOTE,), correction)


V1 = version(1, claim("pages", "13: pages, per The Epoch Times."), claim("gone", "Gone soon."))
V2 = version(
    2,
    claim("pages", "13: pages, per the Epoch Times report.", "It gave no source."),
    claim("new", "Brand new."),
    sources=("epoch-times", "ap-mar-3"),
)
V3 = version(3, *V2.claims, sources=V2.sources)
LISTING = [changes_between(None, V1), changes_between(V1, V2), changes_between(V2, V3)]


def test_text_lists_each_version_newest_first_with_each_claim_cited() -> None:
    assert as_text(LISTING).splitlines() == [
        "Version 3, recorded 2026-03-10 14:05 UTC, as of 2026-02-28 (against version 2)",
        "  no claim changed (wording elsewhere, order, or a source's text)",
        "",
        "Version 2, recorded 2026-03-10 14:05 UTC, as of 2026-02-28 (against version 1)",
        "  Corrected {#pages} (numbers: Key figures)",
        "    correction: It gave no source.",
        "    before: 13: pages, per The Epoch Times.",
        "    after:  13: pages, per the Epoch Times report.",
        '      > epoch-times: "In Thursday’s 13-page opinion"',
        "  Added {#new} (numbers: Key figures)",
        "    Brand new.",
        '      > epoch-times: "In Thursday’s 13-page opinion"',
        "  Withdrawn {#gone} (numbers: Key figures)",
        "    Gone soon.",
        '      > epoch-times: "In Thursday’s 13-page opinion"',
        "  Sources added: ap-mar-3",
        "",
        (
            "Version 1, recorded 2026-03-10 14:05 UTC, as of 2026-02-28: the first recorded, "
            "2 claims citing 1 source (epoch-times)"
        ),
    ]
    assert as_text([]) == "No content version recorded in this range."


def test_json_has_every_change_with_both_sides_and_citations() -> None:
    third, second, first = as_json(LISTING)
    assert (first["version"], first["first"], first["changes"], first["claims"]) == (1, True, [], 2)
    assert third["changes"] == []
    assert second["sources_added"] == ["ap-mar-3"]
    assert second["recorded_at"] == "2026-03-10T14:05:00Z"
    corrected, added, withdrawn = second["changes"]
    assert corrected == {
        "kind": "changed",
        "key": "pages",
        "correction": "It gave no source.",
        "before": {
            "key": "pages",
            "topic": "numbers",
            "section": "Key figures",
            "text": "13: pages, per The Epoch Times.",
            "correction": None,
            "citations": [{"source": "epoch-times", "quote": "In Thursday’s 13-page opinion"}],
        },
        "after": {
            "key": "pages",
            "topic": "numbers",
            "section": "Key figures",
            "text": "13: pages, per the Epoch Times report.",
            "correction": "It gave no source.",
            "citations": [{"source": "epoch-times", "quote": "In Thursday’s 13-page opinion"}],
        },
    }
    assert (added["kind"], added["before"], withdrawn["kind"], withdrawn["after"]) == (
        "added",
        None,
        "withdrawn",
        None,
    )
