"""``python -m bot web`` as operators start it: a subprocess, real sockets, real signals."""

import asyncio
import signal
import socket
import sys
from pathlib import Path

import aiohttp

from tests.hermetic import outside_checkout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _get(session: aiohttp.ClientSession, url: str) -> str | None:
    try:
        async with session.get(url) as response:
            return await response.text() if response.status == 200 else None
    except aiohttp.ClientConnectionError:
        return None


async def test_web_serves_without_chat_credentials_reloads_edits_and_stops_on_sigterm(
    tmp_path: Path, content_dirs: tuple[Path, Path]
) -> None:
    seeds, summaries = content_dirs
    port = free_port()
    env = {
        "PATH": "/usr/bin:/bin",
        "SEEDS_DIR": str(seeds),
        "SUMMARIES_DIR": str(summaries),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "CONTENT_RELOAD_SECONDS": "0.2",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "web",
        cwd=outside_checkout(tmp_path),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(200):
                if (body := await _get(session, url)) is not None:
                    break
                await asyncio.sleep(0.1)
            assert body is not None
            assert "The Feb. 26, 2026 ruling" in body
            ruling = summaries / "ruling.md"
            ruling.write_text(
                ruling.read_text(encoding="utf-8").replace(
                    "## Which law", "## Which law was broken"
                ),
                encoding="utf-8",
            )
            for _ in range(100):
                body = await _get(session, url)
                if body and "Which law was broken" in body:
                    break
                await asyncio.sleep(0.1)
            assert body
            assert "Which law was broken" in body
        process.send_signal(signal.SIGTERM)
        stdout, stderr = await asyncio.wait_for(process.communicate(), 20)
        assert process.returncode == 0, stderr.decode()
        output = (stdout + stderr).decode()
        assert f"serving the brief on http://127.0.0.1:{port}/" in output
        assert "stopping" in output
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def test_web_names_a_port_it_cannot_bind(
    tmp_path: Path, content_dirs: tuple[Path, Path]
) -> None:
    seeds, summaries = content_dirs
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "web",
            cwd=outside_checkout(tmp_path),
            env={
                "PATH": "/usr/bin:/bin",
                "SEEDS_DIR": str(seeds),
                "SUMMARIES_DIR": str(summaries),
                "HOST": "127.0.0.1",
                "PORT": str(port),
                "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            },
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    assert stderr.decode().startswith(f"Invalid setting PORT: port {port} is already in use")
    assert "Traceback" not in (stdout + stderr).decode()


async def test_the_web_pages_alone_have_the_service_s_connection_bounds(
    tmp_path: Path, content_dirs: tuple[Path, Path]
) -> None:
    """Issue 16: `web` serves through the same listener as `run` (HTTP_* settings)."""
    from tests.service.test_listener import answer, connect

    seeds, summaries = content_dirs
    port = free_port()
    env = {
        "PATH": "/usr/bin:/bin",
        "SEEDS_DIR": str(seeds),
        "SUMMARIES_DIR": str(summaries),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "CONTENT_RELOAD_SECONDS": "0",
        "HTTP_MAX_CONNECTIONS_PER_CLIENT": "2",
        "HTTP_HEADER_TIMEOUT_SECONDS": "0.5",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "web",
        cwd=outside_checkout(tmp_path),
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(200):
                if await _get(session, f"http://127.0.0.1:{port}/") is not None:
                    break
                await asyncio.sleep(0.1)
        slow = [await connect(port) for _ in range(2)]
        third = await connect(port)
        assert await answer(third) == "HTTP/1.1 429 Too Many Requests"
        assert await answer(slow[0]) == "HTTP/1.1 408 Request Timeout"
        for sock in [*slow, third]:
            sock.close()
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 20) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def test_web_and_site_show_the_versions_recorded_and_never_create_a_database(
    tmp_path: Path, content_dirs: tuple[Path, Path]
) -> None:
    """``web`` and ``site`` read the versions ``recap post-due`` (or ``run``) recorded; with
    no database file they show none and create none.
    """
    seeds, summaries = content_dirs
    database = tmp_path / "db.sqlite3"
    env = {
        "PATH": "/usr/bin:/bin",
        "SEEDS_DIR": str(seeds),
        "SUMMARIES_DIR": str(summaries),
        "DATABASE_URL": f"sqlite:///{database}",
    }

    async def bot(*args: str) -> str:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            *args,
            cwd=outside_checkout(tmp_path),
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        stdout, stderr = await asyncio.wait_for(process.communicate(), 120)
        assert process.returncode == 0, stderr.decode()
        return stdout.decode()

    await bot("site", str(tmp_path / "empty-site"))
    assert not database.exists()
    assert "No version of the brief has been recorded yet." in (
        tmp_path / "empty-site" / "changes.html"
    ).read_text(encoding="utf-8")
    await bot("recap", "post-due")
    numbers = summaries / "numbers.md"
    numbers.write_text(
        numbers.read_text(encoding="utf-8").replace(
            "per The Epoch Times. {#numbers-13-pages}",
            "per the Epoch Times report. {#numbers-13-pages}\n  ! Correction: It gave no source.",
        ),
        encoding="utf-8",
    )
    await bot("recap", "post-due")
    await bot("site", str(tmp_path / "site"))
    assert 'id="v2-numbers-13-pages"' in (tmp_path / "site" / "changes.html").read_text("utf-8")
    assert 'href="changes.html#v2-numbers-13-pages"' in (
        tmp_path / "site" / "index.html"
    ).read_text("utf-8")
    port = free_port()
    env.update({"HOST": "127.0.0.1", "PORT": str(port)})
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "web",
        cwd=outside_checkout(tmp_path),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(200):
                if (body := await _get(session, f"http://127.0.0.1:{port}/changes")) is not None:
                    break
                await asyncio.sleep(0.1)
            assert body is not None
            assert 'id="v2-numbers-13-pages"' in body
            assert "It gave no source." in body
            brief = await _get(session, f"http://127.0.0.1:{port}/")
            assert brief is not None
            assert 'href="changes#v2-numbers-13-pages"' in brief
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 20)
        assert process.returncode == 0, stderr.decode()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
