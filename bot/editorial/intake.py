"""``source add``: bring a report into ``seeds/`` and draft its ``.toml``.

Plain text is copied byte for byte; an HTML page is reduced to its article text by
trafilatura and that text is what is stored (and what quotes are checked against). The
drafted metadata holds only what the text states (outlet, byline, dateline, date), each
with the words it rests on; anything the text does not state is left out and listed.
"""

import contextlib
import errno
import hashlib
import json
import os
import re
import stat
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bot.content.dates import MONTH_PATTERN, format_day, parse_day
from bot.content.sources import ParagraphKind, SourceMeta, classify_paragraph

# A report, an HTML page with its markup included; a 50 MB page took minutes and gigabytes.
MAX_REPORT_BYTES = 8_000_000
MAX_ID_CHARS = 100  # it names two files, and every citation of the report
# Existing files are named NNN_<16 hex>: a running number and a fingerprint of the bytes.
_SEED_NAME = re.compile(r"^(?P<number>\d{3,})_[0-9a-f]{16}$")
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_HTML_START = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE | re.DOTALL
)

# What a report may state about itself, in the words reports use.
_ISO_DATELINE = re.compile(r"^\s*date (?P<iso>\d{4}-\d{2}-\d{2})\b")
_PUBLISHED = re.compile(
    rf"\b(?:published|posted|updated)(?: on)?:?\s+(?P<date>{MONTH_PATTERN}\.? \d{{1,2}},? \d{{4}})",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"\b(?:Authored by|By) (?P<name>[A-Z][\w.'-]+(?: [A-Z][\w.'-]+){1,3})")
_VIA = re.compile(r"\bvia (?P<outlet>(?:The )?[A-Z][\w&.'-]*(?: [A-Z][\w&.'-]*){0,4})")
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'-]+(?:[ ,]+[A-Z][A-Z.'-]+){0,3})(?: \((?P<agency>[A-Za-z][\w "
    r"]{0,20})\))? [—–-]{1,2} "
)


class IntakeError(Exception):
    """The report cannot be added; the message says why and what to do."""


class MissingExtra(IntakeError):
    """The install lacks the optional part this report needs; the message says what to install."""


@dataclass(frozen=True, slots=True)
class Stated:
    field: str
    value: str
    quote: str


@dataclass
class Draft:
    """What ``source add`` wrote, and what it left out."""

    id: str
    text_file: Path
    meta_file: Path
    from_html: bool
    stated: list[Stated] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)


def add_source(file: Path, seeds_dir: Path, source_id: str | None = None) -> Draft:
    """Store ``file`` in ``seeds_dir`` as ID.txt with a drafted ID.toml; never overwrite.

    Both files are written under temporary names and then linked into place, so a failure
    (a full disk, say) leaves neither, never a report without its .toml.
    """
    try:
        return _add_source(file, seeds_dir, source_id)
    except IntakeError:
        raise
    except OSError as error:  # anything the steps below did not foresee: still one line
        msg = f"{error.filename or seeds_dir}: {error.strerror or error}; nothing was added"
        raise IntakeError(msg) from None


def read_report(file: Path, limit: int = MAX_REPORT_BYTES) -> bytes:
    """The report's bytes: a regular file only (never a symbolic link, a device or a pipe,
    which could bring any file of this machine into the sources, or hang), at most ``limit``.
    """
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(file, flags)  # O_NOFOLLOW: a link fails here (ELOOP)
    except OSError as error:
        if error.errno == errno.ELOOP or file.is_symlink():
            msg = f"{file} is a symbolic link; give the report file itself (nothing was written)"
            raise IntakeError(msg) from None
        msg = f"cannot read {file}: {error.strerror}"
        raise IntakeError(msg) from None
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            what = "a folder" if stat.S_ISDIR(info.st_mode) else "a device, pipe or socket"
            msg = f"{file} is not a regular file ({what}); save the report to a file first"
            raise IntakeError(msg)
        data = handle.read(limit + 1)
    if info.st_size > limit or len(data) > limit:
        msg = (
            f"{file} is {max(info.st_size, len(data)) / 1e6:.1f} MB, over the "
            f"{limit / 1e6:g} MB limit for a report; save the article alone (its text, or "
            "the page without what it embeds), then add that"
        )
        raise IntakeError(msg)
    return data


def _add_source(file: Path, seeds_dir: Path, source_id: str | None) -> Draft:
    raw = read_report(file)
    from_html = is_html(file, raw)
    data = article_text(raw).encode("utf-8") if from_html else raw
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        msg = f"{file} is not UTF-8 text (byte {error.start}); convert it first"
        raise IntakeError(msg) from None
    if "\x00" in text:  # valid UTF-8, but the content loader refuses it: the bot would not start
        line = text.count("\n", 0, text.index("\x00")) + 1
        msg = f"{file} is binary data, not text (a NUL byte on line {line}); save it as UTF-8 text"
        raise IntakeError(msg)
    if not text.strip():
        msg = f"{file}: no text to add"
        raise IntakeError(msg)
    if source_id is not None and len(source_id) > MAX_ID_CHARS:
        msg = (
            f"--id is {len(source_id)} characters long; give at most {MAX_ID_CHARS} "
            "(it names the files and every citation)"
        )
        raise IntakeError(msg)
    if source_id is not None and not _ID.match(source_id):
        msg = f"--id {source_id!r}: use lower case letters, digits, '.', '_' and '-'"
        raise IntakeError(msg)
    try:
        seeds_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        msg = f"cannot create {seeds_dir}: {error.strerror}"
        raise IntakeError(msg) from None
    _refuse_duplicate(seeds_dir, data)
    source_id = source_id or default_id(seeds_dir, data)
    text_file, meta_file = seeds_dir / f"{source_id}.txt", seeds_dir / f"{source_id}.toml"
    for existing in (text_file, meta_file):
        if existing.exists():
            msg = f"{existing} already exists; choose another --id (nothing was written)"
            raise IntakeError(msg)
    if source_id in _ids_in_use(seeds_dir):
        msg = f"source id {source_id!r} is already used in {seeds_dir}; choose another --id"
        raise IntakeError(msg)
    draft = Draft(source_id, text_file, meta_file, from_html)
    draft.stated = state_fields(text)
    named = {s.field for s in draft.stated}
    draft.left_out = [
        name for name in ("outlet", "byline", "dateline", "published", "url") if name not in named
    ]
    toml = render_toml(draft, file.name)
    SourceMeta.model_validate(_toml_values(draft))  # the draft must load as written
    _write_both(seeds_dir, [(text_file, data), (meta_file, toml.encode("utf-8"))])
    return draft


def _write_both(folder: Path, files: list[tuple[Path, bytes]]) -> None:
    """Every file of ``files`` or none: each is written in full (and synced) under a
    temporary name first, then linked to its name (which fails, rather than overwrite, if
    that name appeared meanwhile).
    """
    written: list[tuple[Path, Path]] = []
    placed: list[Path] = []
    try:
        for final, content in files:
            with tempfile.NamedTemporaryFile(
                dir=folder, prefix=f".{final.name}.", suffix=".partial", delete=False
            ) as out:
                written.append((Path(out.name), final))
                out.write(content)
                out.flush()
                os.fsync(out.fileno())
        for temporary, final in written:
            _place(temporary, final)
            placed.append(final)
        _sync_folder(folder)
    except FileExistsError as error:
        _undo(placed)
        msg = f"{error.filename} appeared while writing; nothing was added"
        raise IntakeError(msg) from None
    except OSError as error:
        _undo(placed)
        msg = f"cannot write the report into {folder}: {error.strerror or error}; nothing was added"
        raise IntakeError(msg) from None
    finally:
        for temporary, _ in written:
            with contextlib.suppress(OSError):
                temporary.unlink()


def _place(temporary: Path, final: Path) -> None:
    """``final`` becomes the file written as ``temporary``, atomically, never overwriting."""
    try:
        os.link(temporary, final)
    except FileExistsError:
        raise
    except OSError as error:  # a file system without hard links: rename, after a last look
        if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        if final.exists():
            raise FileExistsError(errno.EEXIST, "exists", str(final)) from None
        temporary.rename(final)


def _undo(placed: list[Path]) -> None:
    for final in placed:
        with contextlib.suppress(OSError):
            final.unlink()


def _sync_folder(folder: Path) -> None:
    """The new names themselves survive a crash once the folder is synced (POSIX)."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def is_html(file: Path, raw: bytes) -> bool:
    return file.suffix.lower() in {".html", ".htm", ".xhtml"} or bool(_HTML_START.match(raw[:2048]))


def article_text(raw: bytes) -> str:
    """The article's paragraphs, one per line, without navigation, ads or scripts."""
    # Imported here: only HTML intake needs it (the editorial extra), and it is slow to import.
    try:
        import trafilatura  # noqa: PLC0415
    except ImportError:
        msg = (
            "an HTML page needs trafilatura, which is not installed: "
            "pip install -e '.[editorial]' (or save the article as plain text)"
        )
        raise MissingExtra(msg) from None

    text = trafilatura.extract(
        raw, include_comments=False, include_tables=False, favor_precision=True
    )
    if not text or not text.strip():
        msg = "no article text found in the HTML page; save the article as plain text instead"
        raise IntakeError(msg)
    return "\n".join(line.strip() for line in text.splitlines() if line.strip()) + "\n"


def default_id(seeds_dir: Path, data: bytes) -> str:
    """The next running number and the first 16 hex digits of the bytes' SHA-256."""
    numbers = [int(m["number"]) for f in seeds_dir.glob("*.txt") if (m := _SEED_NAME.match(f.stem))]
    number = max(numbers, default=-1) + 1
    return f"{number:03d}_{hashlib.sha256(data).hexdigest()[:16]}"


def state_fields(text: str) -> list[Stated]:
    """Outlet, byline, dateline and date, each only where the text states it."""
    found: dict[str, Stated] = {}
    paragraphs = [line.strip() for line in text.splitlines() if line.strip()]
    for paragraph in paragraphs:
        kind = classify_paragraph(paragraph)
        if kind in (ParagraphKind.METADATA, ParagraphKind.BYLINE) or paragraph is paragraphs[0]:
            _metadata_fields(paragraph, found)
        if "dateline" not in found and (m := _DATELINE.match(paragraph)):
            found["dateline"] = Stated("dateline", m["place"], m.group(0).strip())
            if m["agency"] and "outlet" not in found:
                found["outlet"] = Stated("outlet", m["agency"], m.group(0).strip())
    order = ("outlet", "byline", "dateline", "published")
    return [found[name] for name in order if name in found]


def _metadata_fields(paragraph: str, found: dict[str, Stated]) -> None:
    if "published" not in found:
        if m := _ISO_DATELINE.match(paragraph):
            found["published"] = Stated("published", m["iso"], m.group(0).strip())
        elif m := _PUBLISHED.search(paragraph):
            parsed = parse_day(m["date"])
            if parsed is not None:
                found["published"] = Stated("published", parsed.isoformat(), m.group(0))
    if "byline" not in found and (m := _BYLINE.search(paragraph)):
        found["byline"] = Stated("byline", m["name"], m.group(0))
    if "outlet" not in found and (m := _VIA.search(paragraph)):
        found["outlet"] = Stated("outlet", m["outlet"].rstrip(".,"), m.group(0).rstrip(".,"))


def label_for(stated: list[Stated]) -> str:
    """How citations name the source, from the stated fields only."""
    by = {s.field: s.value for s in stated}
    when = date.fromisoformat(by["published"]) if "published" in by else None
    day = format_day(when) if when else None
    if "outlet" in by:
        name = by["outlet"] + (f" ({by['byline']})" if "byline" in by else "")
    else:
        place = f"{by['dateline']} " if "dateline" in by else ""
        writer = f" by {by['byline']}" if "byline" in by else ""
        name = f"{'' if day else 'Undated '}{place}report{writer} (outlet not stated)"
    return f"{name}, {day}" if day else name


def _toml_values(draft: Draft) -> dict[str, str]:
    values = {"id": draft.id, "label": label_for(draft.stated)}
    for s in draft.stated:
        values[s.field] = s.value
        values[f"{s.field}_quote"] = s.quote
    return values


def render_toml(draft: Draft, original_name: str) -> str:
    how = "article text extracted from the HTML page" if draft.from_html else "copied byte for byte"
    lines = [
        f"# Metadata for {draft.text_file.name} ({how}; from {original_name}).",
        "# Drafted by `python -m bot source add`: only what the text states, each field with the",
        "# words it rests on. Check it, then run `python -m bot check`.",
        f"id = {_toml_string(draft.id)}",
        f"label = {_toml_string(label_for(draft.stated))}",
    ]
    for s in draft.stated:
        value = s.value if s.field == "published" else _toml_string(s.value)  # dates are TOML dates
        lines += ["", f"{s.field} = {value}", f"{s.field}_quote = {_toml_string(s.quote)}"]
    lines.append("")
    lines += [f"# {name}: not stated in the text." for name in draft.left_out]
    if "published" in draft.left_out:
        lines.append(
            "# If the text pins an earliest date, add not_before, not_before_basis and "
            "not_before_quote."
        )
    return "\n".join(lines) + "\n"


def _toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def _ids_in_use(seeds_dir: Path) -> set[str]:
    ids = set()
    for meta in seeds_dir.glob("*.toml"):
        m = re.search(
            r'^\s*id\s*=\s*"(?P<id>[^"]*)"',
            meta.read_text(encoding="utf-8", errors="replace"),
            re.MULTILINE,
        )
        if m:
            ids.add(m["id"])
    return ids


def _refuse_duplicate(seeds_dir: Path, data: bytes) -> None:
    digest = hashlib.sha256(data).digest()
    for existing in sorted(seeds_dir.glob("*.txt")):
        if hashlib.sha256(existing.read_bytes()).digest() == digest:
            msg = f"this report is already in {seeds_dir} as {existing.name}; nothing was written"
            raise IntakeError(msg)
