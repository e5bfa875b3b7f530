"""Errors a platform raises when it cannot start; the message is shown to the operator as is."""

import errno


class StartError(Exception):
    """A platform could not start for a reason the operator can fix (named in the message)."""

    @classmethod
    def from_bind(cls, error: OSError, host: str, port: int) -> "StartError":
        """The one line for a failed bind: the variable to change, and why (never a traceback)."""
        return cls(bind_problem(error, host, port))


def bind_problem(error: OSError, host: str, port: int) -> str:
    """Map a bind/listen OSError to "Invalid setting HOST|PORT: ..." (start-up check and run
    time).
    """
    if error.errno == errno.EADDRINUSE:
        return (
            f"Invalid setting PORT: port {port} is already in use on {host}; stop what holds it "
            "or choose another PORT (0 picks a free one)"
        )
    if error.errno in (errno.EACCES, errno.EPERM):
        return (
            f"Invalid setting PORT: not allowed to listen on port {port} "
            "(ports below 1024 need privileges); choose a PORT of 1024 or more"
        )
    if error.errno == errno.EADDRNOTAVAIL:
        return (
            f"Invalid setting HOST: {host} is not an address of this machine; use 0.0.0.0 or one "
            f"of its addresses"
        )
    return f"Invalid setting HOST: cannot listen on {host}:{port} ({error.strerror or error})"
