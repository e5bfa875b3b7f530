"""Reading a content file as text, or saying exactly why it cannot be read.

Editors save files with many tools; a file that is binary, not UTF-8 or unreadable is a
content problem like any other (file, line, what is wrong), never an exception.
"""

from pathlib import Path

from bot.content.problems import Problem


def _line_and_column(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, offset - line_start + 1


def read_text(file: Path) -> str | Problem:
    """The file's text (UTF-8), or a Problem naming the file, the line and what is wrong."""
    try:
        data = file.read_bytes()
    except OSError as error:
        return Problem(file, None, f"cannot be read: {error.strerror or error}")
    if b"\x00" in data:
        line, _ = _line_and_column(data, data.index(b"\x00"))
        return Problem(file, line, "binary data, not text (a NUL byte); save it as UTF-8 text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _line_and_column(data, error.start)
        byte = data[error.start]
        return Problem(
            file,
            line,
            f"not valid UTF-8 (byte 0x{byte:02x} at column {column}: {error.reason}); "
            "save it as UTF-8 text",
        )
