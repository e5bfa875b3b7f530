"""Errors a platform raises when it cannot start; the message is shown to the operator as is."""

import errno


class StartError(Exception):
    """A platform could not start for a reason the operator can fix (named in the message)."""

    @classmethod
    def from_bind(cls, error: OSError, host: str, port: int, prefix: str = "") -> "StartError":
        """The one line for a failed bind: the variable to change, and why (never a traceback)."""
        return cls(bind_problem(error, host, port, prefix))


def bind_problem(error: OSError, host: str, port: int, prefix: str = "") -> str:
    """Map a bind/listen OSError to "Invalid setting HOST|PORT: ..." (start-up check and run
    time); ``prefix`` "OPS_" names the operator listener's OPS_HOST and OPS_PORT instead.
    """
    host_var, port_var = f"{prefix}HOST", f"{prefix}PORT"
    if error.errno == errno.EADDRINUSE:
        return (
            f"Invalid setting {port_var}: port {port} is already in use on {host}; stop what "
            f"holds it or choose another {port_var} (0 picks a free one)"
        )
    if error.errno in (errno.EACCES, errno.EPERM):
        return (
            f"Invalid setting {port_var}: not allowed to listen on port {port} "
            f"(ports below 1024 need privileges); choose a {port_var} of 1024 or more"
        )
    if error.errno == errno.EADDRNOTAVAIL:
        return (
            f"Invalid setting {host_var}: {host} is not an address of this machine; use "
            "0.0.0.0 or one of its addresses"
        )
    return f"Invalid setting {host_var}: cannot listen on {host}:{port} ({error.strerror or error})"
