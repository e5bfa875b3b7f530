"""Surfaces that talk to people: the terminal console, Slack and Discord."""
