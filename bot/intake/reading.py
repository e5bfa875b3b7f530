"""An item's page: fetched within limits, reduced to its article text as ``source add``
reduces an HTML page (trafilatura), and read against the brief (``review``).
"""

import asyncio
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.editorial.intake import IntakeError, article_text
from bot.editorial.review.documents import review_text
from bot.editorial.review.model import Review
from bot.intake.fetching import Fetcher, FetchError

_HTML = frozenset({"text/html", "application/xhtml+xml"})
_TEXT = frozenset({"text/plain"})
SHOWN = 5  # lines of each verdict kept for the post's thread


class PageError(FetchError):
    """The page cannot be read as an article (a PDF, an image, no article text)."""


@dataclass(frozen=True, slots=True)
class Page:
    url: str
    text: str  # the article's paragraphs, one per line

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


async def read_page(fetcher: Fetcher, url: str) -> Page:
    answer = await fetcher.get(url, headers={"Accept": "text/html, text/plain;q=0.8"})
    kind = answer.content_type
    if kind == "application/pdf" or answer.body[:5] == b"%PDF-":
        msg = (
            f"{url}: a PDF, not an article page; read it and add it with `source add` if it matters"
        )
        raise PageError(msg)
    if kind not in _HTML | _TEXT:
        msg = f"{url}: answered {kind or 'no content type'}, not an article page; nothing kept"
        raise PageError(msg)
    if kind in _TEXT:
        text = answer.body.decode("utf-8", errors="replace")
        text = "\n".join(line.strip() for line in text.splitlines() if line.strip()) + "\n"
    else:
        try:
            async with fetcher.parsing:
                text = await asyncio.to_thread(article_text, answer.body)
        except IntakeError as error:
            msg = f"{url}: {error}"
            raise PageError(msg) from None
    if not text.strip():
        msg = f"{url}: no article text; nothing kept"
        raise PageError(msg)
    return Page(answer.url, text)


def summarize(review: Review) -> dict[str, Any]:
    """The verdict as the editors' post and ``intake show`` give it: counts first, then the
    lines behind them (each contradiction once).
    """
    counts = review.counts()
    contradicts: list[dict[str, str]] = []
    possible: list[dict[str, str]] = []  # labelled so, never asserted (review's POSSIBLE)
    corroborates: list[dict[str, str]] = []
    new: list[dict[str, str]] = []
    seen: set[str] = set()
    for sentence in review.sentences:
        for c in sentence.contradicts:
            what = c.describe()
            if what not in seen:
                seen.add(what)
                contradicts.append({"what": what, "claim": c.claim.where, "here": sentence.text})
        for c in sentence.possible:
            what = c.describe()
            if f"possible:{what}" not in seen:
                seen.add(f"possible:{what}")
                possible.append({"what": what, "claim": c.claim.where, "here": sentence.text})
        for r in sentence.corroborates:
            if r.claim.where not in seen:
                seen.add(r.claim.where)
                corroborates.append({"claim": r.claim.where, "text": r.claim.text})
        for n in sentence.new:
            key = f"new:{n.kind}:{n.text}"
            if key not in seen:
                seen.add(key)
                new.append({"kind": n.kind, "text": n.text})
    return {
        "counts": {
            "corroborates": len(corroborates),
            "contradicts": len(contradicts),
            "possible": len(possible),
            "new": len(new),
            "sentences": counts["sentences"],
        },
        "contradicts": contradicts[: SHOWN * 4],
        "possible": possible[: SHOWN * 4],
        "corroborates": corroborates[: SHOWN * 4],
        "new": new[: SHOWN * 4],
    }


async def review_page(page: Page, summaries_dir: Path, source_id: str) -> str:
    """The review of ``page`` as JSON (``summarize``), computed in a worker thread."""

    def work() -> str:
        return json.dumps(summarize(review_text(page.text, summaries_dir, source_id=source_id)))

    return await asyncio.to_thread(work)
