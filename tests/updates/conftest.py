"""The storage suite's fixtures (a fresh store on SQLite and on PostgreSQL), for history."""

from tests.storage.conftest import fresh_postgres, postgres_url, store, store_url

__all__ = ["fresh_postgres", "postgres_url", "store", "store_url"]
