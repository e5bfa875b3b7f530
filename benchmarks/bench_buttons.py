"""Page buttons: a press answered end to end against the fakes, against a slash command
answered the same way, in the same run.

Discord: the real discord.py client on FakeDiscord's gateway; a slash command until its
callback (type 4, the reply) reaches the fake, against a press on that reply's "Next" until
its callback (type 7, the page) does. Slack: the real Bolt app over Socket Mode; a slash
command until its ack (carrying the reply) reaches the fake, against a press until the page
reaches the press's response URL (a press is acked first, then answered there: Slack takes
no page in a block_actions ack). The same topics, interleaved. Target: press p50 within
1.1x of the command's. Also shown, not a target: when a Slack press's page reached its
response URL (Bolt sends every ack on a 10 ms poll, so the page lands before the ack).

Usage: python benchmarks/bench_buttons.py [--rounds 400]
"""

import argparse
import asyncio
import logging
import sys
import time
from pathlib import Path
from typing import Any

import discord
from discord import app_commands
from pydantic import SecretStr

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import machine, percentiles, scratch_database_url
from bot.app import build_dispatcher
from bot.core.dispatch import Dispatcher
from bot.platforms.discord.pages import page_message
from bot.platforms.discord.runner import DiscordRunner
from bot.platforms.presses import paged_reply
from bot.platforms.slack.runner import SlackRunner
from bot.settings import Settings
from tests.fakes.discord import FakeDiscord, custom_id_of
from tests.fakes.slack import FakeSlack, button_of

TOPICS = ("ruling", "numbers", "status", "who", "sources")
WARM_UP = 50
NEXT = "Next \u203a"


def report(name: str, samples: dict[str, list[float]]) -> float:
    command, press = percentiles(samples["command"]), percentiles(samples["press"])
    ratio = press["p50"] / command["p50"]
    print(
        f"{name}: command p50 {command['p50']:.2f} ms p99 {command['p99']:.2f} ms | "
        f"press p50 {press['p50']:.2f} ms p99 {press['p99']:.2f} ms | "
        f"press/command p50 {ratio:.2f}x ({len(samples['press'])} each)"
    )
    return ratio


class BarePager(discord.Client):
    """A bare discord.py bot sending the same bytes: each topic's page 1 to the command and
    page 2 to any press (an UPDATE_MESSAGE), built once at start. Its press/command ratio is
    what Discord's protocol itself costs (a press carries the whole pressed message).
    """

    def __init__(self, dispatcher: Dispatcher) -> None:
        intents = discord.Intents.none()
        intents.guilds = True
        super().__init__(intents=intents, allowed_mentions=discord.AllowedMentions.none())
        self.tree = app_commands.CommandTree(self)
        self.second: dict[str, Any] = {}
        for topic in TOPICS:
            paged = paged_reply(dispatcher, dispatcher.run_line(f"/{topic}"))
            first, second = page_message(paged, 1), page_message(paged, 2)
            self.second[topic] = second
            self.tree.add_command(
                app_commands.Command(name=topic, description="constant", callback=_send(first))
            )

    async def setup_hook(self) -> None:
        await self.tree.sync()

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type is discord.InteractionType.component:
            embeds, view = self.second[str(interaction.data.get("custom_id", "")).split(":")[1]]  # type: ignore[union-attr]
            await interaction.response.edit_message(embeds=embeds, view=view)


def _send(message: Any) -> Any:
    embeds, view = message

    async def constant(interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            embeds=embeds,
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
            view=view,
        )

    return constant


async def discord_rounds(rounds: int) -> dict[str, dict[str, list[float]]]:
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
            user_rate_per_minute=0,  # one benchmark user presses thousands of times
        )
        dispatcher = build_dispatcher(settings)
        client = BarePager(dispatcher) if name == "bare" else None
        runners[name] = DiscordRunner(settings, dispatcher, client=client)
        await runners[name].start()
        await asyncio.wait_for(fake.identified.wait(), 10)
    samples: dict[str, dict[str, list[float]]] = {
        name: {"command": [], "press": []} for name in tokens
    }
    try:
        for i in range(rounds + WARM_UP):
            topic = TOPICS[i % len(TOPICS)]
            for name in ("bare", "ours") if i % 2 else ("ours", "bare"):
                started = time.perf_counter()
                await fake.interact(topic, token=tokens[name])
                command = (time.perf_counter() - started) * 1000
                message: dict[str, Any] = list(fake.interaction_messages.values())[-1]
                started = time.perf_counter()
                callback = await fake.press(
                    message, custom_id_of(message, NEXT), token=tokens[name]
                )
                press = (time.perf_counter() - started) * 1000
                assert callback["type"] == 7
                if i >= WARM_UP:
                    samples[name]["command"].append(command)
                    samples[name]["press"].append(press)
                fake.interaction_messages.clear()
    finally:
        for runner in runners.values():
            await runner.stop()
        await fake.stop()
    return samples


async def slack_rounds(rounds: int) -> dict[str, list[float]]:
    """The command's and the press's times, and (``page``) when the press's page landed."""
    fake = await FakeSlack().start()
    settings = Settings(
        database_url=scratch_database_url(),
        _env_file=None,
        slack_bot_token=SecretStr("xoxb-bench"),
        slack_app_token=SecretStr("xapp-bench"),
        slack_api_url=fake.api_url,
        user_rate_per_minute=0,
    )
    runner = SlackRunner(settings, build_dispatcher(settings))
    await runner.start()
    samples: dict[str, list[float]] = {"command": [], "press": [], "page": []}
    try:
        for i in range(rounds + WARM_UP):
            topic = TOPICS[i % len(TOPICS)]
            started = time.perf_counter()
            reply = (await fake.slash_command(f"/{topic}"))["payload"]
            command = (time.perf_counter() - started) * 1000
            started = time.perf_counter()
            pressed = await fake.press(button_of(reply, NEXT))
            (page,) = await fake.responses_to(pressed)
            press = (time.perf_counter() - started) * 1000
            assert page["replace_original"] is True
            if i >= WARM_UP:
                samples["command"].append(command)
                samples["press"].append(press)
                samples["page"].append((fake.response_times[pressed][0] - started) * 1000)
    finally:
        await runner.stop()
        await fake.stop()
    return samples


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=400)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("bot.commands").setLevel(logging.WARNING)
    print(f"machine: {machine()}")
    both = await discord_rounds(args.rounds)
    report("discord, bare discord.py bot (same bytes)", both["bare"])
    discord = report("discord", both["ours"])
    slack_samples = await slack_rounds(args.rounds)
    slack = report("slack (socket mode)", slack_samples)
    landed = percentiles(slack_samples["page"])
    print(
        f"slack: a press's page reached its response URL p50 {landed['p50']:.2f} ms "
        f"p99 {landed['p99']:.2f} ms after the press (its ack comes on Bolt's poll)"
    )
    target = 1.1
    for name, ratio in (("discord", discord), ("slack", slack)):
        verdict = "within" if ratio <= target else "OVER"
        print(f"{name}: press p50 {verdict} {target}x of the command's")


if __name__ == "__main__":
    asyncio.run(main())
