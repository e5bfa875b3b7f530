"""Court filings: new docket entries from CourtListener's fake, listed for the editors."""

from bot.intake.courtlistener import docket_entries
from bot.intake.fetching import Fetcher
from bot.platforms.slack.editors import SlackEditors
from bot.settings import Settings
from tests.fakes.courtlistener import FakeCourtListener
from tests.fakes.slack import FakeSlack
from tests.intake.harness import EDITORS, intake

DOCKET = 68000001


async def test_entries_are_asked_newest_first_with_the_token(
    courtlistener: FakeCourtListener,
) -> None:
    courtlistener.file(DOCKET, 1, "COMPLAINT against Internal Revenue Service", "2025-04-07")
    courtlistener.file(DOCKET, 87, "MEMORANDUM OPINION", "2026-02-26")
    fetcher = Fetcher(allow_private=True, host_delay=0)
    try:
        entries = await docket_entries(fetcher, courtlistener.api_url, "cl-test-token", DOCKET)
    finally:
        await fetcher.aclose()
    assert [(e.number, e.date_filed, e.description) for e in entries] == [
        ("87", "2026-02-26", "MEMORANDUM OPINION"),
        ("1", "2025-04-07", "COMPLAINT against Internal Revenue Service"),
    ]
    assert (
        entries[0].link == f"http://127.0.0.1:{courtlistener.port}/docket/{DOCKET}/87/case-v-irs/"
    )
    assert courtlistener.requests[0]["order_by"] == "-date_filed,-recap_sequence_number"


async def test_a_new_entry_is_posted_once_and_what_came_before_is_not(
    settings: Settings,
    courtlistener: FakeCourtListener,
    fake_slack: FakeSlack,
    tmp_path: object,
) -> None:
    courtlistener.file(DOCKET, 86, "NOTICE of appearance", "2026-02-20")
    courtlistener.file(DOCKET, 87, "MEMORANDUM OPINION", "2026-02-26")
    async with intake(
        f"sqlite:///{tmp_path}/intake.sqlite3",
        settings.summaries_dir,
        SlackEditors("xoxb-test-token", fake_slack.api_url),
        dockets=(DOCKET,),
        courtlistener_token="cl-test-token",
        courtlistener_api_url=courtlistener.api_url,
    ) as service:
        await service.cycle()  # the docket as it stood when first watched: seen, not posted
        assert fake_slack.with_threads(EDITORS) == []
        courtlistener.file(DOCKET, 88, "NOTICE OF APPEAL to the D.C. Circuit", "2026-03-04")
        await service.cycle()
        await service.cycle()
        store = await service.opener()
        (filing,) = await store.intake_candidates("new")
    post, reply = fake_slack.with_threads(EDITORS)
    assert "New court filing #3: Docket 68000001, entry 88: NOTICE OF APPEAL" in str(post["text"])
    assert "CourtListener \u00b7 2026-03-04" in str(post["text"])
    assert "A filing is listed, not reviewed." in str(post["text"])
    assert "Docket entry: NOTICE OF APPEAL to the D.C. Circuit" in str(reply["text"])
    assert filing.kind == "filing"
