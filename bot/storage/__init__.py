"""Storage behind one async contract (``base.RecapStore``): SQLite by default, PostgreSQL to share.

``open_store(url)`` picks the backend from ``DATABASE_URL``: ``sqlite:///path`` or
``postgresql://user@host/db``. Backends live in ``sqlite.py`` and ``postgres.py`` and share
the versioned migrations in ``migrations/``.
"""
