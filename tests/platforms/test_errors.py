"""A bind that fails at run time becomes the same one line as the start-up check."""

import errno
import socket

from bot.platforms.errors import StartError, bind_problem


def test_a_port_taken_between_check_and_bind_is_one_line_naming_port() -> None:
    with socket.socket() as held, socket.socket() as late:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        try:
            late.bind(("127.0.0.1", port))
        except OSError as error:
            message = str(StartError.from_bind(error, "127.0.0.1", port))
    assert message.startswith(f"Invalid setting PORT: port {port} is already in use")
    assert "\n" not in message


def test_other_bind_errors_name_host_or_port() -> None:
    assert bind_problem(OSError(errno.EADDRNOTAVAIL, "x"), "10.1.1.1", 80).startswith(
        "Invalid setting HOST"
    )
    assert bind_problem(OSError(errno.EACCES, "x"), "0.0.0.0", 80).startswith(
        "Invalid setting PORT"
    )
    assert bind_problem(OSError(errno.EINVAL, "Invalid argument"), "::1", 1).startswith(
        "Invalid setting HOST"
    )
