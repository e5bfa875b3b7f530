"""DATABASE_URL forms, checked without touching the disk or the network, and shown without
passwords.

- ``sqlite:///relative/path.sqlite3`` or ``sqlite:////absolute/path.sqlite3`` (three slashes,
  then the path), the embedded default: one host, one or several processes.
- ``postgresql://user[:password]@host[:port]/database[?param=value]`` (``postgres://`` too), any
  libpq URI: several instances on several hosts.
"""

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

SQLITE_PREFIX = "sqlite:///"
POSTGRES_SCHEMES = ("postgresql://", "postgres://")
SQLITE_HEADER = b"SQLite format 3\x00"
EXAMPLES = "sqlite:///case-brief.sqlite3 or postgresql://user@host:5432/database"
_LAST_PORT = 65535


@dataclass(frozen=True, slots=True)
class DatabaseUrl:
    kind: Literal["sqlite", "postgresql"]
    url: str
    path: Path | None  # SQLite only

    @property
    def for_logs(self) -> str:
        return url_for_logs(self.url)


class BadUrl(ValueError):
    """A DATABASE_URL that cannot be used; the message is one line without any password."""


def parse(url: str) -> DatabaseUrl:
    """Which backend and where; raises BadUrl for a malformed URL (touches nothing)."""
    if url.startswith(SQLITE_PREFIX):
        text = url.removeprefix(SQLITE_PREFIX)
        if not text:
            msg = f"{url!r} names no file; use e.g. sqlite:///case-brief.sqlite3"
            raise BadUrl(msg)
        if "?" in text or "#" in text:
            msg = f"{url!r}: a SQLite URL takes no ?parameters or #fragment, only a file path"
            raise BadUrl(msg)
        if text == ":memory:":
            msg = (
                f"{url!r}: an in-memory database would lose every subscription at exit; give a "
                f"file "
                "path such as sqlite:///case-brief.sqlite3"
            )
            raise BadUrl(msg)
        if text.endswith("/"):
            msg = f"{url!r} names a directory; give a file path such as {url}case-brief.sqlite3"
            raise BadUrl(msg)
        return DatabaseUrl("sqlite", url, Path(text))
    if url.startswith(POSTGRES_SCHEMES):
        try:
            # libpq's own parser, from the postgres extra: imported only for a PostgreSQL URL.
            from psycopg.conninfo import conninfo_to_dict  # noqa: PLC0415
        except ImportError:
            msg = (
                "PostgreSQL needs psycopg, which is not installed: pip install -e '.[postgres]' "
                "(or use a sqlite:/// URL)"
            )
            raise BadUrl(msg) from None
        try:
            params = conninfo_to_dict(url)
        except Exception:  # noqa: BLE001 - whatever libpq's parser refuses is a bad URL
            msg = (
                f"{url_for_logs(url)} is not a valid PostgreSQL URL; use e.g. "
                "postgresql://user@host:5432/database"
            )
            raise BadUrl(msg) from None
        ports = str(params.get("port") or "5432").split(",")  # libpq takes host1:port1,host2:port2
        if not all(p.isdigit() and 0 < int(p) <= _LAST_PORT for p in ports):
            msg = (
                f"{url_for_logs(url)} is not a valid PostgreSQL URL: the port must be a number "
                "from 1 to 65535"
            )
            raise BadUrl(msg)
        return DatabaseUrl("postgresql", url, None)
    if url.startswith("sqlite:"):
        msg = (
            f"{url_for_logs(url)}: a SQLite URL starts with three slashes, then the path: "
            "sqlite:///relative.sqlite3 or sqlite:////absolute/path.sqlite3"
        )
        raise BadUrl(msg)
    msg = f"{url_for_logs(url)!r} is not a database URL; use {EXAMPLES}"
    raise BadUrl(msg)


def check_database_url(url: str) -> str | None:
    """None if ``url`` looks usable, else one line saying what is wrong (for settings validation).

    Pure: parses the URL and, for SQLite, looks at the file system without creating anything.
    A PostgreSQL server is not contacted (``open_store`` reports an unreachable one).
    """
    try:
        parsed = parse(url)
    except BadUrl as problem:
        return str(problem)
    if parsed.path is not None:
        return sqlite_path_problem(parsed.path)
    return None


def sqlite_path_problem(path: Path) -> str | None:
    """Why a SQLite file could not be opened or created at ``path``, or None."""
    try:
        if path.exists():
            if path.is_dir():
                return (
                    f"{path} is a directory; give a file path such as {path / 'case-brief.sqlite3'}"
                )
            if not path.is_file():
                return f"{path} is not a regular file"
            if not os.access(path, os.R_OK | os.W_OK):
                return f"{path} is read-only for this user; allow writing it or choose another path"
            directory = path.parent
            if not os.access(directory, os.W_OK | os.X_OK):
                return (
                    f"{directory} (the database's directory) is not writable; SQLite writes its "
                    f"-wal and "
                    "-shm files beside the database"
                )
            with path.open("rb") as file:
                header = file.read(len(SQLITE_HEADER))
            if header and header != SQLITE_HEADER:
                return f"{path} is not a SQLite database; move it away or choose another path"
            return None
        ancestor = path.parent
        while not ancestor.exists() and ancestor != ancestor.parent:
            ancestor = ancestor.parent
        if not ancestor.is_dir():
            return f"cannot create {path}: {ancestor} is a file, not a directory"
        if not os.access(ancestor, os.W_OK | os.X_OK):
            return f"cannot create {path}: {ancestor} is not writable for this user"
        return None
    except OSError as error:
        return f"cannot reach {path}: {error.strerror or error}"


def url_for_logs(url: str) -> str:
    """``url`` with any password (in the user part or a ``password=`` parameter) replaced by
    ``***``.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return re.sub(r"//[^@/]*@", "//***@", url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        if ":" in userinfo:
            netloc = f"{userinfo.split(':', 1)[0]}:***@{host}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(key == "password" for key, _ in pairs):
            query = urlencode(
                [(k, "***" if k == "password" else v) for k, v in pairs], safe="*", quote_via=quote
            )
    if (netloc, query) == (parts.netloc, parts.query):
        return url  # nothing to hide; urlunsplit would also drop a slash of sqlite:////abs
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def passwords_in(url: str) -> list[str]:
    """Every password ``url`` carries, raw and decoded, so they can be scrubbed from any text."""
    found: list[str] = []
    try:
        parts = urlsplit(url)
    except ValueError:
        return found
    if "@" in parts.netloc:
        userinfo = parts.netloc.rsplit("@", 1)[0]
        if ":" in userinfo:
            found.append(userinfo.split(":", 1)[1])
    found += [
        value for key, value in parse_qsl(parts.query, keep_blank_values=True) if key == "password"
    ]
    return [p for secret in found if secret for p in {secret, unquote(secret)}]


def scrub(text: str, url: str) -> str:
    """``text`` (e.g. a driver's message) with ``url``'s passwords blanked out."""
    for secret in sorted(passwords_in(url), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text
