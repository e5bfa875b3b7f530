"""A fresh store per test, on each backend: SQLite in tmp_path, PostgreSQL in a schema of its own.

PostgreSQL comes from TEST_DATABASE_URL. Unset (and not in CI), its tests are skipped; set, or
with CI=true, an unreachable server fails them: CI must never pass by skipping.
"""

import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from bot.storage.base import RecapStore
from bot.storage.connect import open_store
from bot.storage.urls import url_for_logs

# Read once at import: the autouse fixture that clears the bot's settings runs before each test.
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
STRICT = bool(TEST_DATABASE_URL) or os.environ.get("CI", "").lower() == "true"
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"
SKIP_REASON = (
    "PostgreSQL tests need TEST_DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:5432/test); "
    "none reachable"
)

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The server's URL, or a skip (a failure in CI) when none answers."""
    url = TEST_DATABASE_URL or DEFAULT_URL
    if not STRICT:
        pytest.skip(SKIP_REASON)
    try:
        psycopg.connect(url, connect_timeout=5).close()
        problem = ""
    except psycopg.Error as error:
        problem = str(error).splitlines()[0]
    if problem:
        pytest.fail(
            f"PostgreSQL at {url_for_logs(url)} is unreachable ({problem}); "
            "TEST_DATABASE_URL or CI=true make that a failure, not a skip",
            pytrace=False,
        )
    return url


def with_search_path(url: str, schema: str) -> str:
    """``url`` with libpq's ``options`` putting ``schema`` first on the search path."""
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


@pytest.fixture
def fresh_postgres(postgres_url: str) -> Iterator[Callable[[], str]]:
    """Makes URLs of new, empty schemas; drops them after the test."""
    made: list[str] = []

    def make() -> str:
        schema = f"test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(postgres_url, autocommit=True) as connection:
            connection.execute(f"CREATE SCHEMA {schema}")  # made above, not user text
        made.append(schema)
        return with_search_path(postgres_url, schema)

    yield make
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        for schema in made:
            connection.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL of an empty database on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite3'}"
    make: Callable[[], str] = request.getfixturevalue("fresh_postgres")
    return make()


@pytest.fixture
async def store(store_url: str) -> AsyncIterator[RecapStore]:
    opened = await open_store(store_url)
    yield opened
    await opened.close()
