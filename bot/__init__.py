"""Case brief bot: verified, source-cited summaries of the IRS-ICE taxpayer-data case.

Layers, inner to outer: ``content`` (sources, summaries, verification) -> ``core``
(neutral replies, command registry) -> ``commands`` (handlers) -> ``renderers``
(text, JSON, Slack, Discord) -> ``platforms`` (console, Slack, Discord) and ``recaps``.
Inner layers never import outer ones.
"""
