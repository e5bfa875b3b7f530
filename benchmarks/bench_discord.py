"""Discord benchmark: interaction-to-callback latency through a local fake gateway.

This bot and a bare discord.py bot (same commands and options, answering a constant
embed) log in to one FakeDiscord with their own tokens; interactions alternate between
them, one at a time, in the same run. Target: p50 within 1.15x of the bare bot.

Usage: python benchmarks/bench_discord.py [--interactions 1000]
"""

import argparse
import asyncio
import logging
import sys
import time
from pathlib import Path

import discord
from discord import app_commands
from pydantic import SecretStr

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import machine, percentiles, scratch_database_url
from bot.app import build_dispatcher
from bot.core.dispatch import Dispatcher
from bot.platforms.discord.pages import PageView
from bot.platforms.discord.runner import DiscordRunner
from bot.platforms.presses import paged_reply
from bot.renderers.discord import render_discord_page
from bot.settings import Settings
from tests.fakes.discord import FakeDiscord

COMMANDS = [
    ("numbers", {}),
    ("ruling", {}),
    ("status", {"public": True}),
    ("quote", {"words": "Romo declaration"}),
    ("who", {"name": "Romo"}),
    ("timeline", {}),
]


def _constant(embeds: list[discord.Embed], view: PageView | None):  # type: ignore[no-untyped-def]
    async def constant(
        interaction: discord.Interaction,
        # The same options as the bot's commands: discord.py reads them from the signature.
        words: str | None = None,  # noqa: ARG001
        name: str | None = None,  # noqa: ARG001
        public: bool = False,
        lang: str | None = None,  # noqa: ARG001 - every command of ours takes lang (issue 20)
    ) -> None:
        await interaction.response.send_message(
            embeds=embeds,
            ephemeral=not public,
            allowed_mentions=discord.AllowedMentions.none(),
            **({"view": view} if view is not None else {}),
        )

    return constant


class BareClient(discord.Client):
    """Same intents and mention settings; each command answers a constant message: the
    same embeds this bot renders for it, built once at start, so both send the same bytes.
    """

    def __init__(self, dispatcher: Dispatcher) -> None:
        intents = discord.Intents.none()
        intents.guilds = True
        super().__init__(intents=intents, allowed_mentions=discord.AllowedMentions.none())
        self.tree = app_commands.CommandTree(self)
        for command, options in COMMANDS:
            line = f"/{command} " + " ".join(
                str(v) if v is not True else "public" for v in options.values()
            )
            reply = dispatcher.run_line(line)  # sent as the bot sends it: its first page
            payload = render_discord_page(paged_reply(dispatcher, reply), 1)
            embeds = [discord.Embed.from_dict(e) for e in payload["embeds"]]
            components = payload.get("components")
            view = PageView(components) if components else None
            self.tree.add_command(
                app_commands.Command(
                    name=command, description="constant", callback=_constant(embeds, view)
                )
            )

    async def setup_hook(self) -> None:
        await self.tree.sync()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--interactions", type=int, default=1200)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    print(f"machine: {machine()}")
    # One fake for both bots: discord.py keeps its REST base in a process-wide attribute.
    tokens = {"ours": "token-ours", "bare": "token-bare"}
    fake = await FakeDiscord(*tokens.values()).start()
    runners = {}
    for name, token in tokens.items():
        fake.identified.clear()
        settings = Settings(
            database_url=scratch_database_url(),
            _env_file=None,
            discord_token=SecretStr(token),
            discord_api_url=fake.api_url,
            user_rate_per_minute=0,  # one benchmark user sends thousands of commands: no limit
        )
        dispatcher = build_dispatcher(settings)
        client = BareClient(dispatcher) if name == "bare" else None
        runners[name] = DiscordRunner(settings, dispatcher, client=client)
        await runners[name].start()
        await asyncio.wait_for(fake.identified.wait(), 10)
    samples: dict[str, list[float]] = {"ours": [], "bare": []}
    try:
        for i in range(args.interactions + 100):
            command, options = COMMANDS[i % len(COMMANDS)]
            for name in ("bare", "ours") if i % 2 else ("ours", "bare"):
                started = time.perf_counter()
                await fake.interact(command, options, token=tokens[name])
                if i >= 100:  # warm-up
                    samples[name].append((time.perf_counter() - started) * 1000)
        stats = {name: percentiles(s) for name, s in samples.items()}
        for name, s in stats.items():
            print(
                f"{name}: {len(samples[name])} interactions: p50={s['p50']:.2f}ms "
                f"p99={s['p99']:.2f}ms max={s['max']:.2f}ms"
            )
        print(
            f"ratio ours/bare: p50 {stats['ours']['p50'] / stats['bare']['p50']:.3f}x (target <= "
            f"1.15), "
            f"p99 {stats['ours']['p99'] / stats['bare']['p99']:.3f}x"
        )
    finally:
        for runner in runners.values():
            await runner.stop()
        await fake.stop()


if __name__ == "__main__":
    asyncio.run(main())
