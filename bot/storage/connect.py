"""``open_store(url)``: the backend ``DATABASE_URL`` names, connected and migrated.

Each backend is imported only when its URL is opened, so a SQLite bot never loads psycopg.
"""

from bot.storage.base import RecapStore, StorageError
from bot.storage.urls import BadUrl, parse, sqlite_path_problem


def not_created_yet(url: str) -> bool:
    """Whether ``url`` names a SQLite file that does not exist yet: a command that only reads
    says there is nothing rather than create it. False for PostgreSQL and for a URL that
    opening would refuse (opening says what is wrong).
    """
    try:
        path = parse(url).path
    except BadUrl:
        return False
    return path is not None and not path.exists()


async def open_store(url: str, *, timeout: float = 10.0) -> RecapStore:
    """The store at ``url``, connected and migrated to the latest schema.

    ``timeout`` bounds each wait: for SQLite's write lock, for a PostgreSQL connection or lock.
    Raises StorageError with one line saying what is wrong and what to do (never a password).
    """
    try:
        parsed = parse(url)
    except BadUrl as bad:
        msg = f"DATABASE_URL {bad}"
        raise StorageError(msg) from None
    store: RecapStore
    if parsed.path is not None:
        if problem := sqlite_path_problem(parsed.path):
            msg = f"SQLite database {parsed.for_logs}: {problem}"
            raise StorageError(msg)
        from bot.storage.sqlite import SQLiteStore  # noqa: PLC0415 - the backend in use only

        store = SQLiteStore(parsed.path, url_for_logs=parsed.for_logs, busy_timeout=timeout)
    else:
        from bot.storage.postgres import PostgresStore  # noqa: PLC0415 - needs the postgres extra

        store = await PostgresStore.connect(url, timeout=timeout)
    try:
        await store.migrate()
    except BaseException:
        await store.close()
        raise
    return store
