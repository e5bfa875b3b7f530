"""The recap service as whoever runs recaps wires it: one ``attach`` hands over the posters
and the observer (the metrics), before anything runs.
"""

from datetime import timedelta

import pytest

from bot.core.dispatch import Dispatcher
from bot.platforms.slack.poster import SlackPoster
from bot.recaps.service import RecapService
from bot.storage.connect import open_store
from tests.fakes.discord import FakeDiscord
from tests.fakes.slack import Failure, FakeSlack
from tests.recaps.conftest import FAST, Clock, Recorded
from tests.recaps.test_delivery import NINE_NY, subscribe


async def test_attach_wires_posters_and_observer_once(
    database_url: str,
    dispatcher: Dispatcher,
    recap_clock: Clock,
    fakes: tuple[FakeSlack, FakeDiscord],
) -> None:
    slack, _ = fakes
    service = RecapService(
        lambda: open_store(database_url),
        lambda: dispatcher.store.current,
        recap_clock,
        policy=FAST,
    )
    observed = Recorded()
    try:
        await service.ready()
        await subscribe(service, "slack", "C1")
        recap_clock.now = NINE_NY + timedelta(minutes=1)
        assert (await service.post_due()).posted == []  # no poster yet: nothing is posted...
        assert [s.next_due for s in await service.subscriptions()] == [NINE_NY]  # ...or lost
        service.attach(
            posters={"slack": SlackPoster("xoxb-t", slack.api_url, channel_rate=100)},
            observer=observed,
        )
        slack.channel_failures["C1"].append(
            Failure(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "0"})
        )
        report = await service.post_due()
        assert report.posted == ["slack:C1@2026-03-10T13:00Z"]
        assert slack.posts_by_channel() == {"C1": 1}
        assert observed.outcomes == ["429 slack", "retried", "sent"]
        with pytest.raises(RuntimeError, match="called once"):
            service.attach(posters={}, observer=Recorded())
    finally:
        await service.aclose()
