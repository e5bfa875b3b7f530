"""`review` on the real reports in both directions: what it finds, against a baseline.

For each direction (a brief built from one report alone, the other report added and
reviewed; tests/editorial/one_report.py) the review's JSON is scored against the expected
answer in tests/editorial/review_answers.toml (tests/editorial/review_scoring.py):
disagreements found (asserted or labelled possible), false contradictions, wrong matches;
and the review's CPU time (best of --runs, in a fresh process). The baseline is the same
measure, in the same run, of the `bot` package at another git revision (``--baseline``,
default ``main``), taken out with ``git archive`` into a scratch folder.

Usage: python benchmarks/review_quality.py [--baseline main] [--runs 5]
"""

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import machine
from bot.editorial.intake import add_source
from tests.editorial.one_report import make_one_report_world
from tests.editorial.review_scoring import BOTH_WAYS, REVIEWED_ID, Direction, Score, score

ROOT = Path(__file__).resolve().parent.parent

_RUN = """
import json, sys, time
from pathlib import Path
from bot.editorial.review import review_source
seeds, summaries, wanted, runs = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
best = None
for _ in range(runs):
    start = time.process_time()
    result = review_source(seeds, summaries, wanted)
    spent = time.process_time() - start
    best = spent if best is None else min(best, spent)
print(json.dumps({"cpu_ms": best * 1000, "review": result.to_json()}))
"""


def take_out(revision: str, folder: Path) -> Path:
    """The ``bot`` package at ``revision`` (git archive), in ``folder``: a baseline to run."""
    git, tar = shutil.which("git"), shutil.which("tar")
    assert git is not None, "git is needed to take out the baseline"
    assert tar is not None, "tar is needed to take out the baseline"
    folder.mkdir(parents=True)
    archive = subprocess.run(
        [git, "-C", str(ROOT), "archive", revision, "bot"], capture_output=True, check=True
    ).stdout
    subprocess.run([tar, "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def world(folder: Path, direction: Direction) -> tuple[Path, Path]:
    seeds, summaries = make_one_report_world(folder, direction.kept)
    add_source(
        ROOT / "seeds" / f"{direction.reviewed.file}.txt", seeds, REVIEWED_ID[direction.reviewed.id]
    )
    return seeds, summaries


def run_review(
    code: Path, seeds: Path, summaries: Path, wanted: str, runs: int
) -> tuple[dict, float]:
    out = subprocess.run(
        [sys.executable, "-c", _RUN, str(seeds), str(summaries), wanted, str(runs)],
        env={"PYTHONPATH": str(code), "PATH": "/usr/bin:/bin", "PYTHONHASHSEED": "0"},
        cwd=code,
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(out.stdout)
    return data["review"], data["cpu_ms"]


def row(label: str, result: Score, cpu_ms: float) -> str:
    levels = sum(1 for d, level in result.found.items() if level == _level(d))
    return (
        f"| {label} | {len(result.found)} of {len(result.expected)} ({levels} at the right level) "
        f"| {len(result.false_contradicts)} of {result.contradicts} "
        f"| {len(result.wrong_matches)} of {result.matches} "
        f"| {result.possible} | {cpu_ms:.0f} ms |"
    )


def _level(disagreement: str) -> str:
    from tests.editorial.review_scoring import expected_level

    return expected_level(disagreement)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--baseline", default="main", help="git revision to compare with")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--details", action="store_true", help="list misses and wrong matches")
    args = parser.parse_args()
    print(f"machine: {machine()} (shared with other sessions)")
    print(
        "| version, direction | disagreements found | false contradicts (of asserted) "
        "| wrong matches "
        "| possible contradictions | review CPU |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as tmp:
        base = take_out(args.baseline, Path(tmp) / "baseline")
        for direction in BOTH_WAYS:
            folder = Path(tmp) / direction.reviewed.id
            seeds, summaries = world(folder, direction)
            wanted = REVIEWED_ID[direction.reviewed.id]
            for label, code in ((args.baseline, base), ("this branch", ROOT)):
                data, cpu = run_review(code, seeds, summaries, wanted, args.runs)
                result = score(direction, data, summaries)
                print(row(f"{label}: {direction.name}", result, cpu))
                if args.details:
                    for what in (
                        "missed",
                        "false_contradicts",
                        "wrong_matches",
                        "possible_unlisted",
                    ):
                        for item in getattr(result, what):
                            print(f"    {what}: {item}")
            shutil.rmtree(folder)


if __name__ == "__main__":
    main()
