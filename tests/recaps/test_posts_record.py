"""Every recap posted is recorded (issue 18): message id, version shown, the claims it stated."""

from datetime import timedelta

from bot.recaps.service import RecapService
from tests.fakes.discord import FakeDiscord
from tests.fakes.slack import FakeSlack
from tests.recaps.test_delivery import NINE_NY, subscribe


async def test_each_recap_posted_is_recorded_with_its_message_id_version_and_claims(
    service: RecapService, recap_clock, fakes: tuple[FakeSlack, FakeDiscord]
) -> None:  # type: ignore[no-untyped-def]
    slack, discord = fakes
    service.content_version_of = lambda: 7
    await subscribe(service, "slack", "C1")
    await subscribe(service, "discord", "900")
    recap_clock.now = NINE_NY + timedelta(minutes=1)
    assert len((await service.post_due()).posted) == 2
    store = await service.ready()
    reply = service._fanout.compose_for(None, NINE_NY).reply
    posts = await store.posts_to_correct(list(reply.claims), 8)
    assert {(p.platform, p.channel, p.kind, p.version) for p in posts} == {
        ("slack", "C1", "recap", 7),
        ("discord", "900", "recap", 7),
    }
    by_platform = {p.platform: p for p in posts}
    assert by_platform["slack"].message_id == slack.history["C1"][-1]["ts"]
    assert by_platform["discord"].message_id == discord.messages["900"][-1]["id"]
    assert set(by_platform["slack"].claims) == set(reply.claims)
    assert reply.claims  # the status points and key figures, by their {#id}
