"""What each recorded version changed, as text and JSON for editors and tools
(``python -m bot changes``). English: an operator's and editor's listing, not a reply.
"""

from collections.abc import Sequence
from typing import Any

from bot.updates.versions import ClaimChange, ClaimSnapshot, VersionChanges

_HEADINGS = {
    "correction": "Corrected",
    "changed": "Changed",
    "added": "Added",
    "withdrawn": "Withdrawn",
}


def first(changes: VersionChanges) -> bool:
    """The first version recorded: everything in it is "added", so it is summed up instead."""
    return changes.previous is None


def as_text(listing: Sequence[VersionChanges]) -> str:
    if not listing:
        return "No content version recorded in this range."
    return "\n\n".join(_version_text(c) for c in reversed(listing))  # newest first


def _version_text(changes: VersionChanges) -> str:
    version = changes.version
    head = (
        f"Version {version.number}, recorded {version.recorded_at:%Y-%m-%d %H:%M} UTC, "
        f"as of {version.as_of.isoformat()}"
    )
    if first(changes):
        return (
            f"{head}: the first recorded, {_count(len(version.claims), 'claim')} citing "
            f"{_count(len(version.sources), 'source')} ({', '.join(version.sources)})"
        )
    lines = [f"{head} (against version {changes.previous})"]
    if changes.empty:
        lines.append("  no claim changed (wording elsewhere, order, or a source's text)")
    for change in changes.changes:
        lines += _change_text(change)
    if changes.sources_added:
        lines.append(f"  Sources added: {', '.join(changes.sources_added)}")
    return "\n".join(lines)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _change_text(change: ClaimChange) -> list[str]:
    kind = "correction" if change.correction is not None else change.kind
    claim = change.claim
    lines = [f"  {_HEADINGS[kind]} {{#{change.key}}} ({claim.topic}: {claim.section})"]
    if change.correction is not None:
        lines.append(f"    correction: {change.correction}")
    if change.kind == "changed" and change.before is not None:
        lines.append(f"    before: {change.before.text}")
        lines.append(f"    after:  {claim.text}")
    else:
        lines.append(f"    {claim.text}")
    lines += [f'      > {source}: "{quote}"' for source, quote in claim.citations]
    return lines


def as_json(listing: Sequence[VersionChanges]) -> list[dict[str, Any]]:
    """Newest first, as the text; every claim with its citations."""
    return [_version_json(c) for c in reversed(listing)]


def _version_json(changes: VersionChanges) -> dict[str, Any]:
    version = changes.version
    return {
        "version": version.number,
        "previous": changes.previous,
        "recorded_at": version.recorded_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "as_of": version.as_of.isoformat(),
        "content_hash": version.content_hash,
        "first": first(changes),
        "claims": len(version.claims),
        "sources": list(version.sources),
        "changes": [] if first(changes) else [_change_json(c) for c in changes.changes],
        "sources_added": [] if first(changes) else list(changes.sources_added),
    }


def _change_json(change: ClaimChange) -> dict[str, Any]:
    return {
        "kind": change.kind,
        "key": change.key,
        "correction": change.correction,
        "before": _claim_json(change.before),
        "after": _claim_json(change.after),
    }


def _claim_json(claim: ClaimSnapshot | None) -> dict[str, Any] | None:
    if claim is None:
        return None
    return {
        "key": claim.key,
        "topic": claim.topic,
        "section": claim.section,
        "text": claim.text,
        "correction": claim.correction,
        "citations": [{"source": s, "quote": q} for s, q in claim.citations],
    }
