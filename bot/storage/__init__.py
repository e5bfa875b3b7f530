"""Storage behind one async contract (``base.RecapStore``): SQLite by default, PostgreSQL to share.

``connect.open_store(url)`` picks the backend from ``DATABASE_URL`` (``sqlite:///path`` or
``postgresql://user@host/db``), connects and migrates. Nothing touches the disk or the network
before it is called, so commands that need no database create no file. Backends live in
``sqlite.py`` and ``postgres.py`` and share the versioned migrations in ``migrations/``;
``urls.py`` checks and masks URLs. Import from those modules: this one re-exports nothing.
"""
