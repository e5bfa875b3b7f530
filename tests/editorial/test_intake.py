"""`python -m bot source add FILE [--id ID]`: a report into the sources folder, with a
drafted .toml that states only what the text states.
"""

import hashlib
import shutil
import subprocess
import tomllib
from pathlib import Path

from tests.editorial.cli_run import run_bot
from tests.uninstalled import hiding

ROOT = Path(__file__).resolve().parents[2]
EPOCH = ROOT / "seeds" / "000_5b59725cd89fcc65.txt"
WASHINGTON = ROOT / "seeds" / "001_168defd7204b689b.txt"


def _seeds(tmp_path: Path) -> Path:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    return seeds


def test_text_is_copied_byte_for_byte_under_the_next_numbered_id(tmp_path: Path) -> None:
    seeds = _seeds(tmp_path)
    out = run_bot(tmp_path, "source", "add", str(WASHINGTON), SEEDS_DIR=str(seeds))
    assert out.returncode == 0, out.stdout + out.stderr
    digest = hashlib.sha256(WASHINGTON.read_bytes()).hexdigest()[:16]
    stored = seeds / f"000_{digest}.txt"
    assert stored.read_bytes() == WASHINGTON.read_bytes()
    meta = tomllib.loads(stored.with_suffix(".toml").read_text(encoding="utf-8"))
    # Only the dateline is stated; outlet, byline and date stay out.
    assert meta == {
        "id": f"000_{digest}",
        "label": "Undated WASHINGTON report (outlet not stated)",
        "dateline": "WASHINGTON",
        "dateline_quote": "WASHINGTON —",
    }
    assert "left out (not stated in the text): outlet, byline, published, url" in out.stdout
    assert "python -m bot check" in out.stdout


def test_stated_outlet_byline_and_date_carry_the_words_they_rest_on(tmp_path: Path) -> None:
    seeds = _seeds(tmp_path)
    (seeds / "000_aaaaaaaaaaaaaaaa.txt").write_text("An earlier report.\n", encoding="utf-8")
    out = run_bot(tmp_path, "source", "add", str(EPOCH), SEEDS_DIR=str(seeds))
    assert out.returncode == 0, out.stdout + out.stderr
    [toml] = seeds.glob("001_*.toml")  # numbered after the existing 000_
    meta = tomllib.loads(toml.read_text(encoding="utf-8"))
    assert meta["label"] == "The Epoch Times (Jack Phillips), Feb. 28, 2026"
    assert (meta["outlet"], meta["outlet_quote"]) == ("The Epoch Times", "via The Epoch Times")
    assert (meta["byline"], meta["byline_quote"]) == ("Jack Phillips", "Authored by Jack Phillips")
    assert str(meta["published"]) == "2026-02-28"
    assert meta["published_quote"] == "date 2026-02-28"
    assert "dateline" not in meta
    assert "url" not in meta


def test_the_added_source_passes_check(tmp_path: Path) -> None:
    seeds, summaries = _seeds(tmp_path), tmp_path / "summaries"
    for name in ("000_5b59725cd89fcc65.txt", "000_5b59725cd89fcc65.toml"):
        (seeds / name).write_bytes((ROOT / "seeds" / name).read_bytes())
    shutil.copytree(ROOT / "summaries", summaries)
    env = {"SEEDS_DIR": str(seeds), "SUMMARIES_DIR": str(summaries), "STALE_AFTER_DAYS": "3650"}
    # The id the shipped summaries cite for this report.
    added = run_bot(tmp_path, "source", "add", str(WASHINGTON), "--id", "washington-report", **env)
    assert added.returncode == 0, added.stdout
    out = run_bot(tmp_path, "check", **env)
    assert out.returncode == 0, out.stdout
    assert out.stdout.startswith("OK: "), out.stdout


def test_refuses_to_overwrite_an_existing_id(tmp_path: Path) -> None:
    seeds = _seeds(tmp_path)
    (seeds / "mine.txt").write_text("Someone else's report.\n", encoding="utf-8")
    out = run_bot(tmp_path, "source", "add", str(EPOCH), "--id", "mine", SEEDS_DIR=str(seeds))
    assert out.returncode == 1
    assert "already exists" in out.stdout
    assert "nothing was written" in out.stdout
    assert (seeds / "mine.txt").read_text(encoding="utf-8") == "Someone else's report.\n"
    assert not (seeds / "mine.toml").exists()


def test_refuses_an_id_another_toml_already_uses(tmp_path: Path) -> None:
    seeds = _seeds(tmp_path)
    (seeds / "000_x.toml").write_text('id = "epoch"\nlabel = "x"\n', encoding="utf-8")
    out = run_bot(tmp_path, "source", "add", str(EPOCH), "--id", "epoch", SEEDS_DIR=str(seeds))
    assert out.returncode == 1
    assert "already used" in out.stdout
    assert not (seeds / "epoch.txt").exists()


def test_refuses_the_same_report_twice(tmp_path: Path) -> None:
    seeds = _seeds(tmp_path)
    assert run_bot(tmp_path, "source", "add", str(EPOCH), SEEDS_DIR=str(seeds)).returncode == 0
    out = run_bot(tmp_path, "source", "add", str(EPOCH), "--id", "again", SEEDS_DIR=str(seeds))
    assert out.returncode == 1
    assert "already in" in out.stdout
    assert len(list(seeds.iterdir())) == 2


def test_html_page_is_reduced_to_its_article_text(tmp_path: Path) -> None:
    seeds = _seeds(tmp_path)
    paragraphs = [p for p in WASHINGTON.read_text(encoding="utf-8").splitlines() if p.strip()]
    page = tmp_path / "story.html"
    page.write_text(
        "<!doctype html><html><head><title>Judge rules</title>"
        "<script>window.adSlots = ['top', 'side']; trackVisitor();</script>"
        "<style>.ad{color:red}</style></head><body>"
        "<nav><ul><li><a href='/'>Home</a></li><li><a href='/politics'>Politics</a></li>"
        "<li><a href='/subscribe'>Subscribe</a></li></ul></nav>"
        "<div class='ad-banner'>BUY NOW: Tax software 50% off, limited time offer!</div>"
        "<article>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</article>"
        "<aside class='related'><h3>Most read</h3><ul><li><a href='/x'>Ten celebrity tax "
        "blunders</a></li></ul></aside>"
        "<footer>Copyright Example Media Group. All rights reserved. <a "
        "href='/privacy'>Privacy</a></footer>"
        "<script>loadComments();</script></body></html>",
        encoding="utf-8",
    )
    out = run_bot(tmp_path, "source", "add", str(page), "--id", "story", SEEDS_DIR=str(seeds))
    assert out.returncode == 0, out.stdout + out.stderr
    assert "article text extracted from the HTML page" in out.stdout
    stored = (seeds / "story.txt").read_text(encoding="utf-8")
    for paragraph in paragraphs:
        assert paragraph.strip() in stored
    for noise in (
        "adSlots",
        "BUY NOW",
        "Subscribe",
        "celebrity",
        "All rights reserved",
        "loadComments",
        "<p>",
    ):
        assert noise not in stored
    meta = tomllib.loads((seeds / "story.toml").read_text(encoding="utf-8"))
    assert meta["dateline_quote"] == "WASHINGTON —"
    assert "outlet" not in meta


def test_unreadable_or_non_utf8_input_is_refused_without_traceback(tmp_path: Path) -> None:
    seeds = _seeds(tmp_path)
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Caf\xe9 report".encode("latin-1"))
    out = run_bot(tmp_path, "source", "add", str(latin), SEEDS_DIR=str(seeds))
    assert out.returncode == 1
    assert "not UTF-8" in out.stdout
    assert "Traceback" not in out.stderr
    out = run_bot(tmp_path, "source", "add", str(tmp_path / "missing.txt"), SEEDS_DIR=str(seeds))
    assert out.returncode == 1
    assert "cannot read" in out.stdout
    assert "Traceback" not in out.stderr
    bad = run_bot(tmp_path, "source", "add", str(EPOCH), "--id", "Bad Id", SEEDS_DIR=str(seeds))
    assert bad.returncode == 1
    assert "--id" in bad.stdout
    assert list(seeds.iterdir()) == []


def test_drafting_reads_common_bylines_datelines_and_dates_and_nothing_from_the_reporting() -> None:
    from bot.editorial.intake import label_for, state_fields

    text = (
        "Published March 3, 2026 By Ann Writer\n"
        "WASHINGTON (AP) — A judge ruled on Feb. 26, 2026 that the agency erred.\n"
    )
    stated = {s.field: (s.value, s.quote) for s in state_fields(text)}
    assert stated == {
        "outlet": ("AP", "WASHINGTON (AP) —"),
        "byline": ("Ann Writer", "By Ann Writer"),
        "dateline": ("WASHINGTON", "WASHINGTON (AP) —"),
        "published": ("2026-03-03", "Published March 3, 2026"),
    }
    assert label_for(state_fields(text)) == "AP (Ann Writer), March 3, 2026"
    # An event date in the reporting is not a publication date.
    assert state_fields("A judge ruled on Feb. 26, 2026 that the agency erred.\n") == []


def test_a_file_with_nul_bytes_is_refused_as_check_would_refuse_it(tmp_path: Path) -> None:
    """It was added (NUL is valid UTF-8), then `check` failed on it and the bot would not start."""
    seeds = _seeds(tmp_path)
    binary = tmp_path / "report.txt"
    binary.write_bytes(b"The judge ruled.\nA\x00B\n")
    out = run_bot(tmp_path, "source", "add", str(binary), SEEDS_DIR=str(seeds))
    assert out.returncode == 1
    assert "a NUL byte on line 2" in out.stdout
    assert "Traceback" not in out.stderr
    assert list(seeds.iterdir()) == []


def test_a_fifo_is_refused_rather_than_waited_on(tmp_path: Path) -> None:
    """`source add` on a named pipe (or /dev/zero) hung reading it."""
    import os

    seeds = _seeds(tmp_path)
    pipe = tmp_path / "report.txt"
    os.mkfifo(pipe)
    out = run_bot(tmp_path, "source", "add", str(pipe), SEEDS_DIR=str(seeds))
    assert out.returncode == 1
    assert "is not a regular file" in out.stdout
    assert list(seeds.iterdir()) == []


def test_an_html_page_without_the_editorial_extra_names_it_in_one_line(tmp_path: Path) -> None:
    seeds = _seeds(tmp_path)
    page = tmp_path / "story.html"
    page.write_text("<!doctype html><html><body><p>WASHINGTON — A ruling.</p></body></html>")
    without = hiding(tmp_path / "site", "trafilatura")
    out = run_bot(tmp_path, "source", "add", str(page), SEEDS_DIR=str(seeds), PYTHONPATH=without)
    assert out.returncode == 2, out.stdout + out.stderr
    assert out.stdout == ""
    assert out.stderr.count("\n") == 1
    assert "Traceback" not in out.stderr
    assert "pip install -e '.[editorial]'" in out.stderr
    assert list(seeds.iterdir()) == []
    # Plain text needs no extra.
    text = run_bot(tmp_path, "source", "add", str(EPOCH), SEEDS_DIR=str(seeds), PYTHONPATH=without)
    assert text.returncode == 0, text.stdout + text.stderr


# --- Issue 16: `source add` trusted its file ----------------------------------------------


def _one_line_nothing_written(out: subprocess.CompletedProcess[str], seeds: Path) -> str:
    assert out.returncode == 1, out.stdout + out.stderr
    assert "Traceback" not in out.stderr
    assert out.stderr == ""
    [line] = out.stdout.splitlines()
    assert line.startswith("Not added: ")
    assert list(seeds.iterdir()) == []
    return line


def test_a_symbolic_link_is_refused_whatever_it_points_to(tmp_path: Path) -> None:
    """link.txt -> /etc/passwd was copied into the sources, passed `check`, and was served
    on /sources/<id>.
    """
    seeds = _seeds(tmp_path)
    link = tmp_path / "link.txt"
    link.symlink_to("/etc/passwd")
    line = _one_line_nothing_written(
        run_bot(tmp_path, "source", "add", str(link), "--id", "passwd", SEEDS_DIR=str(seeds)),
        seeds,
    )
    assert "is a symbolic link" in line


def test_a_device_is_refused(tmp_path: Path) -> None:
    seeds = _seeds(tmp_path)
    line = _one_line_nothing_written(
        run_bot(tmp_path, "source", "add", "/dev/zero", SEEDS_DIR=str(seeds)), seeds
    )
    assert "is not a regular file (a device, pipe or socket)" in line


def test_a_report_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    """A 50 MB HTML page took minutes and gigabytes of memory."""
    seeds = _seeds(tmp_path)
    page = tmp_path / "huge.html"
    with page.open("wb") as out:
        out.truncate(50_000_000)  # sparse: costs no disk
    line = _one_line_nothing_written(
        run_bot(tmp_path, "source", "add", str(page), SEEDS_DIR=str(seeds)), seeds
    )
    assert "is 50.0 MB, over the 8 MB limit for a report" in line


def test_a_disk_that_fills_while_writing_leaves_nothing_and_check_still_passes(
    tmp_path: Path, content_dirs: tuple[Path, Path]
) -> None:
    """The .txt was left without its .toml (a traceback), and the next start refused."""
    seeds, summaries = content_dirs
    before = sorted(p.name for p in seeds.iterdir())
    report = tmp_path / "report.txt"
    report.write_text("WASHINGTON (AP) -- The court ruled on Monday.\n" * 2000)
    folders = {"SEEDS_DIR": str(seeds), "SUMMARIES_DIR": str(summaries)}
    out = run_bot(tmp_path, "source", "add", str(report), file_size=16_384, **folders)
    assert out.returncode == 1
    assert "Traceback" not in out.stderr
    assert out.stdout.startswith("Not added: cannot write the report into")
    assert "File too large" in out.stdout
    assert "nothing was added" in out.stdout
    assert sorted(p.name for p in seeds.iterdir()) == before  # no temporary file left either
    checked = run_bot(tmp_path, "check", **folders)
    assert checked.returncode == 0, checked.stdout


def test_an_id_of_300_characters_is_one_line(tmp_path: Path) -> None:
    seeds = _seeds(tmp_path)
    out = run_bot(tmp_path, "source", "add", str(EPOCH), "--id", "a" * 300, SEEDS_DIR=str(seeds))
    line = _one_line_nothing_written(out, seeds)
    assert "--id is 300 characters long; give at most 100" in line
