"""Content versions and what changed between two of them. Pure: no I/O.

A version is what the brief says in substance: every English claim (topic, section, text,
its quotes, its correction line) and every source (id, label, text). Whitespace and
comments are not substance: the content hash folds them away, so a re-wrapped line is no
new version.

A claim keeps its identity across edits (its ``key``):

1. an explicit id, ``{#romo-filing}`` at the end of its line, is the claim wherever it
   moves and however it is reworded;
2. otherwise the same words (whitespace folded) in the same topic are the same claim,
   moved or not;
3. otherwise a claim of the same topic and section whose words are close enough
   (rapidfuzz's ``token_set_ratio``, plus a bonus for a quote both cite) is the same claim
   reworded; across sections of a topic it must be closer still.

A claim without an explicit id gets a derived key (``numbers:3f2a9c1d0b``) when it first
appears, and keeps it, through rule 2 or 3, in every later version: the key is what posts
record to know which claims they showed (issue 18c).
"""

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from rapidfuzz import fuzz

from bot.content.normalize import normalize
from bot.content.problems import Problem
from bot.content.store import Content

# Rule 3: the least similarity (0-100) for a reworded claim in the same section, and across
# sections of one topic; a quote both claims cite adds QUOTE_BONUS.
SAME_SECTION_SCORE = 70.0
OTHER_SECTION_SCORE = 85.0
QUOTE_BONUS = 15.0
KEY_DIGITS = 10
SNAPSHOT_FORMAT = 1  # of the JSON kept in the database


@dataclass(frozen=True, slots=True)
class ClaimSnapshot:
    key: str  # stable id: explicit {#id}, else derived and matched
    topic: str  # "ruling", "numbers", ...
    section: str
    text: str  # the claim as readers see it (English), "Label: text" for a labelled claim
    citations: tuple[tuple[str, str], ...]  # (source id, verbatim quote)
    correction: str | None = None  # its "! Correction:" line, if any

    @property
    def explicit(self) -> bool:
        """True when an editor gave the key (``{#id}``); derived keys hold a colon."""
        return ":" not in self.key

    def same_substance(self, other: "ClaimSnapshot") -> bool:
        """The same words and the same quotes (whitespace folded): nothing for readers to see
        changed, wherever it moved.
        """
        return normalize(self.text) == normalize(other.text) and _quotes(self) == _quotes(other)

    def to_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "key": self.key,
            "topic": self.topic,
            "section": self.section,
            "text": self.text,
            "citations": [list(c) for c in self.citations],
        }
        if self.correction is not None:
            found["correction"] = self.correction
        return found

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "ClaimSnapshot":
        return cls(
            str(data["key"]),
            str(data["topic"]),
            str(data["section"]),
            str(data["text"]),
            tuple((str(s), str(q)) for s, q in data["citations"]),
            str(data["correction"]) if data.get("correction") is not None else None,
        )


@dataclass(frozen=True, slots=True)
class ContentVersion:
    number: int  # 0: not recorded (yet)
    content_hash: str
    recorded_at: datetime  # UTC, when first recorded
    as_of: date
    claims: tuple[ClaimSnapshot, ...]
    sources: tuple[str, ...]

    def claim(self, key: str) -> ClaimSnapshot | None:
        return next((c for c in self.claims if c.key == key), None)

    def snapshot_json(self) -> str:
        """What the database keeps of it (besides number, hash, as_of, recorded_at)."""
        return json.dumps(
            {
                "format": SNAPSHOT_FORMAT,
                "claims": [c.to_json() for c in self.claims],
                "sources": list(self.sources),
            },
            sort_keys=True,
            ensure_ascii=False,
        )

    @classmethod
    def from_stored(
        cls, number: int, content_hash: str, as_of: date, recorded_at: datetime, snapshot: str
    ) -> "ContentVersion":
        data = json.loads(snapshot)
        return cls(
            number,
            content_hash,
            recorded_at,
            as_of,
            tuple(ClaimSnapshot.from_json(c) for c in data["claims"]),
            tuple(str(s) for s in data["sources"]),
        )


ChangeKind = Literal["added", "changed", "withdrawn"]


@dataclass(frozen=True, slots=True)
class ClaimChange:
    kind: ChangeKind
    before: ClaimSnapshot | None  # None when added
    after: ClaimSnapshot | None  # None when withdrawn

    @property
    def correction(self) -> str | None:
        """The correction this change declares: a changed claim's correction line when it is
        new (a correction already recorded with the earlier wording is not declared again).
        """
        if self.kind != "changed" or self.after is None or self.after.correction is None:
            return None
        if self.before is not None and self.before.correction == self.after.correction:
            return None
        return self.after.correction

    @property
    def key(self) -> str:
        """The claim's key in the newer version (the older one for a withdrawal). When an
        editor first gives a claim an explicit id, ``before.key`` is the derived key that
        earlier posts recorded.
        """
        claim = self.after or self.before
        assert claim is not None  # a change has at least one side
        return claim.key

    @property
    def claim(self) -> ClaimSnapshot:
        """The side readers see now (the withdrawn claim for a withdrawal)."""
        claim = self.after or self.before
        assert claim is not None
        return claim


_ORDER = {"correction": 0, "changed": 1, "added": 2, "withdrawn": 3}


@dataclass(frozen=True, slots=True)
class VersionChanges:
    version: ContentVersion
    previous: int | None  # number of the version compared against
    changes: tuple[ClaimChange, ...]  # corrections first, then changed, added, withdrawn
    sources_added: tuple[str, ...]

    @property
    def corrections(self) -> tuple[ClaimChange, ...]:
        return tuple(c for c in self.changes if c.correction is not None)

    @property
    def withdrawn(self) -> tuple[ClaimChange, ...]:
        return tuple(c for c in self.changes if c.kind == "withdrawn")

    @property
    def added(self) -> tuple[ClaimChange, ...]:
        return tuple(c for c in self.changes if c.kind == "added")

    @property
    def changed(self) -> tuple[ClaimChange, ...]:
        """Changed claims, corrections included."""
        return tuple(c for c in self.changes if c.kind == "changed")

    @property
    def empty(self) -> bool:
        return not self.changes and not self.sources_added


# --- building a version from content ---------------------------------------------------------
def claims_of(content: Content) -> list[tuple[ClaimSnapshot, str, int]]:
    """Every English claim as a snapshot (explicit id, else a key derived from its words),
    with the file name and line it is on.
    """
    found: list[tuple[ClaimSnapshot, str, int]] = []
    used: set[str] = set()
    for topic in content.topics.values():
        for section in topic.sections:
            for claim in section.claims:
                text = f"{claim.label}: {claim.text}" if claim.label else claim.text
                snapshot = ClaimSnapshot(
                    claim.id or "",
                    topic.id,
                    section.heading,
                    text,
                    tuple((c.source_id, c.quote) for c in claim.citations),
                    claim.correction,
                )
                key = claim.id or _unique(derived_key(snapshot), used)
                used.add(key)
                found.append((replace(snapshot, key=key), str(topic.file), claim.line))
    return found


def derived_key(claim: ClaimSnapshot) -> str:
    """``topic:hash`` of a claim's topic, section and words: its key when it first appears."""
    words = "\x00".join((claim.topic, normalize(claim.section), normalize(claim.text)))
    return f"{claim.topic}:{hashlib.sha256(words.encode('utf-8')).hexdigest()[:KEY_DIGITS]}"


def content_hash(content: Content) -> str:
    """The hash of the content's substance: claims (ids, topics, sections, words, quotes,
    corrections) and sources (ids, labels, text), whitespace folded.
    """
    digest = hashlib.sha256()
    for snapshot, _, _ in claims_of(content):
        parts = [
            snapshot.key if snapshot.explicit else "",
            snapshot.topic,
            snapshot.section,
            snapshot.text,
            snapshot.correction or "",
            *(f"{s}:{q}" for s, q in snapshot.citations),
        ]
        digest.update(("\x01".join(normalize(p) for p in parts) + "\x02").encode("utf-8"))
    for source in sorted(content.sources.values(), key=lambda s: s.id):
        text = "\x01".join((source.id, normalize(source.meta.label), normalize(source.text)))
        digest.update((text + "\x03").encode("utf-8"))
    return digest.hexdigest()


def snapshot(
    content: Content,
    *,
    previous: ContentVersion | None,
    number: int = 0,
    recorded_at: datetime,
) -> ContentVersion:
    """The content as a version, each claim keeping the key it had in ``previous``."""
    claims = inherit_keys(previous, [c for c, _, _ in claims_of(content)])
    newest = content.newest_date()
    return ContentVersion(
        number,
        content_hash(content),
        recorded_at,
        newest if newest is not None else recorded_at.date(),
        tuple(claims),
        tuple(sorted(content.sources)),
    )


def inherit_keys(
    previous: ContentVersion | None, claims: Sequence[ClaimSnapshot]
) -> list[ClaimSnapshot]:
    """``claims`` with each derived key replaced by the key of the earlier claim it matches
    (an explicit id stays as the editor wrote it).
    """
    if previous is None:
        return list(claims)
    taken = {c.key for c in claims if c.explicit}
    result = list(claims)
    for old, new_index in _match(previous.claims, claims):
        new = claims[new_index]
        if not new.explicit and old.key not in taken:
            result[new_index] = replace(new, key=old.key)
            taken.add(old.key)
    used: set[str] = set()
    for index, claim in enumerate(result):  # a derived key met again: keep keys unique
        if claim.key in used:
            result[index] = replace(claim, key=_unique(claim.key, used))
        used.add(result[index].key)
    return result


# --- the diff ----------------------------------------------------------------------------------
def changes_between(old: ContentVersion | None, new: ContentVersion) -> VersionChanges:
    """What ``new`` changed against ``old`` (None: everything in it is added)."""
    if old is None:
        added = tuple(ClaimChange("added", None, c) for c in new.claims)
        return VersionChanges(new, None, added, new.sources)
    pairs = _match(old.claims, new.claims)
    matched_old = {id(o) for o, _ in pairs}
    matched_new = {i for _, i in pairs}
    by_new = {i: o for o, i in pairs}
    ranked: list[tuple[int, int, ClaimChange]] = []
    for index, claim in enumerate(new.claims):
        if index not in matched_new:
            ranked.append((_ORDER["added"], index, ClaimChange("added", None, claim)))
            continue
        before = by_new[index]
        if not before.same_substance(claim):
            change = ClaimChange("changed", before, claim)
            kind = "correction" if change.correction is not None else "changed"
            ranked.append((_ORDER[kind], index, change))
    for index, claim in enumerate(old.claims):
        if id(claim) not in matched_old:
            ranked.append((_ORDER["withdrawn"], index, ClaimChange("withdrawn", claim, None)))
    ranked.sort(key=lambda r: (r[0], r[1]))
    known = set(old.sources)
    return VersionChanges(
        new,
        old.number,
        tuple(change for _, _, change in ranked),
        tuple(s for s in new.sources if s not in known),
    )


def matches(
    old: Sequence[ClaimSnapshot], new: Sequence[ClaimSnapshot]
) -> list[tuple[ClaimSnapshot, ClaimSnapshot]]:
    """Pairs (earlier claim, the same claim now) by the rules of the module docstring."""
    return [(o, new[i]) for o, i in _match(old, new)]


def _match(
    old: Sequence[ClaimSnapshot], new: Sequence[ClaimSnapshot]
) -> list[tuple[ClaimSnapshot, int]]:
    pairs: list[tuple[ClaimSnapshot, int]] = []
    free_old = list(range(len(old)))
    free_new = list(range(len(new)))

    def take(i: int, j: int) -> None:
        pairs.append((old[i], j))
        free_old.remove(i)
        free_new.remove(j)

    # 1. the same key: an explicit id, or a derived key carried from version to version
    by_key = {claim.key: i for i, claim in enumerate(old)}
    for j in list(free_new):
        i = by_key.get(new[j].key, -1)
        if i in free_old:
            take(i, j)

    def may_pair(a: ClaimSnapshot, b: ClaimSnapshot) -> bool:
        # two different explicit ids are two claims, however alike their words
        return a.topic == b.topic and not (a.explicit and b.explicit)

    # 2. the same words in the same topic: moved, or unchanged
    for j in list(free_new):
        for i in free_old:
            if may_pair(old[i], new[j]) and normalize(old[i].text) == normalize(new[j].text):
                take(i, j)
                break
    # 3. close words: reworded (best pairs first)
    scored: list[tuple[float, int, int]] = []
    for j in free_new:
        for i in free_old:
            a, b = old[i], new[j]
            if not may_pair(a, b):
                continue
            score = similarity(a, b)
            least = SAME_SECTION_SCORE if a.section == b.section else OTHER_SECTION_SCORE
            if score >= least:
                scored.append((score, i, j))
    scored.sort(key=lambda s: (-s[0], s[1], s[2]))
    for _, i, j in scored:
        if i in free_old and j in free_new:
            take(i, j)
    return pairs


def similarity(a: ClaimSnapshot, b: ClaimSnapshot) -> float:
    """0-100: how alike two claims' words are, plus a bonus when they cite a quote in common."""
    score = float(fuzz.token_set_ratio(normalize(a.text), normalize(b.text)))
    if _quotes(a) & _quotes(b):
        score += QUOTE_BONUS
    return min(score, 100.0)


def _quotes(claim: ClaimSnapshot) -> frozenset[tuple[str, str]]:
    return frozenset((s, normalize(q)) for s, q in claim.citations)


def _unique(key: str, used: Iterable[str]) -> str:
    taken = set(used)
    if key not in taken:
        return key
    n = 2
    while f"{key}-{n}" in taken:
        n += 1
    return f"{key}-{n}"


# --- corrections, held to the recorded history ---------------------------------------------
def correction_problems(previous: ContentVersion | None, content: Content) -> list[Problem]:
    """Each ``! Correction:`` line the history does not allow, with file and line: on a claim
    no earlier version had, or on a claim whose words and quotes did not change since
    ``previous`` (a correction recorded with ``previous`` may stay in place).
    """
    problems = _translated_corrections(content)
    placed = _corrected_claims(content)
    if not placed:
        return problems
    claims = [c for c, _, _ in claims_of(content)]
    before = {id(new): old for old, new in matches(previous.claims, claims)} if previous else {}
    by_position = {(c.topic, c.section, c.text, c.correction): c for c in claims}
    for topic_id, section, text, correction, file, line in placed:
        claim = by_position[(topic_id, section, text, correction)]
        old = before.get(id(claim))
        if old is None:
            since = f"version {previous.number}" if previous else "any recorded version"
            problems.append(
                Problem(
                    file,
                    line,
                    f"correction on a claim that {since} did not have: a new claim corrects "
                    "nothing; remove the '! Correction:' line (a claim that replaces another "
                    "keeps its {#id} to be its correction)",
                )
            )
        elif old.same_substance(claim) and old.correction != claim.correction:
            assert previous is not None
            problems.append(
                Problem(
                    file,
                    line,
                    f"correction on a claim that did not change since version {previous.number} "
                    f"(recorded {previous.recorded_at:%Y-%m-%d}): correct its words or its "
                    "quotes, or remove the '! Correction:' line",
                )
            )
    return problems


def _translated_corrections(content: Content) -> list[Problem]:
    """A translated claim may carry a correction only where its English claim does: the
    English is what the recorded versions hold to the history.
    """
    corrected = {
        claim.id
        for topic in content.topics.values()
        for claim in topic.claims()
        if claim.correction
    }
    return [
        Problem(
            topic.file,
            claim.correction_line,
            f"correction on {{#{claim.id}}}, whose English claim carries none: correct the "
            "English claim too (its correction is the one the versions record)",
        )
        for translation in content.translations.values()
        for topic in translation.topics.values()
        for claim in topic.claims()
        if claim.correction is not None and claim.id not in corrected
    ]


def _corrected_claims(content: Content) -> list[tuple[str, str, str, str, Path, int]]:
    """(topic, section, text as snapshots have it, correction, file, line of the correction)."""
    found = []
    for topic in content.topics.values():
        for section in topic.sections:
            for claim in section.claims:
                if claim.correction is None:
                    continue
                text = f"{claim.label}: {claim.text}" if claim.label else claim.text
                found.append(
                    (
                        topic.id,
                        section.heading,
                        text,
                        claim.correction,
                        topic.file,
                        claim.correction_line or claim.line,
                    )
                )
    return found
