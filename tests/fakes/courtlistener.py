"""A local stand-in for CourtListener's REST API (v4), started by tests on 127.0.0.1.

``GET /api/rest/v4/docket-entries/?docket=ID&order_by=...``: the entries of ``dockets[ID]``
newest first, in the documented envelope (count, next, previous, results; each entry with
id, docket, date_filed, entry_number, recap_sequence_number, description and its
recap_documents). ``Authorization: Token <token>`` is required (401 otherwise, as the API
answers: {"detail": "Invalid token."}); ``limited`` answers that many requests 429 with
Retry-After first.
"""

from typing import Any

from aiohttp import web

from tests.fakes.server import serve


class FakeCourtListener:
    def __init__(self, token: str = "cl-test-token") -> None:  # noqa: S107 - a fake's
        self.token = token
        self.dockets: dict[int, list[dict[str, Any]]] = {}  # oldest first
        self.limited = 0
        self.retry_after = 1
        self.requests: list[dict[str, str]] = []
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/rest/v4/"

    def file(self, docket: int, number: int, description: str, date_filed: str) -> None:
        """An entry is filed on ``docket``."""
        entries = self.dockets.setdefault(docket, [])
        entry_id = 400_000_000 + docket * 1000 + len(entries)
        entries.append(
            {
                "resource_uri": f"{self.api_url}docket-entries/{entry_id}/",
                "id": entry_id,
                "docket": f"{self.api_url}dockets/{docket}/",
                "date_created": f"{date_filed}T12:00:00-08:00",
                "date_modified": f"{date_filed}T12:00:00-08:00",
                "date_filed": date_filed,
                "time_filed": None,
                "entry_number": number,
                "recap_sequence_number": f"{date_filed}.{number:03d}",
                "pacer_sequence_number": None,
                "description": description,
                "recap_documents": [
                    {
                        "id": entry_id + 1,
                        "document_number": str(number),
                        "attachment_number": None,
                        "description": description[:40],
                        "absolute_url": f"/docket/{docket}/{number}/case-v-irs/",
                        "is_available": False,
                    }
                ],
                "tags": [],
            }
        )

    async def start(self) -> "FakeCourtListener":
        app = web.Application()
        app.router.add_get("/api/rest/v4/docket-entries/", self._entries)
        self._runner, self.port = await serve(app)
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _entries(self, request: web.Request) -> web.Response:
        self.requests.append(dict(request.query))
        if request.headers.get("Authorization") != f"Token {self.token}":
            return web.json_response({"detail": "Invalid token."}, status=401)
        if self.limited > 0:
            self.limited -= 1
            return web.json_response(
                {"detail": "Request was throttled."},
                status=429,
                headers={"Retry-After": str(self.retry_after)},
            )
        docket = int(request.query.get("docket", "0"))
        entries = list(reversed(self.dockets.get(docket, [])))  # -date_filed, newest first
        size = int(request.query.get("page_size", "20"))
        return web.json_response(
            {"count": len(entries), "next": None, "previous": None, "results": entries[:size]}
        )
