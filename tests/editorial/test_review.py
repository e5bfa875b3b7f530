"""`python -m bot review ID` on the real reports.

The content folder starts with only The Epoch Times report and the shipped summaries
trimmed to what it says (tests/editorial/one_report.py); the other report then arrives
through `source add`, and `review` must find what it corroborates, contradicts and adds.
"""

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.content.facts import extract_facts
from bot.content.sources import SourceMeta, parse_source
from bot.editorial.review import resolve
from tests.editorial.cli_run import run_bot
from tests.editorial.one_report import ROOT, make_one_report_world

WASHINGTON = ROOT / "seeds" / "001_168defd7204b689b.txt"


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    folder = tmp_path_factory.mktemp("one-report")
    seeds, summaries = make_one_report_world(folder)
    env = {"SEEDS_DIR": str(seeds), "SUMMARIES_DIR": str(summaries), "STALE_AFTER_DAYS": "3650"}
    before = run_bot(folder, "check", **env)
    # Honest: the quotes verify.
    assert before.returncode == 0, before.stdout
    assert "against 1 sources" in before.stdout, before.stdout
    added = run_bot(folder, "source", "add", str(WASHINGTON), "--id", "washington", **env)
    assert added.returncode == 0, added.stdout + added.stderr
    as_json = run_bot(folder, "review", "washington", "--format", "json", **env)
    assert as_json.returncode == 0, as_json.stdout + as_json.stderr
    as_text = run_bot(folder, "review", "washington", **env)
    assert as_text.returncode == 0, as_text.stdout + as_text.stderr
    return json.loads(as_json.stdout), as_text.stdout


def _sentence(data: dict[str, Any], starts: str) -> dict[str, Any]:
    return next(s for s in data["sentences"] if s["text"].startswith(starts))


def test_reports_who_asked_for_the_1_28_million_dhs_against_ice(
    reviewed: tuple[dict[str, Any], str],
) -> None:
    romo = _sentence(reviewed[0], "The judge’s determination stems from")
    party = [c for c in romo["contradicts"] if c["kind"] == "party"]
    assert party
    assert party[0]["here"] == "ICE"
    assert party[0]["there"] == "DHS"
    assert "1.28 million" in party[0]["claim_quote"]
    assert (
        party[0]["quote_line"]
        == '> washington: "individuals out of 1.28 million people ICE had requested information"'
    )


def test_reports_who_the_agreement_is_between(reviewed: tuple[dict[str, Any], str]) -> None:
    stem = _sentence(reviewed[0], "The violations stem from")
    party = [c for c in stem["contradicts"] if c["kind"] == "party"]
    assert party
    assert party[0]["here"] == "IRS and Department of Homeland Security"
    assert party[0]["there"] == "ICE and IRS"
    assert "agreement between ICE and the IRS" in party[0]["claim_quote"]


def test_names_harry_t_edwards_against_harry_edwards_as_a_possible_contradiction(
    reviewed: tuple[dict[str, Any], str],
) -> None:
    """Another form of a name is likely the same person: labelled possible, not asserted."""
    edwards = _sentence(reviewed[0], "In rejecting the preliminary injunction petition")
    assert not edwards["contradicts"]
    [name] = [c for c in edwards["possible_contradictions"] if c["kind"] == "name"]
    assert name["verdict"] == "possible contradiction"
    assert "Harry T. Edwards" in name["here"]
    assert "Harry Edwards" in name["there"]
    assert not any("Edwards" in n["text"] for n in edwards["new"])  # a variant, not a new person


def test_corroborates_the_47000_figure_with_a_quote_line_that_check_accepts(
    reviewed: tuple[dict[str, Any], str],
) -> None:
    romo = _sentence(reviewed[0], "The judge’s determination stems from")
    shares = [c for c in romo["corroborates"] if "47,000" in c["shared"]]
    assert shares
    assert shares[0]["claim"]["file"].endswith(".md")
    line = shares[0]["quote_line"]
    assert line.startswith('> washington: "')
    assert "47,000 individuals" in line
    quoted = line.split('"', 1)[1].rsplit('"', 1)[0]
    assert quoted in WASHINGTON.read_text(encoding="utf-8")  # verbatim, so it verifies once pasted


def test_nina_olson_and_irs_code_6103_are_new(reviewed: tuple[dict[str, Any], str]) -> None:
    new = {(n["kind"], n["text"]) for s in reviewed[0]["sentences"] for n in s["new"]}
    assert ("name", "Nina Olson") in new
    assert ("name", "IRS Code 6103") in new
    # What the kept report already says is not new.
    assert not {("name", "Dottie Romo"), ("figure", "47,000"), ("figure", "42,695")} & new


def test_relative_dates_need_the_reports_date_or_the_same_event(
    reviewed: tuple[dict[str, Any], str],
) -> None:
    relative = {r["text"]: r for s in reviewed[0]["sentences"] for r in s["relative_dates"]}
    assert {"Thursday", "this month", "last April", "Earlier this week"} <= relative.keys()
    assert relative["this month"]["resolved"] is None
    assert "states no date" in relative["this month"]["basis"]
    # As the summaries resolve it: the same ruling, which The Epoch Times dates Feb. 26.
    assert relative["Thursday"]["resolved"] == "Thursday, Feb. 26, 2026"
    assert "same event" in relative["Thursday"]["basis"]


def test_text_output_reads_sentence_by_sentence(reviewed: tuple[dict[str, Any], str]) -> None:
    text = reviewed[1]
    assert text.startswith(
        "Review of washington (washington.txt): Undated WASHINGTON report (outlet not stated)"
    )
    assert "CONTRADICTS numbers.md:" in text
    assert "who: 'ICE' here, 'DHS' in the claim's quote" in text
    assert "CORROBORATES" in text
    assert "NEW: name 'Nina Olson'" in text
    assert "RESOLVE 'this month' -> unresolved" in text
    assert "POSSIBLE CONTRADICTION" in text


def test_unknown_id_is_a_clear_error(tmp_path: Path) -> None:
    seeds, summaries = make_one_report_world(tmp_path)
    out = run_bot(tmp_path, "review", "nope", SEEDS_DIR=str(seeds), SUMMARIES_DIR=str(summaries))
    assert out.returncode == 2
    assert "no source 'nope'" in out.stdout
    assert "epoch-times" in out.stdout
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize(
    ("words", "resolved"),
    [
        ("Thursday", "Thursday, Feb. 26, 2026"),  # on or before Saturday, Feb. 28, as declared
        ("last April", "April 2025"),
        ("In November", "November 2025"),
        ("this month", "February 2026"),
        # A US week starts on Sunday (CLDR en_US), as summaries/aliases.toml declares it.
        ("Earlier this week", "the week of Feb. 22, 2026"),
    ],
)
def test_relative_dates_resolve_against_a_stated_date(words: str, resolved: str) -> None:
    meta = SourceMeta(id="dated", label="Dated", published=date(2026, 2, 28), published_quote="x")
    source = parse_source(Path("dated.txt"), f"{words}, something happened.\n", meta)
    [fact] = [f for f in extract_facts(f"{words}, something happened.") if f.date is not None]
    result = resolve(fact, source)
    assert result.resolved == resolved
    assert "Feb. 28, 2026" in result.basis


def test_what_the_summaries_already_take_from_the_source_is_not_new() -> None:
    from bot.editorial.review import review_source

    result = review_source(ROOT / "seeds", ROOT / "summaries", "washington-report")
    new = {n.text for s in result.sentences for n in s.new}
    assert "Nina Olson" not in new
    assert "IRS Code 6103" not in new


def test_declared_aliases_count_as_the_same_name(tmp_path: Path) -> None:
    from bot.editorial.intake import add_source
    from bot.editorial.review import review_source

    seeds, summaries = make_one_report_world(tmp_path)
    add_source(WASHINGTON, seeds, "washington")

    def new_names() -> set[str]:
        return {
            n.text for s in review_source(seeds, summaries, "washington").sentences for n in s.new
        }

    (summaries / "aliases.toml").unlink()  # the shipped one declares it
    assert "Treasury Department" in new_names()
    (summaries / "aliases.toml").write_text(
        '[names]\n"Treasury" = ["Treasury Department"]\n', encoding="utf-8"
    )
    assert "Treasury Department" not in new_names()
