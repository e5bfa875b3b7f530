"""``python -m bot intake list|show|accept|reject``, run as an editor would."""

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from bot.storage.base import NewCandidate
from bot.storage.connect import open_store
from tests.editorial.cli_run import run_bot

NOW = datetime(2026, 3, 5, 14, 0, tzinfo=UTC)
TEXT = (
    "WASHINGTON (AP) \u2014 A federal judge ruled that the IRS broke the law.\n"
    "U.S. District Judge Colleen Kollar-Kotelly found that the agency breached IRS Code 6103 "
    "approximately 52,695 times by disclosing last known taxpayer addresses to ICE.\n"
)


async def kept(url: str) -> None:
    store = await open_store(url)
    try:
        for n, kind in ((1, "article"), (2, "article"), (3, "filing")):
            await store.intake_add(
                NewCandidate(
                    kind=kind,
                    origin="https://example.org/feed",
                    url=f"https://example.org/{n}",
                    guid=None,
                    content_hash=f"h{n}" if kind == "article" else None,
                    title=f"Report {n} \x1b[31m",
                    outlet="The Example Gazette",
                    stated_date="Thu, 05 Mar 2026",
                    body=TEXT if n == 1 else f"{TEXT}Another paragraph {n}.\n",
                    review='{"counts": {"corroborates": 3, "contradicts": 1, "new": 1},'
                    ' "contradicts": [{"claim": "timeline.md:21", "what": "figure: x"}]}',
                ),
                NOW,
            )
    finally:
        await store.close()


def test_an_editor_lists_shows_accepts_and_rejects(
    tmp_path: Path, content_dirs: tuple[Path, Path]
) -> None:
    seeds, summaries = content_dirs
    env = {"SEEDS_DIR": str(seeds), "SUMMARIES_DIR": str(summaries)}
    asyncio.run(kept(f"sqlite:///{tmp_path / 'test.sqlite3'}"))
    listed = run_bot(tmp_path, "intake", "list", **env)
    assert listed.returncode == 0, listed.stderr
    assert "+3 !1 new 1" in listed.stdout
    assert "\x1b" not in listed.stdout  # what a page says is inert on the terminal
    shown = run_bot(tmp_path, "intake", "show", "1", **env)
    assert "contradicts timeline.md:21: figure: x" in shown.stdout
    assert "52,695" in shown.stdout
    accepted = run_bot(tmp_path, "intake", "accept", "1", "--id", "ap-mar-5", **env)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert (seeds / "ap-mar-5.txt").read_text() == TEXT
    assert 'outlet = "AP"' in (seeds / "ap-mar-5.toml").read_text()
    again = run_bot(tmp_path, "intake", "accept", "1", **env)
    assert again.returncode == 1
    assert "already accepted" in again.stdout
    taken = run_bot(tmp_path, "intake", "accept", "2", "--id", "ap-mar-5", **env)
    assert taken.returncode == 1  # never overwrites: the id is taken
    assert "already exists" in taken.stdout
    assert "ap-mar-5" in (seeds / "ap-mar-5.txt").name
    rejected = run_bot(tmp_path, "intake", "reject", "2", **env)
    assert rejected.returncode == 0
    filing = run_bot(tmp_path, "intake", "accept", "3", **env)
    assert "nothing was written" in filing.stdout
    assert run_bot(tmp_path, "intake", "list", **env).stdout.strip() == "no candidates"
    everything = run_bot(tmp_path, "intake", "list", "--status", "all", **env).stdout
    assert everything.count("accepted") == 2
    assert "rejected" in everything
    missing = run_bot(tmp_path, "intake", "show", "9", **env)
    assert missing.returncode == 1
    assert "no candidate 9" in missing.stdout
