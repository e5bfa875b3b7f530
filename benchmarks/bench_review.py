"""`review` benchmark: one new ~10 KB source read against the large generated corpus.

The corpus is bench_content's generator (1,000 sources of ~10 KB, 10,000 cited claims);
the reviewed source is one more ~10 KB report built the same way from the real reports'
sentences. Baseline, measured in the same run: only loading that corpus (every source
parsed and classified, summaries parsed), as `check` and the bot do. `review` reads the
summaries, the .toml files and the one source; the other sources' texts are not needed.
Wall time and this process's CPU time are both shown: the machine is shared.

With ``--compare REV`` (e.g. ``main``) the review's CPU time is also measured for the
``bot`` package at that git revision and for this checkout, each in a fresh process on the
same corpus, in the same run (benchmarks/review_quality.py runs them).

Usage: python benchmarks/bench_review.py [--sources 1000] [--claims 10000] [--runs 3]
       [--compare main]
"""

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_content import generate_corpus
from benchmarks.common import machine
from benchmarks.review_quality import run_review, take_out
from bot.content.sources import load_sources
from bot.content.summaries import load_topics
from bot.editorial.review import review_source

ROOT = Path(__file__).resolve().parent.parent


def write_new_source(seeds: Path, seed: int = 11) -> int:
    """A ~10 KB report of the real sentences, shuffled, with a few names and figures changed."""
    rng = random.Random(seed)
    real, _ = load_sources(ROOT / "seeds")
    sentences = [s.text for src in real for s in src.reporting_sentences()]
    swaps = [
        ("47,000", "48,000"),
        ("Harry T. Edwards", "Harry Edwards"),
        ("ICE", "DHS"),
        ("13-page", "15-page"),
    ]
    paragraphs, size = [], 0
    while size < 10_000:
        sentence = rng.choice(sentences)
        old, new = rng.choice(swaps)
        paragraph = sentence.replace(old, new) if rng.random() < 0.3 else sentence
        paragraphs.append(paragraph)
        size += len(paragraph) + 1
    text = "\n".join(paragraphs) + "\n"
    (seeds / "new.txt").write_text(text, encoding="utf-8")
    (seeds / "new.toml").write_text(
        'id = "new"\nlabel = "The report under review"\n', encoding="utf-8"
    )
    return len(text.encode("utf-8"))


def load_only(seeds: Path, summaries: Path) -> None:
    load_sources(seeds)
    load_topics(summaries)


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """Best wall and best CPU milliseconds over ``runs`` calls."""
    wall, cpu = [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - w) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    return min(wall), min(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--compare", help="git revision whose review to time beside this one")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        seeds, summaries = Path(tmp) / "seeds", Path(tmp) / "summaries"
        generate_corpus(Path(tmp), args.sources, args.claims)
        size = write_new_source(seeds)
        load_only(seeds, summaries)  # warm the file cache
        base_wall, base_cpu = timed(lambda: load_only(seeds, summaries), args.runs)
        wall, cpu = timed(lambda: review_source(seeds, summaries, "new"), args.runs)
        result = review_source(seeds, summaries, "new")
        counts = result.counts()
        print(
            f"review of one {size / 1000:.1f} KB source ({counts['sentences']} sentences) against "
            f"{args.sources} sources and {result.claims_compared} claims: best {wall:.0f} ms wall, "
            f"{cpu:.0f} ms CPU"
        )
        print(
            f"baseline, loading the corpus only: best {base_wall:.0f} ms wall, {base_cpu:.0f} ms "
            f"CPU; "
            f"review/baseline {wall / base_wall:.2f}x wall, {cpu / base_cpu:.2f}x CPU"
        )
        print(
            f"found: {counts['corroborates']} corroborations, {counts['contradicts']} "
            f"contradictions, {counts['possible_contradictions']} possible contradictions, "
            f"{counts['new']} new facts, {counts['relative_dates']} relative dates"
        )
        if args.compare:
            base = take_out(args.compare, Path(tmp) / "baseline")
            times = {}
            for label, code in ((args.compare, base), ("this checkout", ROOT)):
                _, times[label] = run_review(code, seeds, summaries, "new", args.runs)
            before, after = times[args.compare], times["this checkout"]
            print(
                f"review CPU in a fresh process, best of {args.runs}: {args.compare} "
                f"{before:.0f} ms, this checkout {after:.0f} ms ({after / before:.2f}x)"
            )


if __name__ == "__main__":
    main()
