"""Discord: a discord.py client whose app_commands tree carries every registered command."""
