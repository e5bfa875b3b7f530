"""Claims keep their identity across edits, and a version says what changed."""

from datetime import UTC, date, datetime
from pathlib import Path

from bot.commands.catalog import TOPIC_COMMANDS
from bot.content.store import Content, load_content
from bot.updates.versions import (
    ClaimSnapshot,
    ContentVersion,
    changes_between,
    content_hash,
    inherit_keys,
    snapshot,
)

WHEN = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
QUOTE = ("epoch-times", "approximately 42,695 times by disclosing")


def claim(
    text: str,
    key: str = "",
    *,
    topic: str = "numbers",
    section: str = "Key figures",
    citations: tuple[tuple[str, str], ...] = (QUOTE,),
    correction: str | None = None,
) -> ClaimSnapshot:
    made = ClaimSnapshot(key, topic, section, text, citations, correction)
    if not key:  # as a fresh content load derives it
        from bot.updates.versions import derived_key

        made = ClaimSnapshot(derived_key(made), topic, section, text, citations, correction)
    return made


def version(
    number: int, *claims: ClaimSnapshot, sources: tuple[str, ...] = ("a",)
) -> ContentVersion:
    return ContentVersion(number, f"hash{number}", WHEN, date(2026, 2, 28), claims, sources)


def load(content_dirs: tuple[Path, Path]) -> Content:
    return load_content(*content_dirs, TOPIC_COMMANDS, index=False)


def test_an_edit_of_a_claim_with_an_explicit_id_is_a_change_of_that_claim() -> None:
    old = version(1, claim("About 42,695 times.", "numbers-42695"))
    new = version(2, claim("About 42,695 disclosures, the judge wrote.", "numbers-42695"))
    changes = changes_between(old, new)
    assert [(c.kind, c.key) for c in changes.changes] == [("changed", "numbers-42695")]
    assert changes.changes[0].before == old.claims[0]
    assert changes.changes[0].after == new.claims[0]
    assert changes.previous == 1


def test_an_explicit_id_holds_however_far_the_words_and_the_section_move() -> None:
    old = version(1, claim("The judge ruled for the plaintiffs.", "ruling-core", section="A"))
    new = version(2, claim("Completely different words now.", "ruling-core", section="B"))
    assert [c.kind for c in changes_between(old, new).changes] == ["changed"]


def test_a_reworded_claim_without_an_id_is_matched_by_similarity_and_keeps_its_key() -> None:
    first = claim("About 47,000 taxpayers' information was provided to DHS, Romo said.")
    old = version(
        1, first, claim("Two court orders remain active.", citations=(("w", "two orders"),))
    )
    reworded = claim("About 47,000 taxpayers' information was given to DHS, Romo said in a filing.")
    new_claims = inherit_keys(old, [reworded, old.claims[1]])
    assert new_claims[0].key == first.key  # the key posts recorded stays
    changes = changes_between(old, version(2, *new_claims))
    assert [(c.kind, c.key) for c in changes.changes] == [("changed", first.key)]
    # ... and matching does not need the inherited key: a fresh load's derived key matches too
    fresh = changes_between(old, version(2, reworded, old.claims[1]))
    assert [(c.kind, c.key) for c in fresh.changes] == [("changed", reworded.key)]
    assert fresh.changes[0].before == first


def test_a_moved_claim_is_neither_withdrawn_nor_added() -> None:
    moving = claim("The panel declined the injunction.", section="Key figures")
    stays = claim("Thirteen pages.", citations=(("e", "13-page opinion"),))
    old = version(1, moving, stays)
    moved = claim("The panel declined the injunction.", section="Reading the figures")
    new = version(2, stays, moved)
    assert changes_between(old, new).empty
    assert inherit_keys(old, [stays, moved])[1].key == moving.key


def test_a_removed_claim_is_withdrawn_and_a_new_one_added() -> None:
    gone = claim("Three judges sat on the panel.", citations=(("e", "three-judge panel"),))
    old = version(1, gone, sources=("a",))
    new_claim = claim(
        "The IRS appealed on March 3.",
        topic="status",
        section="Appeals",
        citations=(("b", "filed an appeal"),),
    )
    new = version(2, new_claim, sources=("a", "b"))
    changes = changes_between(old, new)
    assert [(c.kind, c.key) for c in changes.changes] == [
        ("added", new_claim.key),
        ("withdrawn", gone.key),
    ]
    assert changes.withdrawn[0].before == gone
    assert changes.sources_added == ("b",)


def test_unrelated_claims_in_one_section_are_not_paired() -> None:
    old = version(1, claim("The judge ruled the IRS broke the law.", citations=(("e", "x y z"),)))
    new = version(2, claim("Romo is the IRS chief risk officer.", citations=(("w", "a b c"),)))
    assert [c.kind for c in changes_between(old, new).changes] == ["added", "withdrawn"]


def test_two_different_explicit_ids_are_two_claims_however_alike() -> None:
    old = version(1, claim("About 42,695 times.", "one"))
    new = version(2, claim("About 42,695 times.", "two"))
    assert [c.kind for c in changes_between(old, new).changes] == ["added", "withdrawn"]


def test_corrections_come_first_then_changes_additions_withdrawals() -> None:
    old = version(
        1,
        claim("Plain edit before.", "plain"),
        claim("Wrong figure 42,000.", "fixed"),
        claim("Gone soon.", "gone"),
    )
    new = version(
        2,
        claim("Plain edit after.", "plain"),
        claim("Right figure 42,695.", "fixed", correction="It said 42,000."),
        claim("Brand new.", "new"),
    )
    changes = changes_between(old, new)
    assert [(c.kind, c.key) for c in changes.changes] == [
        ("changed", "fixed"),
        ("changed", "plain"),
        ("added", "new"),
        ("withdrawn", "gone"),
    ]
    assert [c.key for c in changes.corrections] == ["fixed"]
    assert changes.corrections[0].correction == "It said 42,000."
    assert changes.changes[1].correction is None  # an ordinary update


def test_a_correction_already_recorded_is_not_declared_again_by_a_later_edit() -> None:
    old = version(1, claim("Right figure 42,695.", "fixed", correction="It said 42,000."))
    new = version(2, claim("Right figure: 42,695.", "fixed", correction="It said 42,000."))
    changes = changes_between(old, new)
    assert [c.kind for c in changes.changes] == ["changed"]
    assert changes.corrections == ()


def test_the_first_version_has_everything_added() -> None:
    first = version(1, claim("One.", "one"))
    changes = changes_between(None, first)
    assert changes.previous is None
    assert [c.kind for c in changes.changes] == ["added"]
    assert changes.sources_added == ("a",)


def test_a_version_survives_its_json(content_dirs: tuple[Path, Path]) -> None:
    made = snapshot(load(content_dirs), previous=None, recorded_at=WHEN)
    again = ContentVersion.from_stored(
        made.number, made.content_hash, made.as_of, made.recorded_at, made.snapshot_json()
    )
    assert again == made
    assert len(made.claims) == 77
    assert made.as_of == date(2026, 2, 28)
    assert made.sources == ("epoch-times", "washington-report")
    assert len({c.key for c in made.claims}) == len(made.claims)


def test_whitespace_and_comments_are_no_new_version(content_dirs: tuple[Path, Path]) -> None:
    before = content_hash(load(content_dirs))
    file = content_dirs[1] / "numbers.md"
    text = file.read_text(encoding="utf-8")
    file.write_text(
        "<!-- an editor's note -->\n"
        + text.replace(": times, the judge", ":   times,  the judge")
        + "\n\n",
        encoding="utf-8",
    )
    assert content_hash(load(content_dirs)) == before
    file.write_text(text.replace("times, the judge wrote", "times, the judge found"), "utf-8")
    assert content_hash(load(content_dirs)) != before


def test_an_edited_claim_in_the_shipped_content_is_one_change(
    content_dirs: tuple[Path, Path],
) -> None:
    old = snapshot(load(content_dirs), previous=None, recorded_at=WHEN)
    file = content_dirs[1] / "numbers.md"
    text = file.read_text(encoding="utf-8")
    file.write_text(
        text.replace(
            "judges on the D.C. Circuit panel that declined",
            "judges on the D.C. Circuit panel who declined",
        ).replace(
            "per The Epoch Times. {#numbers-13-pages}",
            "per The Epoch Times. {#numbers-13-pages}\n  ! Correction: It gave no source.",
        ),
        encoding="utf-8",
    )
    new = snapshot(load(content_dirs), previous=old, recorded_at=WHEN)
    changes = changes_between(old, new)
    assert [c.key for c in changes.changes] == ["numbers-three-judges"]
    assert changes.changes[0].correction is None


def test_a_spanish_correction_needs_its_english_one(content_dirs: tuple[Path, Path]) -> None:
    from bot.updates.versions import correction_problems

    old = snapshot(load(content_dirs), previous=None, recorded_at=WHEN)
    spanish = content_dirs[1] / "es" / "numbers.md"
    text = spanish.read_text(encoding="utf-8")
    spanish.write_text(
        text.replace(
            "{#numbers-13-pages}", "{#numbers-13-pages}\n  ! Corrección: No daba la fuente."
        ),
        encoding="utf-8",
    )
    line = (
        spanish.read_text(encoding="utf-8").splitlines().index("  ! Corrección: No daba la fuente.")
        + 1
    )
    (problem,) = correction_problems(old, load(content_dirs))
    assert (problem.file, problem.line) == (spanish, line)
    assert problem.message.startswith("correction on {#numbers-13-pages}, whose English claim")


def test_a_recorded_correction_may_stay_and_an_unchanged_claim_may_not_get_one(
    content_dirs: tuple[Path, Path],
) -> None:
    from bot.updates.versions import correction_problems

    file = content_dirs[1] / "numbers.md"
    text = file.read_text(encoding="utf-8")
    first = snapshot(load(content_dirs), previous=None, recorded_at=WHEN)
    corrected = text.replace(
        "per The Epoch Times. {#numbers-13-pages}",
        "per the Epoch Times report. {#numbers-13-pages}\n  ! Correction: It gave no source.",
    )
    file.write_text(corrected, encoding="utf-8")
    assert correction_problems(first, load(content_dirs)) == []  # changed: a correction
    assert [p.line for p in correction_problems(None, load(content_dirs))] == [
        corrected.splitlines().index("  ! Correction: It gave no source.") + 1
    ]  # no version recorded: nothing to correct
    second = snapshot(load(content_dirs), previous=first, recorded_at=WHEN)
    assert correction_problems(second, load(content_dirs)) == []  # recorded: it may stay
    file.write_text(corrected.replace("It gave no source.", "It named no source."), "utf-8")
    (problem,) = correction_problems(second, load(content_dirs))
    assert "did not change since version 0" in problem.message
