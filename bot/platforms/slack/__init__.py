"""Slack: a slack-bolt AsyncApp serving every registered command, over Socket Mode or HTTP."""
