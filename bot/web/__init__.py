"""The brief on the web: the same replies as chat, each citation one click from its passage.

``server.add_web_routes(app, dispatcher)`` mounts the pages on an aiohttp application;
``site.export_site(dispatcher, folder)`` writes them as static files. This module re-exports
nothing, so importing ``bot.web.links`` (as the wiring does) loads neither aiohttp nor Jinja2.
"""
