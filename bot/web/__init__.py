"""The brief on the web: the same replies as chat, each citation one click from its passage.

``add_web_routes(app, dispatcher)`` mounts the pages on an aiohttp application;
``export_site(dispatcher, folder)`` writes them as static files.
"""

from bot.web.server import add_web_routes, build_web_app
from bot.web.site import export_site

__all__ = ["add_web_routes", "build_web_app", "export_site"]
