"""The review as text for an editor's terminal (JSON comes from ``Review.to_json``)."""

from bot.editorial.review import Contradiction, Review, SentenceReview

_WIDTH = 160


def render_review_text(review: Review) -> str:
    when = review.report_date.isoformat() if review.report_date else "no date stated"
    lines = [
        f"Review of {review.source_id} ({review.file}): {review.label} [{when}]",
        (
            f"Compared with {review.claims_compared} claims in {review.topics_compared} summaries, "
            "word by word (figures, names, dates); an editor decides what to change."
        ),
        "",
    ]
    quiet = 0
    for sentence in review.sentences:
        if sentence.empty:
            quiet += 1
            continue
        lines += _sentence(sentence)
    counts = review.counts()
    lines.append(
        f"{counts['sentences']} sentences ({quiet} with nothing to report): "
        f"{counts['corroborates']} corroboration(s), "
        f"{counts['contradicts']} contradiction(s), "
        f"{counts['possible_contradictions']} possible contradiction(s), "
        f"{counts['new']} new fact(s), "
        f"{counts['relative_dates']} relative date(s) to resolve."
    )
    lines.append("Paste a quote line under a claim, then run `python -m bot check`.")
    return "\n".join(lines)


def _sentence(s: SentenceReview) -> list[str]:
    out = [f"line {s.line}: {_clip(s.text)}"]
    for c in s.corroborates:
        label = f" ({c.claim.label})" if c.claim.label else ""
        out.append(f"  CORROBORATES {c.claim.where}{label}: shares {', '.join(c.shared)}")
        out.append(f"      {c.quote_line}")
    for k in s.contradicts:
        out.append(f"  CONTRADICTS {k.claim.where}{_also(k)}: {k.describe()}")
        if k.claim_quote:
            out.append(f'      claim quotes: "{_clip(k.claim_quote, 120)}"')
        out.append(f"      {k.quote_line}")
    for k in s.possible:
        out.append(f"  POSSIBLE CONTRADICTION {k.claim.where}{_also(k)}: {k.describe()}")
        if k.claim_quote:
            out.append(f'      claim quotes: "{_clip(k.claim_quote, 120)}"')
        out.append(f"      {k.quote_line}")
    if s.new:
        out.append("  NEW: " + "; ".join(f"{n.kind} {n.text!r}" for n in s.new))
    for r in s.relative_dates:
        target = r.resolved or "unresolved"
        out.append(f"  RESOLVE {r.text!r} -> {target} ({r.basis})")
    out.append("")
    return out


def _also(k: Contradiction) -> str:
    return f" (also {', '.join(c.where for c in k.also)})" if k.also else ""


def _clip(text: str, width: int = _WIDTH) -> str:
    return text if len(text) <= width else text[: width - 3].rstrip() + "..."
