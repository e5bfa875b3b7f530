"""The platform-neutral reply every command returns and every renderer draws.

Nothing here knows Slack, Discord or terminals. Renderers decide layout and limits.
"""

from dataclasses import asdict, dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from bot.content.dates import format_day
from bot.i18n.locales import DEFAULT
from bot.i18n.translator import translator


class ReplyKind(StrEnum):
    ANSWER = "answer"
    HELP = "help"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Citation:
    number: int
    source_id: str
    source_label: str
    quote: str
    url: str | None = None  # the passage on the web pages, when PUBLIC_URL is set
    # The editors' rendering of the quote in the reply's language (the quote stays verbatim
    # English); shown beside it, labelled as a translation, never verified.
    translation: str | None = None


@dataclass(frozen=True, slots=True)
class Item:
    """One line of a reply. With a ``label`` it is a figure or dated entry (label: text)."""

    text: str
    label: str | None = None
    cites: tuple[int, ...] = ()
    user_text: bool = False  # came from the user: always shown as plain, inert text
    # A claim's id (``{#numbers-42695}``; the English claim's in a translation), and its
    # "! Correction:" line, which ``text`` already shows: the web marks it "Corrected <date>".
    key: str | None = None
    correction: str | None = None


@dataclass(frozen=True, slots=True)
class Section:
    heading: str | None
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class AsOf:
    date: date
    exact: bool = True  # False when it is the earliest date an undated report allows

    def describe(self, lang: str = DEFAULT) -> str:
        """The date in ``lang`` ("Feb. 28, 2026"; "28 de febrero de 2026")."""
        text = format_day(self.date, locale=lang)
        if self.exact:
            return text
        tr = translator(lang)
        return tr("{date} or later (undated report)", date=text)


@dataclass(frozen=True, slots=True)
class Reply:
    title: str
    sections: tuple[Section, ...] = ()
    citations: tuple[Citation, ...] = ()
    as_of: AsOf | None = None
    warnings: tuple[str, ...] = ()
    kind: ReplyKind = ReplyKind.ANSWER
    public: bool = False  # post for everyone in the channel instead of privately
    command: str | None = None
    footer: str | None = None
    private_only: bool = False  # never posted for the channel, even when asked (/recap preview)
    url: str | None = None  # this answer on the web pages, when PUBLIC_URL is set
    # The options it answers, in the command's order (a page button asks for them again).
    args: tuple[tuple[str, str], ...] = ()
    # The language it is written in ("en", "es"): the dispatcher stamps the request's unless
    # the handler set one (``/brief lang es`` answers in the language just chosen).
    locale: str = ""
    # A translation behind its English (edited since): where the English answer is, as a
    # command to type ("/numbers lang:en") or, with PUBLIC_URL, its web address.
    english: str | None = None

    @property
    def lang(self) -> str:
        """The language renderers draw their own labels in."""
        return self.locale or DEFAULT

    @property
    def figures(self) -> tuple[Item, ...]:
        """Labelled items: the key figures or dated entries of the reply."""
        return tuple(item for section in self.sections for item in section.items if item.label)

    @property
    def asked(self) -> str | None:
        """The command as typed, e.g. ``/who Romo`` (None when no command produced it)."""
        if self.command is None:
            return None
        return " ".join([f"/{self.command}", *(value for _, value in self.args)])

    @property
    def claims(self) -> tuple[str, ...]:
        """The keys of the claims it states, in order, once each."""
        keys = (item.key for section in self.sections for item in section.items)
        return tuple(dict.fromkeys(key for key in keys if key))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Reply":
        """The inverse of ``to_dict`` (a recorded post's reply, read back to correct it)."""
        as_of = data.get("as_of")
        return cls(
            title=data["title"],
            sections=tuple(
                Section(
                    section.get("heading"),
                    tuple(
                        Item(
                            item["text"],
                            item.get("label"),
                            tuple(item.get("cites") or ()),
                            bool(item.get("user_text")),
                            item.get("key"),
                            item.get("correction"),
                        )
                        for item in section.get("items") or ()
                    ),
                )
                for section in data.get("sections") or ()
            ),
            citations=tuple(Citation(**citation) for citation in data.get("citations") or ()),
            as_of=(
                AsOf(date.fromisoformat(as_of["date"]), bool(as_of.get("exact", True)))
                if as_of
                else None
            ),
            warnings=tuple(data.get("warnings") or ()),
            kind=ReplyKind(data.get("kind", ReplyKind.ANSWER)),
            public=bool(data.get("public")),
            command=data.get("command"),
            footer=data.get("footer"),
            private_only=bool(data.get("private_only")),
            url=data.get("url"),
            args=tuple((str(k), str(v)) for k, v in data.get("args") or ()),
            locale=data.get("locale") or "",
            english=data.get("english"),
        )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if self.as_of is not None:
            data["as_of"] = {
                "date": self.as_of.date.isoformat(),
                "exact": self.as_of.exact,
                "text": self.as_of.describe(self.lang),
            }
        return data


@dataclass
class ReplyBuilder:
    """Collects items and numbers citations in order of first use."""

    title: str
    sections: list[Section] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    _numbers: dict[tuple[str, str], int] = field(default_factory=dict)

    def cite(
        self, source_id: str, source_label: str, quote: str, translation: str | None = None
    ) -> int:
        key = (source_id, quote)
        if key not in self._numbers:
            self._numbers[key] = len(self.citations) + 1
            self.citations.append(
                Citation(self._numbers[key], source_id, source_label, quote, None, translation)
            )
        return self._numbers[key]

    def section(self, heading: str | None, items: list[Item]) -> None:
        if items:
            self.sections.append(Section(heading, tuple(items)))
