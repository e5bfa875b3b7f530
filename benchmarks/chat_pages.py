"""How replies fit a chat: per topic and platform, pages, characters on page 1, claims and
citation markers shown, and markers whose source is not listed in the same message.

Measured on the payloads exactly as the platforms receive them (Block Kit JSON, Discord
embeds), so it reads the same before paging existed (one message per reply) and after
(every page). Run it on an older commit to get the "before" column of docs/benchmarks.md.

Usage: python benchmarks/chat_pages.py [--public-url https://brief.example.org] [--markdown]
"""

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import scratch_database_url  # noqa: E402
from bot.app import build_dispatcher  # noqa: E402
from bot.core.reply import Reply  # noqa: E402
from bot.settings import Settings  # noqa: E402
from tests.renderers.markers import Measured, measure_discord, measure_slack  # noqa: E402

TOPICS = ("ruling", "numbers", "status", "timeline", "who", "sources")


def _payloads(reply: Reply, platform: str) -> list[dict[str, Any]]:
    """Every message the platform shows for the reply: its pages, or the one message."""
    try:
        from bot.renderers.discord import render_discord_page
        from bot.renderers.pages import paginate
        from bot.renderers.slack import render_slack_page
    except ImportError:  # before paging: one message per reply
        from bot.renderers.discord import render_discord
        from bot.renderers.slack import render_slack

        render = render_slack if platform == "slack" else render_discord
        return [render(reply)]
    paged = paginate(reply)
    page = render_slack_page if platform == "slack" else render_discord_page
    return [page(paged, number) for number in range(1, paged.count + 1)]


MEASURE: dict[str, Callable[[dict[str, Any]], Measured]] = {
    "slack": measure_slack,
    "discord": measure_discord,
}


def table(public_url: str | None) -> list[dict[str, Any]]:
    settings = Settings(
        database_url=scratch_database_url(),
        seeds_dir=ROOT / "seeds",
        summaries_dir=ROOT / "summaries",
        public_url=public_url,
        _env_file=None,
    )
    dispatcher = build_dispatcher(settings)
    rows = []
    for topic in TOPICS:
        reply = dispatcher.run_line(f"/{topic}")
        claims = sum(len(section.items) for section in reply.sections)
        for platform in ("slack", "discord"):
            pages = [MEASURE[platform](p) for p in _payloads(reply, platform)]
            rows.append(
                {
                    "topic": f"/{topic}",
                    "platform": platform,
                    "pages": len(pages),
                    "page1_chars": pages[0].body_chars,
                    "claims": f"{sum(p.claims for p in pages)}/{claims}",
                    "citations": len(reply.citations),
                    "markers": sum(len(p.markers) for p in pages),
                    "unlisted": sum(len(p.unlisted) for p in pages),
                }
            )
    return rows


COLUMNS = (
    ("topic", "topic"),
    ("platform", "platform"),
    ("pages", "pages"),
    ("page1_chars", "chars on page 1"),
    ("claims", "claims shown"),
    ("citations", "citations"),
    ("markers", "markers shown"),
    ("unlisted", "markers without a listed source"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--public-url", default=None, help="measure with links (PUBLIC_URL)")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args()
    rows = table(args.public_url)
    if args.markdown:
        print("| " + " | ".join(title for _, title in COLUMNS) + " |")
        print("|" + " --- |" * len(COLUMNS))
        for row in rows:
            print("| " + " | ".join(str(row[key]) for key, _ in COLUMNS) + " |")
    else:
        for row in rows:
            print("  ".join(f"{title}={row[key]}" for key, title in COLUMNS))
    total = sum(int(row["unlisted"]) for row in rows)
    print(f"\nmarkers without a listed source, all topics and platforms: {total}")


if __name__ == "__main__":
    main()
