"""Case brief bot: verified, source-cited summaries of the IRS-ICE taxpayer-data case.

One layer stack, top to bottom: ``cli``; ``app`` | ``preflight``; ``platforms``; ``settings``
| ``logs``; ``encryption``; ``service`` | ``web``; ``commands`` | ``editorial``; ``recaps``;
``renderers``; ``core``; ``content`` | ``storage``. Each imports only what is below it
(pyproject.toml, ``make layers``; docs/architecture.md).
"""
