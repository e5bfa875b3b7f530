"""Errors a platform raises when it cannot start; the message is shown to the operator as is."""


class StartError(Exception):
    """A platform could not start for a reason the operator can fix (named in the message)."""
