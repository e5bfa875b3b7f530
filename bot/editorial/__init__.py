"""Editors' tools for new reporting: ``source add`` (intake) and ``review``. No chat libraries."""
