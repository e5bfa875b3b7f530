"""Edits an editor might make to the shipped summaries, each of which still verifies: the
content versions update posts announce.
"""

from pathlib import Path

# (file, old words, new words)
APPEAL = "status-government-appeal"
REWORDED = (
    "status.md",
    "it does not say which decision is appealed or to which court.",
    "it does not say which decision is appealed, or to which court.",
)
CORRECTED = (
    "status.md",
    "{#status-government-appeal}\n",
    "{#status-government-appeal}\n  ! Correction: the earlier wording left out the court.\n",
)
RECORD = (
    "status.md",
    "The judge wrote that the court had indicated it would add the Romo Declaration",
    "The judge wrote that the court had said it would add the Romo Declaration",
)
PANEL = (
    "status.md",
    "The reports describe it only as declining the nonprofits' request",
    "Both reports describe it only as declining the nonprofits' request",
)
CORRECTION_LINE = "the earlier wording left out the court."


def edit(summaries: Path, change: tuple[str, str, str]) -> None:
    name, old, new = change
    file = summaries / name
    text = file.read_text(encoding="utf-8")
    assert old in text, (name, old)
    file.write_text(text.replace(old, new, 1), encoding="utf-8")
