"""Content benchmark: load-and-verify, the support check, reply building, and /quote.

Baselines, measured in the same run:
- load: only reading the same files from disk (the floor any loader pays);
- support check: the same load and verify with the support check off;
- replies: a handler that returns a constant reply, through the same dispatcher;
- /quote: a plain linear scan of every sentence for the query words (no index);
- Spanish: `check` with a Spanish copy of every claim (summaries/es/, figures and dates in
  Spanish notation, every quote translated) against the same check of the English alone.

Usage: python benchmarks/bench_content.py [--sources 1000] [--claims 10000] [--support-only]
       [--spanish-only]
"""

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import fmt, machine, percentiles, time_calls
from bot.commands.catalog import TOPIC_COMMANDS, build_registry
from bot.content.dates import format_day, format_month_year
from bot.content.facts import Kind, extract_facts, figures
from bot.content.search import tokenize
from bot.content.sources import load_sources
from bot.content.store import ContentStore, load_content
from bot.content.summaries import load_topics
from bot.content.support import clear_support_caches
from bot.core.binding import bind
from bot.core.dispatch import Dispatcher
from bot.core.registry import Command, Registry
from bot.core.reply import Item, Reply, Section

ROOT = Path(__file__).resolve().parent.parent
CLOCK = lambda: datetime(2026, 11, 25, tzinfo=UTC)  # noqa: E731
QUERIES = [
    "42,695",
    "Romo declaration",
    "preliminary injunction appeal",
    "IRS ICE addresses",
    "Kollar-Kotelly",
    "patently deficient requests",
    "Bessent Noem agreement",
    "injuction",
    "taxpayer confidentiality law",
    "Centro de Trabajadores Unidos",
]


def generate_corpus(folder: Path, n_sources: int, n_claims: int, seed: int = 7) -> None:
    """Sources of ~10 KB built from the real reports' sentences with varied names and
    figures, and summaries holding ``n_claims`` claims that quote them.
    """
    rng = random.Random(seed)
    real, _ = load_sources(ROOT / "seeds")
    sentences = [s.text for src in real for s in src.reporting_sentences()]
    seeds, summaries = folder / "seeds", folder / "summaries"
    seeds.mkdir(parents=True)
    summaries.mkdir()
    paragraphs_by_source: list[list[str]] = []
    for i in range(n_sources):
        paragraphs, size = [], 0
        while size < 10_000:
            words = rng.choice(sentences).split()
            # Vary a few words so each source has its own vocabulary.
            for _ in range(2):
                words[rng.randrange(len(words))] = f"case{i}term{rng.randrange(50)}"
            paragraph = " ".join(words)
            paragraphs.append(paragraph)
            size += len(paragraph) + 1
        paragraphs_by_source.append(paragraphs)
        (seeds / f"{i:04d}.txt").write_text("\n".join(paragraphs) + "\n", encoding="utf-8")
        (seeds / f"{i:04d}.toml").write_text(
            f'id = "s{i}"\nlabel = "Generated source {i}"\npublished = '
            f"2026-0{1 + i % 9}-1{i % 10}\n"
            f'published_quote = "{" ".join(paragraphs[0].split()[:4])}"\n',
            encoding="utf-8",
        )
    topics = list(TOPIC_COMMANDS) + [f"extra{k}" for k in range(4)]
    per_topic = n_claims // len(topics)
    for topic in topics:
        lines = [f"# Topic {topic}", "", "## Claims"]
        for c in range(per_topic):
            i = rng.randrange(n_sources)
            words = rng.choice(paragraphs_by_source[i]).split()
            start = rng.randrange(max(1, len(words) - 8))
            quote = " ".join(words[start : start + 8])
            # The claim restates its quote, so the support check compares real names,
            # figures and dates; every third claim shows the quote's first figure as a label.
            figure = next((f.text for f in figures(quote)), None)
            label = f"**{figure}**: " if figure and c % 3 == 0 else ""
            text = quote.replace('"', "").replace("\u201c", "").replace("\u201d", "")
            lines += [
                f"- {label}According to the report, {text} {{#{topic}-c{c}}}",
                f'  > s{i}: "{quote}"',
            ]
        (summaries / f"{topic}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


WEEKDAYS_ES = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")


def in_spanish(text: str) -> str:
    """``text`` with its figures and dates in Spanish notation (Babel), as a translator
    carries them over; relative and partial dates are left out.
    """
    from babel.numbers import format_decimal

    out, last = [], 0
    for fact in extract_facts(text):
        if fact.kind is Kind.FIGURE and fact.norm.replace(".", "", 1).isdigit():
            words = format_decimal(Decimal(fact.norm), locale="es")
        elif fact.kind is Kind.DATE and fact.date is not None:
            d, day = fact.date, fact.date.as_date()
            if day is not None and not d.week:
                words = format_day(day, "es")
            elif d.year and d.month and d.day is None:
                words = format_month_year(d.year, d.month, "es")
            elif d.weekday is not None and d.month is None and d.relative is None:
                words = WEEKDAYS_ES[d.weekday]
            else:
                words = ""
        else:
            continue
        out.append(text[last : fact.start] + words)
        last = fact.end
    return "".join(out) + text[last:]


def spanish_copy(summaries: Path) -> int:
    """summaries/es/: every claim with its figures and dates in Spanish notation, each quote
    with a rendering (its words, likewise), the English version recorded; returns the
    claims written.
    """
    topics, _ = load_topics(summaries)
    folder = summaries / "es"
    folder.mkdir()
    written = 0
    for topic in topics:
        lines = [
            f"# Tema {topic.id}",
            f"<!-- english-version: {topic.version()} -->",
            "",
            "## Afirmaciones",
        ]
        for claim in topic.claims():
            label = f"**{in_spanish(claim.label)}**: " if claim.label else ""
            body = in_spanish(claim.text.removeprefix("According to the report, "))
            lines.append(f"- {label}Según el informe, {body} {{#{claim.id}}}")
            for citation in claim.citations:
                rendering = in_spanish(citation.quote).replace('"', "")
                lines += [
                    f'  > {citation.source_id}: "{citation.quote}"',
                    f'    ~ es: "{rendering}"',
                ]
            written += 1
        (folder / topic.file.name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return written


def read_all(seeds: Path, summaries: Path) -> int:
    return sum(
        len(f.read_text(encoding="utf-8")) for d in (seeds, summaries) for f in sorted(d.iterdir())
    )


def bench_load(label: str, seeds: Path, summaries: Path, runs: int) -> float:
    load_content(seeds, summaries, TOPIC_COMMANDS)  # warm the file cache
    base = min(time_calls(lambda: read_all(seeds, summaries), runs))
    timed = time_calls(lambda: load_content(seeds, summaries, TOPIC_COMMANDS), runs)
    best = min(timed)
    content = load_content(seeds, summaries, TOPIC_COMMANDS)
    v = content.verification
    print(
        f"load+verify {label}: best {best:.1f} ms, median {sorted(timed)[len(timed) // 2]:.1f} ms "
        f"({len(content.sources)} sources, {v.claims} claims, {v.quotes} quotes, "
        f"{len(content.index)} sentences); "
        f"baseline read-only {base:.1f} ms; ratio {best / base:.1f}x"
    )
    return best


def bench_support(seeds: Path, summaries: Path, runs: int) -> None:
    """`check` (load and verify) with the support check on, against the same with it off:
    interleaved rounds, extraction caches cleared, wall and CPU time (CPU time is what this
    code costs; wall time also counts other processes on a shared machine).
    """
    times: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
    for _ in range(runs):
        for support in (False, True):
            clear_support_caches()
            wall, cpu = time.perf_counter(), time.process_time()
            load_content(
                seeds, summaries, TOPIC_COMMANDS, support=support, index=False
            )  # as `check` loads
            times[support].append(
                ((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000)
            )
    v = load_content(seeds, summaries, TOPIC_COMMANDS).verification
    on_wall, on_cpu = (min(t[k] for t in times[True]) for k in (0, 1))
    off_wall, off_cpu = (min(t[k] for t in times[False]) for k in (0, 1))
    print(
        f"check with support ({v.claims} claims, {v.facts} facts): best wall {on_wall:.1f} ms, "
        f"CPU {on_cpu:.1f} ms; baseline without support: wall {off_wall:.1f} ms, CPU {off_cpu:.1f} "
        f"ms; "
        f"support adds {on_cpu - off_cpu:.1f} ms CPU ({on_cpu / off_cpu:.2f}x); "
        f"total under 3 s: wall {on_wall < 3000}, CPU {on_cpu < 3000}"
    )


def bench_spanish(seeds: Path, summaries: Path, runs: int) -> None:
    """`check` with the Spanish copy of every claim against the English alone, same corpus,
    interleaved rounds, caches cleared: wall and CPU time (target: under 1.5x).
    """
    times: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
    for _ in range(runs):
        for spanish in (False, True):
            clear_support_caches()
            wall, cpu = time.perf_counter(), time.process_time()
            load_content(
                seeds, summaries, TOPIC_COMMANDS, index=False, translations=spanish
            )  # as `check` loads
            times[spanish].append(
                ((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000)
            )
    content = load_content(seeds, summaries, TOPIC_COMMANDS, index=False)
    es = content.translations["es"]
    on_wall, on_cpu = (min(t[k] for t in times[True]) for k in (0, 1))
    off_wall, off_cpu = (min(t[k] for t in times[False]) for k in (0, 1))
    print(
        f"check with Spanish ({es.claims} Spanish claims, {es.facts} facts, {es.renderings} "
        f"translations, {len(es.warnings)} warnings): best wall {on_wall:.1f} ms, CPU "
        f"{on_cpu:.1f} ms; baseline English only ({content.verification.claims} claims): wall "
        f"{off_wall:.1f} ms, CPU {off_cpu:.1f} ms; ratio CPU {on_cpu / off_cpu:.2f}x, wall "
        f"{on_wall / off_wall:.2f}x (target under 1.5x)"
    )


def bench_replies(seeds: Path, summaries: Path, repeat: int) -> None:
    store = ContentStore(seeds, summaries, TOPIC_COMMANDS)
    constant = Reply("constant", (Section(None, (Item("x"),)),))
    bare = Dispatcher(
        Registry([Command("bare", "constant reply", lambda _r, _c: constant, cacheable=False)]),
        store,
        clock=CLOCK,
    )
    base = percentiles(time_calls(lambda: bare.run_line("/bare"), repeat))
    print(f"reply baseline (constant handler, same dispatcher): {fmt(base)}")
    dispatcher = Dispatcher(build_registry(), store, clock=CLOCK)
    for line in [
        "/ruling",
        "/numbers",
        "/status",
        "/timeline",
        "/who",
        "/who romo",
        "/sources",
        "/help",
        "/quote 42,695",
    ]:
        request = bind(dispatcher.registry.get(line.split()[0]), line.partition(" ")[2])  # type: ignore[arg-type]
        handler = dispatcher.registry.get(request.command).handler  # type: ignore[union-attr]
        built = percentiles(time_calls(lambda: dispatcher.build(handler, request), repeat))
        served = percentiles(time_calls(lambda: dispatcher.run_line(line), repeat))
        print(
            f"reply {line:<14} build (uncached) {fmt(built)}  p99/baseline-p99 "
            f"{built['p99'] / base['p99']:.1f}x;"
            f"  served (cached) p50={served['p50']:.3f}ms p99={served['p99']:.3f}ms"
        )
    stats = percentiles(time_calls(lambda: dispatcher.run_line("/numbrs"), repeat))
    print(f"reply /numbrs (unknown) {fmt(stats)}")


def bench_quote(seeds: Path, summaries: Path, repeat: int) -> None:
    content = load_content(seeds, summaries, TOPIC_COMMANDS)
    sentences = content.index.sentences
    token_sets = [set(tokenize(s.text)) for s in sentences]

    def scan(query: str) -> list[int]:  # the baseline: no index, score = shared words
        terms = set(tokenize(query))
        scored = [(len(terms & tokens), i) for i, tokens in enumerate(token_sets)]
        return [i for _, i in sorted(scored, reverse=True)[:5]]

    rounds = max(1, repeat // len(QUERIES))
    indexed = [t for q in QUERIES for t in time_calls(lambda q=q: content.index.search(q), rounds)]
    scanned = [t for q in QUERIES for t in time_calls(lambda q=q: scan(q), max(1, rounds // 10))]
    a, b = percentiles(indexed), percentiles(scanned)
    print(
        f"/quote over {len(sentences)} sentences: {fmt(a)}; baseline linear scan {fmt(b)}; "
        f"p99 speed-up {b['p99'] / a['p99']:.0f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=2000)
    parser.add_argument(
        "--support-only",
        action="store_true",
        help="only check with and without the support check on the large corpus",
    )
    parser.add_argument("--support-runs", type=int, default=3)
    parser.add_argument(
        "--spanish-only",
        action="store_true",
        help="only check with and without a Spanish copy of every claim on the large corpus",
    )
    args = parser.parse_args()
    print(f"machine: {machine()}")
    if args.spanish_only:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            generate_corpus(folder, args.sources, args.claims)
            spanish_copy(folder / "summaries")
            bench_spanish(folder / "seeds", folder / "summaries", args.support_runs)
        return
    if args.support_only:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            generate_corpus(folder, args.sources, args.claims)
            bench_support(folder / "seeds", folder / "summaries", args.support_runs)
        return
    bench_load("shipped", ROOT / "seeds", ROOT / "summaries", 20)
    bench_replies(ROOT / "seeds", ROOT / "summaries", args.repeat)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        generate_corpus(folder, args.sources, args.claims)
        print(f"generated corpus in {time.perf_counter() - started:.1f} s")
        bench_load("large", folder / "seeds", folder / "summaries", 5)
        bench_support(folder / "seeds", folder / "summaries", args.support_runs)
        bench_quote(folder / "seeds", folder / "summaries", args.repeat)
        spanish_copy(folder / "summaries")
        bench_spanish(folder / "seeds", folder / "summaries", args.support_runs)


if __name__ == "__main__":
    main()
