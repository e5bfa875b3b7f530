"""``lang:es`` on any command, the platform's language as a default, and "did you mean" for a
language the brief is not written in; the command line's ``--lang``.
"""

import subprocess
import sys
from pathlib import Path

import pytest

from bot.core.binding import UsageError, take_lang
from bot.core.dispatch import Dispatcher
from tests.hermetic import clean_env, outside_checkout


def words(reply: object) -> str:
    sections = getattr(reply, "sections", ())
    return " ".join(i.text for s in sections for i in s.items)


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("/numbers lang:es", "Las cifras"),
        ("/numbers LANG:ES public", "Las cifras"),
        ("/numbers public lang:es", "Las cifras"),
        ("/numbers lang:es-MX", "Las cifras"),
        ("/who lang:es Romo", "Quién es quién: Romo"),
        ("/help lang:es", "Resumen del caso: comandos"),
        ("/numbers lang:en", "The numbers"),
    ],
)
def test_lang_anywhere_on_any_command(dispatcher: Dispatcher, line: str, title: str) -> None:
    reply = dispatcher.run_line(line)
    assert reply.title == title
    assert reply.kind.value != "error"


def test_the_platform_s_language_is_the_default_and_lang_wins(dispatcher: Dispatcher) -> None:
    assert dispatcher.run_line("/numbers", locale="es").title == "Las cifras"
    assert dispatcher.run_line("/numbers lang:en", locale="es").title == "The numbers"
    spanish = dispatcher.run_line("/numbers", locale="es")
    english = dispatcher.run_line("/numbers")
    assert (spanish.lang, english.lang) == ("es", "en")  # kept apart by the reply cache
    assert dispatcher.run_line("/numbers public lang:es").public is True


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("lang:spanish", "Did you mean `lang:es`?"),
        ("lang:espanol", "Did you mean `lang:es`?"),
        ("lang:ingles", "Did you mean `lang:en`?"),
        ("lang:fr", "Languages: `lang:en`, `lang:es`."),
        ("lang:", "Languages: `lang:en`, `lang:es`."),
    ],
)
def test_a_lang_the_brief_is_not_written_in_gets_did_you_mean(
    dispatcher: Dispatcher, typed: str, hint: str
) -> None:
    reply = dispatcher.run_line(f"/numbers {typed}")
    assert reply.kind.value == "error"
    assert reply.title == "/numbers: not understood"
    assert hint in words(reply)


def test_the_refusal_is_said_in_the_platform_s_language(dispatcher: Dispatcher) -> None:
    reply = dispatcher.run_line("/numbers lang:xx", locale="es")
    assert reply.title == "/numbers: no se entendió"
    assert "No existe el idioma `xx`." in words(reply)
    unknown = dispatcher.run_line("/cifras lang:es")
    assert unknown.title == "Comando desconocido"
    assert "No existe el comando `/cifras`." in words(unknown)


def test_take_lang_leaves_other_words_alone() -> None:
    assert take_lang("Romo declaration", "es") == ("Romo declaration", "es", False)
    assert take_lang("Romo lang:en declaration") == ("Romo declaration", "en", True)
    with pytest.raises(UsageError):
        take_lang("lang:klingon")


def _ask(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "ask", *args],
        cwd=outside_checkout(tmp_path),
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_ask_with_lang_es(tmp_path: Path) -> None:
    done = _ask(tmp_path, "/numbers", "--lang", "es")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Las cifras\n")
    assert "Información al 28 de febrero de 2026." in done.stdout
    slack = _ask(tmp_path, "/numbers", "--lang", "es", "--format", "slack")
    assert '"text": "Siguiente \u203a"' in slack.stdout
    wrong = _ask(tmp_path, "/numbers", "--lang", "spanish")
    assert wrong.returncode == 2
    assert "There is no language `spanish`. Did you mean `es`?" in wrong.stderr
    assert not list(tmp_path.glob("*.sqlite3"))  # ask opens no database, in any language
