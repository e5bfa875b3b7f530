"""Slack for any workspace: Bolt's OAuth install flow, per-workspace tokens, and uninstalls.

With SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_SIGNING_SECRET and SLACK_TOKEN_ENCRYPTION_KEY
(and no SLACK_BOT_TOKEN) the bot serves ``GET /slack/install`` and ``GET /slack/oauth_redirect``;
each workspace that installs gets its own (rotating) bot token, kept encrypted in the bot's
database. Bolt's authorize step picks the right token for every request and refreshes it
before it expires; ``app_uninstalled`` and ``tokens_revoked`` forget the workspace.
"""

import logging
from collections.abc import Awaitable, Callable
from typing import Any, cast

from aiohttp import web
from cachetools import LRUCache
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.oauth.async_callback_options import (
    AsyncCallbackOptions,
    AsyncFailureArgs,
    AsyncSuccessArgs,
)
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.encryption import parse_keys, split_keys
from bot.platforms.errors import StartError
from bot.platforms.slack.app import build_web_client
from bot.platforms.slack.installation_cache import OutageCache
from bot.platforms.slack.installations import SlackStores, UndecryptableTokens, create_engine
from bot.platforms.slack.manifest import BOT_SCOPES
from bot.platforms.slack.oauth_state import state_key
from bot.settings import Settings

log = logging.getLogger(__name__)

# Refresh a rotating token this long before it expires (Slack's tokens live 12 hours).
TOKEN_ROTATION_MINUTES = 120
REASON_CHARS = 80  # of a failed install's reason in the log
AUTHORIZE_CACHE_SIZE = 10_000  # workspaces whose auth.test answer is remembered
# Called with (team_id, reason) once a workspace's tokens are gone, e.g. to pause its recaps.
WorkspaceRemoved = Callable[[str, str], Awaitable[None]]
# Called with the team_id after a workspace (re)installs, e.g. to resume recaps paused at removal.
WorkspaceInstalled = Callable[[str], Awaitable[None]]


class OutageAuthorize(AsyncInstallationStoreAuthorize):
    """Bolt's authorize; while the database is down, a workspace not remembered from before
    (``OutageCache``) is authorized without a token rather than refused: Slack signed the
    request, and every command can answer in the ack or through the response URL, which need
    none (the admin check, which does, says it could not confirm).
    """

    def __init__(self, *, outage: OutageCache, **options: Any) -> None:  # noqa: ANN401 - Bolt's
        super().__init__(**options)
        self.outage = outage

    async def __call__(
        self,
        *,
        context: AsyncBoltContext,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        actor_enterprise_id: str | None = None,
        actor_team_id: str | None = None,
        actor_user_id: str | None = None,
    ) -> AuthorizeResult | None:
        result = await super().__call__(
            context=context,
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
            actor_enterprise_id=actor_enterprise_id,
            actor_team_id=actor_team_id,
            actor_user_id=actor_user_id,
        )
        if result is None and self.outage.down and team_id:
            return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, user_id=user_id)
        return result


class SlackOAuth:
    """The stores and Bolt settings of OAuth mode, and what it adds to the Bolt app."""

    def __init__(
        self,
        settings: Settings,
        *,
        on_workspace_removed: WorkspaceRemoved | None = None,
        on_workspace_installed: WorkspaceInstalled | None = None,
        engine: AsyncEngine | None = None,
    ) -> None:
        assert settings.slack_client_id
        assert settings.slack_client_secret
        assert settings.slack_token_encryption_key
        self.stores = SlackStores(
            engine or create_engine(settings.database_url),
            client_id=settings.slack_client_id,
            keys=parse_keys(settings.slack_token_encryption_key.get_secret_value()),
            state_key=state_key(settings.slack_client_secret.get_secret_value()),
        )
        self.several_keys = (
            len(split_keys(settings.slack_token_encryption_key.get_secret_value())) > 1
        )
        self.on_workspace_removed = on_workspace_removed
        self.on_workspace_installed = on_workspace_installed
        # No token of its own; carries SLACK_API_URL and the retries to every workspace's calls,
        # including oauth.v2.access (installs and token refreshes).
        self.client = build_web_client(settings)
        self.settings = AsyncOAuthSettings(
            client_id=settings.slack_client_id,
            client_secret=settings.slack_client_secret.get_secret_value(),
            scopes=list(BOT_SCOPES),
            user_scopes=[],
            installation_store=self.stores.installations,
            state_store=self.stores.states,
            install_page_rendering_enabled=False,  # /slack/install redirects straight to Slack
            token_rotation_expiration_minutes=TOKEN_ROTATION_MINUTES,
            callback_options=AsyncCallbackOptions(success=self._installed, failure=self._failed),
            logger=logging.getLogger("slack_bolt.oauth"),
        )

    def app_arguments(self) -> dict[str, Any]:
        """For AsyncApp(...) (build_slack_app's ``app_options``); then ``register`` the app."""
        authorize = OutageAuthorize(
            outage=self.stores.installations,
            logger=logging.getLogger("slack_bolt.authorize"),
            client_id=self.settings.client_id,
            client_secret=self.settings.client_secret,
            installation_store=self.stores.installations,
            token_rotation_expiration_minutes=TOKEN_ROTATION_MINUTES,
            client=self.client,
            # The store is read on every request (so uninstalls and rotations show at once);
            # only auth.test's answer for a token is remembered: one Web API call less per command.
            cache_enabled=True,
        )
        # Bolt annotates this as a dict but only uses `in`, [] and []= on it: an LRU cache keeps
        # rotated tokens from piling up.
        authorize.authorize_result_cache = cast(
            "dict[str, AuthorizeResult]", LRUCache(AUTHORIZE_CACHE_SIZE)
        )
        return {
            "client": self.client,
            "installation_store": self.stores.installations,
            "oauth_settings": self.settings,
            "authorize": authorize,
        }

    def register(self, app: AsyncApp) -> None:
        """Listeners that forget a workspace when it uninstalls the app or revokes its tokens."""
        app.event("app_uninstalled")(self._uninstalled)
        app.event("tokens_revoked")(self._tokens_revoked)

    async def start(self) -> None:
        """Create the tables if needed and prove the key decrypts what is stored."""
        try:
            await self.stores.create_tables()
            await self.stores.verify_key()
            if self.several_keys:  # a key change: move every token to the new key
                log.info(
                    "Slack tokens re-encrypted under the first key: %d rows",
                    await self.stores.reencrypt(),
                )
        except UndecryptableTokens:
            msg = (
                "Invalid setting SLACK_TOKEN_ENCRYPTION_KEY: it does not decrypt the stored "
                "Slack installations (wrong key? keep the old key after the new one while "
                "rotating)"
            )
            raise StartError(msg) from None
        except (
            SQLAlchemyError,
            OSError,
        ) as error:  # the URL may hold a password: name only the kind
            cause = type(getattr(error, "orig", None) or error).__name__
            msg = (
                f"Invalid setting DATABASE_URL: the Slack installations cannot be opened ({cause})"
            )
            raise StartError(msg) from None

    async def close(self) -> None:
        await self.stores.close()

    async def forget(self, team_id: str, enterprise_id: str | None, reason: str) -> None:
        await self.stores.installations.async_delete_all(
            enterprise_id=enterprise_id, team_id=team_id
        )
        log.info("Slack workspace %s removed (%s); its tokens are deleted", team_id, reason)
        if self.on_workspace_removed is not None:
            await self.on_workspace_removed(team_id, reason)

    async def _installed(self, args: AsyncSuccessArgs) -> BoltResponse:
        team_id = args.installation.team_id
        log.info("Slack workspace %s installed the app", team_id)
        if team_id and self.on_workspace_installed is not None:
            await self.on_workspace_installed(team_id)
        return await args.default.success(args)

    async def _failed(self, args: AsyncFailureArgs) -> BoltResponse:
        # The reason may be the redirect's ?error=, anyone's text: quoted (no forged lines) and cut.
        log.warning("a Slack install did not complete: %r", args.reason[:REASON_CHARS])
        return await args.default.failure(args)

    async def _uninstalled(self, context: AsyncBoltContext) -> None:
        if context.team_id:
            await self.forget(context.team_id, context.enterprise_id, "app_uninstalled")

    async def _tokens_revoked(self, event: dict[str, Any], context: AsyncBoltContext) -> None:
        tokens = event.get("tokens") or {}
        if not context.team_id:
            return
        if tokens.get("bot"):  # without its bot token the app can do nothing in that workspace
            await self.forget(context.team_id, context.enterprise_id, "tokens_revoked")
            return
        for user_id in tokens.get("oauth") or []:
            await self.stores.installations.async_delete_installation(
                enterprise_id=context.enterprise_id, team_id=context.team_id, user_id=user_id
            )

    def tokens(self) -> "WorkspaceTokens":
        return WorkspaceTokens(self, self.client)


class WorkspaceTokens:
    """Bot tokens for work outside a Slack request (scheduled recaps), refreshed when due."""

    def __init__(self, oauth: SlackOAuth, client: AsyncWebClient) -> None:
        self.oauth = oauth
        self.client = client  # carries SLACK_API_URL and the retry handlers
        self.rotator = AsyncTokenRotator(
            client_id=oauth.settings.client_id,
            client_secret=oauth.settings.client_secret,
            client=client,
        )

    async def bot_token(self, team_id: str) -> str | None:
        """None when the workspace has not installed the app (or has removed it)."""
        store = self.oauth.stores.encrypted  # the database itself: a failure is a failure
        enterprise_id = await self.oauth.stores.enterprise_of(team_id)
        installation = await store.async_find_installation(
            enterprise_id=enterprise_id, team_id=team_id
        )
        if installation is None or installation.bot_token is None:
            return None
        refreshed = await self.rotator.perform_token_rotation(
            installation=installation, minutes_before_expiration=TOKEN_ROTATION_MINUTES
        )
        if refreshed is None:
            return installation.bot_token
        await store.async_save(refreshed)
        return refreshed.bot_token

    async def client_for(self, team_id: str) -> AsyncWebClient | None:
        """A Web API client with that workspace's token: its 429s and errors are its own."""
        token = await self.bot_token(team_id)
        if token is None:
            return None
        return AsyncWebClient(
            token=token,
            base_url=self.client.base_url,
            timeout=self.client.timeout,
            retry_handlers=list(self.client.retry_handlers),
        )


def add_oauth_routes(web_app: web.Application, app: AsyncApp) -> None:
    """Mount GET /slack/install and GET /slack/oauth_redirect (Bolt's paths) on ``web_app``."""
    flow = app.oauth_flow
    if flow is None:
        msg = "the Bolt app was built without OAuth settings"
        raise ValueError(msg)

    async def install(request: web.Request) -> web.Response:
        return await to_aiohttp_response(
            await flow.handle_installation(await to_bolt_request(request))
        )

    async def redirect(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await flow.handle_callback(await to_bolt_request(request)))

    web_app.router.add_get(flow.install_path, install)
    web_app.router.add_get(flow.redirect_uri_path, redirect)
