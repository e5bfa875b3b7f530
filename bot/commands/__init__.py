"""Command handlers. Each returns a neutral Reply and knows nothing of chat platforms."""

from bot.commands.catalog import TOPIC_COMMANDS, build_registry

__all__ = ["TOPIC_COMMANDS", "build_registry"]
