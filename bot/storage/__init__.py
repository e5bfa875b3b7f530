"""Storage behind one async contract (``base.RecapStore``): SQLite by default, PostgreSQL to share.

``open_store(url)`` picks the backend from ``DATABASE_URL`` (``sqlite:///path`` or
``postgresql://user@host/db``), connects and migrates. Nothing touches the disk or the network
before it is called, so commands that need no database create no file. Backends live in
``sqlite.py`` and ``postgres.py`` and share the versioned migrations in ``migrations/``.
"""

from bot.storage.base import Declared, Delivery, RecapStore, StorageError, Subscription
from bot.storage.urls import BadUrl, check_database_url, parse, sqlite_path_problem, url_for_logs

__all__ = [
    "Declared",
    "Delivery",
    "RecapStore",
    "StorageError",
    "Subscription",
    "check_database_url",
    "open_store",
    "url_for_logs",
]


async def open_store(url: str, *, timeout: float = 10.0) -> RecapStore:
    """The store at ``url``, connected and migrated to the latest schema.

    ``timeout`` bounds each wait: for SQLite's write lock, for a PostgreSQL connection or lock.
    Raises StorageError with one line saying what is wrong and what to do (never a password).
    """
    try:
        parsed = parse(url)
    except BadUrl as bad:
        raise StorageError(f"DATABASE_URL {bad}") from None
    store: RecapStore
    if parsed.path is not None:
        if problem := sqlite_path_problem(parsed.path):
            raise StorageError(f"SQLite database {parsed.for_logs}: {problem}")
        from bot.storage.sqlite import SQLiteStore

        store = SQLiteStore(parsed.path, url_for_logs=parsed.for_logs, busy_timeout=timeout)
    else:
        from bot.storage.postgres import PostgresStore

        store = await PostgresStore.connect(url, timeout=timeout)
    try:
        await store.migrate()
    except BaseException:
        await store.close()
        raise
    return store
