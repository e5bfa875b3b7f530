"""A Slack app manifest generated from the registry: create the app from it, install, run."""

from typing import Any
from urllib.parse import urlsplit

from bot.core.registry import Registry

APP_NAME = "Case Brief"
DESCRIPTION = "Source-cited, verified facts on the IRS-ICE taxpayer-data ruling."
# Links to the published brief (PUBLIC_URL) are unfurled: reading them needs `links:read`,
# attaching the preview `links:write`; Slack sends `link_shared` for the `unfurl_domains`.
UNFURL_SCOPES = ("links:read", "links:write")
UNFURL_EVENTS = ("link_shared",)
# Slash commands answered through the ack need only `commands`; posting scheduled recaps
# needs `chat:write`; telling workspace admins apart needs `users:read`; checking after a
# crash whether a recap already landed needs the history of the channels it posts to.
BOT_SCOPES = ("commands", "chat:write", "users:read", "channels:history", "groups:history")
# Installed in many workspaces, the app must hear when one of them removes it.
REMOVAL_EVENTS = ("app_uninstalled", "tokens_revoked")
OAUTH_REDIRECT_PATH = "/slack/oauth_redirect"  # Bolt's default, served by bot.platforms.slack.oauth


def build_manifest(
    registry: Registry,
    *,
    request_url: str | None = None,
    oauth: bool = False,
    public_url: str | None = None,
) -> dict[str, Any]:
    """Socket Mode unless ``request_url`` (https://host/slack/events) is given.

    ``oauth``: installable in any workspace (needs ``request_url``): the OAuth redirect URL on the
    same host, the uninstall events, and rotating tokens. ``public_url`` (PUBLIC_URL): links to
    the published brief unfurl (its domain, the ``links:*`` scopes, the ``link_shared`` event).
    Interactivity is always on: page buttons (Previous, Next, Sources) answer presses.
    """
    if oauth and not request_url:
        msg = "installs to many workspaces are served over HTTP: give the URL of /slack/events"
        raise ValueError(msg)
    commands = []
    for command in registry:
        entry: dict[str, Any] = {
            "command": f"/{command.name}",
            "description": command.description[:100],
            "should_escape": False,
        }
        hint = " ".join(filter(None, [command.usage_hint(), "[public]"]))
        entry["usage_hint"] = hint[:100]
        if request_url:
            entry["url"] = request_url
        commands.append(entry)
    manifest: dict[str, Any] = {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {"name": APP_NAME, "description": DESCRIPTION},
        "features": {
            "bot_user": {"display_name": APP_NAME, "always_online": True},
            "slash_commands": commands,
        },
        "oauth_config": {"scopes": {"bot": list(BOT_SCOPES)}},
        "settings": {
            "socket_mode_enabled": request_url is None,
            "org_deploy_enabled": False,
            "token_rotation_enabled": False,
        },
    }
    # Button presses come to the same URL as commands (HTTP mode) or over the socket.
    manifest["settings"]["interactivity"] = (
        {"is_enabled": True, "request_url": request_url} if request_url else {"is_enabled": True}
    )
    events: list[str] = []
    if public_url:
        manifest["features"]["unfurl_domains"] = [urlsplit(public_url).hostname]
        manifest["oauth_config"]["scopes"]["bot"] += list(UNFURL_SCOPES)
        events += UNFURL_EVENTS
    if oauth and request_url:
        events += REMOVAL_EVENTS
    if events:
        subscriptions: dict[str, Any] = {"bot_events": events}
        if request_url:
            subscriptions = {"request_url": request_url, **subscriptions}
        manifest["settings"]["event_subscriptions"] = subscriptions
    if oauth and request_url:
        origin = urlsplit(request_url)
        manifest["oauth_config"]["redirect_urls"] = [
            f"{origin.scheme}://{origin.netloc}{OAUTH_REDIRECT_PATH}"
        ]
        manifest["settings"]["token_rotation_enabled"] = (
            True  # Bolt refreshes each workspace's token
        )
    return manifest
