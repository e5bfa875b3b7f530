"""``python -m bot site OUTDIR``: the same pages as static files with relative links."""

import html
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bot.core.dispatch import Dispatcher
from bot.web.passages import anchor
from bot.web.site import export_site
from tests.hermetic import outside_checkout
from tests.web.conftest import hrefs

ROOT = Path(__file__).resolve().parents[2]


def test_export_writes_every_page_and_each_link_resolves_on_disk(
    dispatcher: Dispatcher, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    export = export_site(dispatcher, out)
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert files == [  # the same pages in Spanish under es/ (one stylesheet for both)
        "404.html",
        "changes.html",
        "es/404.html",
        "es/changes.html",
        "es/index.html",
        "es/sources/epoch-times.html",
        "es/sources/washington-report.html",
        "index.html",
        "sources/epoch-times.html",
        "sources/washington-report.html",
        "static/web.css",
    ]
    assert export.pages == 10
    for page in out.rglob("*.html"):
        body = page.read_text(encoding="utf-8")
        assert '<meta http-equiv="Content-Security-Policy"' in body
        assert "<script" not in body
        for href in hrefs(body):
            assert not href.startswith(("/", "http:", "https:")), f"{page}: {href}"
            parts = urlsplit(href)
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            assert target.is_file(), f"{page.name}: {href}"
            if parts.fragment:
                assert f'id="{parts.fragment}"' in target.read_text(encoding="utf-8"), (
                    f"{page.name}: {href}"
                )
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'action="quote"' not in index
    assert "needs the bot's own web server" in html.unescape(index)
    ruling = dispatcher.run_line("/ruling")
    assert (
        f'href="sources/{ruling.citations[0].source_id}.html#{anchor(ruling.citations[0].quote)}"'
        in index
    )


def test_export_drops_pages_of_reports_no_longer_served(
    dispatcher: Dispatcher, tmp_path: Path
) -> None:
    export_site(dispatcher, tmp_path)
    stale = tmp_path / "sources" / "withdrawn-report.html"
    (tmp_path / "sources" / "epoch-times.html").rename(stale)  # a page an earlier export wrote
    export_site(dispatcher, tmp_path)
    assert not stale.exists()
    assert (tmp_path / "sources" / "epoch-times.html").exists()


def test_export_keeps_pages_it_did_not_write(dispatcher: Dispatcher, tmp_path: Path) -> None:
    """`site /var/www/html` deleted every sources/*.html there that was not a report page."""
    own = tmp_path / "sources" / "about.html"
    own.parent.mkdir(parents=True)
    own.write_text("<p>the operator's own page</p>", encoding="utf-8")
    export_site(dispatcher, tmp_path)
    assert own.read_text(encoding="utf-8") == "<p>the operator's own page</p>"


def _env(tmp_path: Path, content_dirs: tuple[Path, Path]) -> dict[str, str]:
    seeds, summaries = content_dirs
    return {
        "PATH": "/usr/bin:/bin",
        "SEEDS_DIR": str(seeds),
        "SUMMARIES_DIR": str(summaries),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }


def test_the_site_command_needs_no_chat_credentials(
    tmp_path: Path, content_dirs: tuple[Path, Path]
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "site", str(tmp_path / "out")],
        cwd=outside_checkout(tmp_path),
        env=_env(tmp_path, content_dirs),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Wrote 10 pages to" in done.stdout  # in English and in Spanish
    assert (tmp_path / "out" / "index.html").is_file()


def test_the_site_command_names_a_folder_it_cannot_write(
    tmp_path: Path, content_dirs: tuple[Path, Path]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "site", str(blocker / "out")],
        cwd=outside_checkout(tmp_path),
        env=_env(tmp_path, content_dirs),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "cannot write the site into" in done.stderr
    assert "Traceback" not in done.stderr
