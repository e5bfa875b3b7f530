"""New docket entries from CourtListener's REST API (v4), newest first.

``GET {api}docket-entries/?docket=ID&order_by=-date_filed,-recap_sequence_number`` with
``Authorization: Token ...``; the first page is enough (entries are read newest first and
polling stops at the first one already known). Each entry becomes a filing candidate: date
filed, description, document number and a link; filings are listed, not reviewed.
"""

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from bot.intake.fetching import Fetcher, FetchError

MAX_ENTRIES = 20  # one page
MAX_JSON_BYTES = 5_000_000


class CourtListenerError(FetchError):
    """What to do is in the message (a refused token, a rate limit)."""


@dataclass(frozen=True, slots=True)
class Entry:
    docket: int
    id: str
    date_filed: str
    number: str
    description: str
    link: str


async def docket_entries(fetcher: Fetcher, api_url: str, token: str, docket: int) -> list[Entry]:
    base = api_url if api_url.endswith("/") else api_url + "/"
    query = urlencode(
        {
            "docket": docket,
            "order_by": "-date_filed,-recap_sequence_number",
            "page_size": MAX_ENTRIES,
        }
    )
    url = f"{base}docket-entries/?{query}"
    try:
        answer = await fetcher.get(
            url,
            headers={"Authorization": f"Token {token}", "Accept": "application/json"},
            max_bytes=MAX_JSON_BYTES,
        )
    except FetchError as error:
        if error.status == 401 or error.status == 403:  # noqa: PLR1714, PLR2004
            msg = (
                f"CourtListener docket {docket}: the token was refused (HTTP {error.status}); "
                "check COURTLISTENER_TOKEN"
            )
            raise CourtListenerError(msg, status=error.status) from None
        if error.status == 429:  # noqa: PLR2004
            wait = error.retry_after or 60.0
            msg = (
                f"CourtListener docket {docket}: rate limited (HTTP 429); waiting {wait:g} s "
                "before asking again"
            )
            raise CourtListenerError(msg, status=429, retry_after=wait) from None
        msg = f"CourtListener docket {docket}: {error.reason}"
        raise CourtListenerError(msg, status=error.status) from None
    try:
        data = json.loads(answer.body)
        results = data["results"]
        assert isinstance(results, list)
    except (ValueError, KeyError, TypeError, AssertionError):
        msg = f"CourtListener docket {docket}: the answer is not a list of docket entries"
        raise CourtListenerError(msg) from None
    site = _site(api_url)
    return [entry for raw in results[:MAX_ENTRIES] if (entry := _entry(docket, raw, site))]


def _entry(docket: int, raw: Any, site: str) -> Entry | None:  # noqa: ANN401 - JSON
    if not isinstance(raw, dict) or raw.get("id") is None:
        return None
    documents = [d for d in raw.get("recap_documents") or [] if isinstance(d, dict)]
    first = documents[0] if documents else {}
    number = str(raw.get("entry_number") or first.get("document_number") or "")
    description = " ".join(str(raw.get("description") or first.get("description") or "").split())[
        :2000
    ]
    path = str(first.get("absolute_url") or "")
    link = (
        site + path
        if path.startswith("/")
        else f"{site}/docket/{docket}/" + (f"#entry-{number}" if number else "")
    )
    return Entry(
        docket,
        str(raw["id"]),
        str(raw.get("date_filed") or ""),
        number,
        description or "(no description)",
        link,
    )


def _site(api_url: str) -> str:
    parts = urlsplit(api_url)
    return f"{parts.scheme}://{parts.netloc}"
