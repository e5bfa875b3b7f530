"""What handlers are given: typed ``Services``, built on first use, once, from any thread."""

import dataclasses
import threading
import typing
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from bot.app import build_dispatcher
from bot.commands.catalog import TOPIC_COMMANDS
from bot.content.store import Content, ContentStore
from bot.core.dispatch import Dispatcher
from bot.core.registry import Command, CommandRequest, Context, Registry
from bot.core.reply import Reply
from bot.core.services import RecapBackend, Recaps, RecapSchedule, Services
from bot.settings import Settings


class Backend:
    """A stand-in recap service: counts how often it is built."""

    built = 0

    def __init__(self) -> None:
        Backend.built += 1
        self.for_handlers: Recaps = typing.cast("Recaps", object())


def test_nothing_is_built_until_asked_then_once_even_from_many_threads_at_once() -> None:
    Backend.built = 0
    services = Services(recap_service=Backend, recap_timezone="Europe/Berlin")
    assert Backend.built == 0
    assert services.recap_timezone == "Europe/Berlin"
    start = threading.Barrier(8)
    seen: list[Recaps | None] = []

    def ask() -> None:
        start.wait()
        seen.append(services.recaps)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Backend.built == 1
    assert len({id(recaps) for recaps in seen}) == 1


def test_a_bot_without_recaps_gives_handlers_none() -> None:
    services = Services()
    assert services.recaps is None
    assert services.recap_service is None
    assert services.recap_timezone == "UTC"


def test_handlers_get_the_dispatchers_services(settings: Settings) -> None:
    seen: list[Context] = []

    def handler(request: CommandRequest, context: Context) -> Reply:
        seen.append(context)
        return Reply("ok", ())

    services: Services[Backend] = Services(recap_service=Backend)
    dispatcher = Dispatcher(
        Registry([Command("probe", "A probe", handler, cacheable=False)]),
        ContentStore(settings.seeds_dir, settings.summaries_dir, TOPIC_COMMANDS),
        clock=lambda: datetime(2026, 3, 1, tzinfo=UTC),
        services=services,
    )
    dispatcher.run_line("/probe")
    assert seen[0].services is services is dispatcher.services


def _hints(member: object) -> dict[str, object]:
    function = member.fget if isinstance(member, property) else member
    # Content is imported for type checking only (bot.core.services), as mypy reads it.
    return typing.get_type_hints(
        typing.cast("Callable[..., object]", function), localns={"Content": Content}
    )


def _types(hint: object) -> Iterator[object]:
    """``hint`` and every type inside it (a Callable's arguments come as a list)."""
    inner = hint if isinstance(hint, list) else typing.get_args(hint)
    if not isinstance(hint, list):
        yield hint
    for part in inner:
        yield from _types(part)


def test_the_handlers_wiring_is_typed_without_any() -> None:
    """What mypy strict checks, pinned: no ``Any`` anywhere a handler or platform reads."""
    assert {f.name: f.type for f in dataclasses.fields(Context)}["services"] is Services
    members = [
        getattr(protocol, name)
        for protocol in (Recaps, RecapSchedule, RecapBackend)
        for name in vars(protocol)
        if not name.startswith("_")
    ]
    members += [Services.__init__, Services.recaps, Services.recap_service]
    hints = [_hints(member) for member in members]
    assert len(hints) == 15  # corrections_paused (issue 18) among them
    assert all(hints)
    found = [t for hint in hints for value in hint.values() for t in _types(value)]
    assert typing.Any not in found


def test_the_apps_services_give_handlers_recaps_without_opening_the_database(
    settings: Settings, tmp_path: Path
) -> None:
    database = tmp_path / "test.sqlite3"
    dispatcher = build_dispatcher(settings.model_copy(update={"recap_timezone": "Asia/Tokyo"}))
    recaps = dispatcher.services.recaps
    service = dispatcher.services.recap_service
    assert service is not None
    assert recaps is service.for_handlers
    assert dispatcher.services.recap_timezone == "Asia/Tokyo"
    assert not database.exists()  # built, not opened: a command that lists recaps opens it
    assert recaps.listing("slack", "C1") == []
    assert database.exists()
    service.close_sync()
