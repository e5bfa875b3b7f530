"""Cutting a neutral Reply into pages that each stand on their own, whatever the surface.

Page 1 is the short answer: the reply's first points, at most ``FIRST_PAGE_CHARS`` of body
text. The points that follow go on further pages. Every page carries exactly the citations
its points cite, so each marker's source and quote is listed in the same message. When the
points take more than one page, ``sources`` pages follow them, listing every citation of
the reply in order (the "Sources" button). Together the pages carry every point and every
citation: nothing is dropped. Citations keep the reply's numbers on every page, as on the
web page, so "[12]" means the same quote wherever it is shown.

Budgets are counted in characters of the neutral text (the citations' links included, since
Discord counts them), well inside what Slack (50 blocks, 3,000 a section) and Discord (6,000
a message, 25 fields) allow, so every page renders whole on both (tests/renderers/test_pages.py).
A single point larger than a page gets a page of its own.
"""

import dataclasses
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from bot.core.reply import Citation, Item, Reply, ReplyKind, Section
from bot.renderers.kept import KeptByIdentity

FIRST_PAGE_CHARS = 1200  # body text of page 1: the short answer
PAGE_CHARS = 1600  # body text of each later page
PAGE_TOTAL_CHARS = 4800  # body and citations (with their links) of one page
PAGE_ITEMS = 20
PAGE_CITATIONS = 20
CONTINUED = " (continued)"
SOURCES_TITLE = "{title}: sources"


class PageKind(StrEnum):
    ANSWER = "answer"  # points, with the citations they cite
    SOURCES = "sources"  # every citation of the reply, in order


@dataclass(frozen=True, slots=True)
class Limits:
    first: int = FIRST_PAGE_CHARS
    body: int = PAGE_CHARS
    total: int = PAGE_TOTAL_CHARS
    items: int = PAGE_ITEMS
    citations: int = PAGE_CITATIONS


@dataclass(frozen=True, slots=True)
class Page:
    number: int  # from 1
    kind: PageKind
    reply: Reply  # this page's part: its points and exactly the citations they cite


@dataclass(frozen=True)
class Paged:
    """A reply and its pages."""

    reply: Reply
    pages: tuple[Page, ...]
    version: str  # what the reply says, digested: a page button from another version is stale

    @property
    def count(self) -> int:
        return len(self.pages)

    @property
    def answer_pages(self) -> int:
        return sum(1 for page in self.pages if page.kind is PageKind.ANSWER)

    @property
    def first_sources_page(self) -> int | None:
        return next((p.number for p in self.pages if p.kind is PageKind.SOURCES), None)

    def page(self, number: int) -> Page:
        """Page ``number`` (from 1); IndexError when there is none."""
        if not 1 <= number <= self.count:
            msg = f"page {number} of {self.count}"
            raise IndexError(msg)
        return self.pages[number - 1]


def item_chars(item: Item) -> int:
    """What a point costs on a page: label, text and markers (markers carry no link)."""
    return len(item.label or "") + len(item.text) + 4 * len(item.cites) + 4


def citation_chars(citation: Citation) -> int:
    return len(citation.source_label) + len(citation.quote) + len(citation.url or "") + 10


def version_of(reply: Reply) -> str:
    """8 hex digits over what the reply says (not its date stamp, warnings or links)."""
    said = {
        "title": reply.title,
        "sections": [
            [s.heading, [[i.label, i.text, list(i.cites)] for i in s.items]] for s in reply.sections
        ],
        "citations": [[c.number, c.source_id, c.source_label, c.quote] for c in reply.citations],
        "footer": reply.footer,
    }
    encoded = json.dumps(said, ensure_ascii=False, sort_keys=True).encode()
    return hashlib.blake2b(encoded, digest_size=4).hexdigest()


@dataclass
class _Filling:
    """The page being filled."""

    sections: list[tuple[int, Section]] = dataclasses.field(default_factory=list)
    cited: set[int] = dataclasses.field(default_factory=set)
    body: int = 0
    cites: int = 0
    items: int = 0

    def add(self, index: int, heading: str | None, item: Item) -> None:
        if self.sections and self.sections[-1][0] == index:
            last = self.sections[-1][1]
            self.sections[-1] = (index, Section(last.heading, (*last.items, item)))
        else:
            self.sections.append((index, Section(heading, (item,))))
        self.items += 1


def _answer_pages(reply: Reply, limits: Limits) -> list[_Filling]:
    by_number = {c.number: c for c in reply.citations}
    pages: list[_Filling] = []
    page = _Filling()

    def cost(index: int, position: int, item: Item) -> tuple[str | None, int, list[int], int]:
        """The heading the point opens (if any), its body cost, new citations and their cost."""
        heading = reply.sections[index].heading
        opens = not page.sections or page.sections[-1][0] != index
        if heading and position > 0:
            heading += CONTINUED  # the section began on an earlier page
        body = item_chars(item) + (len(heading or "") if opens else 0)
        new = [n for n in dict.fromkeys(item.cites) if n in by_number and n not in page.cited]
        return heading, body, new, sum(citation_chars(by_number[n]) for n in new)

    for index, section in enumerate(reply.sections):
        for position, item in enumerate(section.items):
            heading, body, new, cites = cost(index, position, item)
            budget = limits.body if pages else limits.first
            fits = (
                page.body + body <= budget
                and page.body + body + page.cites + cites <= limits.total
                and page.items < limits.items
                and len(page.cited) + len(new) <= limits.citations
            )
            if page.items and not fits:
                pages.append(page)
                page = _Filling()
                heading, body, new, cites = cost(index, position, item)
            page.add(index, heading, item)
            page.cited.update(new)
            page.body += body
            page.cites += cites
    if page.items or not pages:
        pages.append(page)
    return pages


def _sources_chunks(citations: list[Citation], limits: Limits) -> list[list[Citation]]:
    """As few pages as the budget allows, evenly filled (no page of two left over)."""

    def greedy(per_page: int) -> list[list[Citation]]:
        chunks: list[list[Citation]] = []
        chunk: list[Citation] = []
        size = 0
        for citation in citations:
            cost = citation_chars(citation)
            if chunk and (size + cost > limits.total or len(chunk) >= per_page):
                chunks.append(chunk)
                chunk, size = [], 0
            chunk.append(citation)
            size += cost
        return [*chunks, chunk] if chunk else chunks

    fewest = greedy(limits.citations)
    even = greedy(-(-len(citations) // len(fewest))) if fewest else fewest
    return even if len(even) == len(fewest) else fewest


DEFAULT_LIMITS = Limits()
_PAGED: KeptByIdentity[Reply, Paged] = KeptByIdentity(maxsize=256)


def paginate(reply: Reply, limits: Limits = DEFAULT_LIMITS) -> Paged:
    """The reply's pages. Only answers are paged; help and errors are one page as they are."""
    if limits is not DEFAULT_LIMITS:
        return _paginate(reply, limits)
    return _PAGED.get(reply, None, lambda: _paginate(reply, limits))


def _paginate(reply: Reply, limits: Limits) -> Paged:
    version = version_of(reply)
    if reply.kind is not ReplyKind.ANSWER:
        return Paged(reply, (Page(1, PageKind.ANSWER, reply),), version)
    fillings = _answer_pages(reply, limits)
    pages = [
        Page(
            number,
            PageKind.ANSWER,
            dataclasses.replace(
                reply,
                sections=tuple(section for _, section in filling.sections),
                citations=tuple(c for c in reply.citations if c.number in filling.cited),
            ),
        )
        for number, filling in enumerate(fillings, start=1)
    ]
    if len(pages) > 1 and reply.citations:
        title = SOURCES_TITLE.format(title=reply.title)
        for chunk in _sources_chunks(sorted(reply.citations, key=lambda c: c.number), limits):
            sources = dataclasses.replace(reply, title=title, sections=(), citations=tuple(chunk))
            pages.append(Page(len(pages) + 1, PageKind.SOURCES, sources))
    return Paged(reply, tuple(pages), version)


def single(reply: Reply) -> Paged:
    """The whole reply as one page (replies no button can ask for again, e.g. /recap)."""
    return Paged(reply, (Page(1, PageKind.ANSWER, reply),), version_of(reply))


def _uncited(reply: Reply) -> list[Citation]:
    cited = {n for section in reply.sections for item in section.items for n in item.cites}
    return [c for c in reply.citations if c.number not in cited]


def unit_count(reply: Reply) -> int:
    """Points, then citations no point cites: what a renderer may have to leave out."""
    return sum(len(s.items) for s in reply.sections) + len(_uncited(reply))


def first_units(reply: Reply, count: int) -> Reply:
    """The reply cut to its first ``count`` units, with exactly the citations they need."""
    sections = []
    left = count
    for section in reply.sections:
        if left <= 0:
            break
        if section.items[:left]:
            sections.append(Section(section.heading, section.items[:left]))
        left -= len(section.items)
    cited = {n for section in sections for item in section.items for n in item.cites}
    extra = {c.number for c in _uncited(reply)[: max(0, left)]}
    citations = tuple(c for c in reply.citations if c.number in cited or c.number in extra)
    return dataclasses.replace(reply, sections=tuple(sections), citations=citations)


def most_that_fit(reply: Reply, fits: Callable[[Reply, int], bool]) -> tuple[Reply, int]:
    """The longest cut of ``reply`` for which ``fits(cut, left_out)`` holds (a renderer's
    "nothing dropped"), and how many units it leaves out. Binary search: a handful of tries.
    """
    total = unit_count(reply)
    low, high = 0, total  # first_units(reply, low) fits (nothing at all always does)
    while low < high:
        middle = (low + high + 1) // 2
        if fits(first_units(reply, middle), total - middle):
            low = middle
        else:
            high = middle - 1
    return first_units(reply, low), total - low
