"""Any file content cannot use is a Problem naming the file, the line and what is wrong."""

from pathlib import Path

from bot.content.files import read_text
from bot.content.problems import Problem


def test_utf8_text_is_read(tmp_path: Path) -> None:
    file = tmp_path / "a.md"
    file.write_text("caf\u00e9\n", encoding="utf-8")
    assert read_text(file) == "caf\u00e9\n"


def test_not_utf8_names_line_column_and_byte(tmp_path: Path) -> None:
    file = tmp_path / "a.md"
    file.write_bytes(b"# Title\nok line\nbad \xe9 here\n")  # Latin-1, as some editors save
    problem = read_text(file)
    assert isinstance(problem, Problem)
    assert problem.file == file
    assert problem.line == 3
    assert "not valid UTF-8" in problem.message
    assert "0xe9" in problem.message
    assert "column 5" in problem.message


def test_binary_file_is_named_as_binary(tmp_path: Path) -> None:
    file = tmp_path / "a.toml"
    file.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    problem = read_text(file)
    assert isinstance(problem, Problem)
    assert problem.line == 3
    assert "binary" in problem.message


def test_unreadable_path_is_a_problem(tmp_path: Path) -> None:
    folder = tmp_path / "a.md"
    folder.mkdir()
    problem = read_text(folder)
    assert isinstance(problem, Problem)
    assert "cannot be read" in problem.message
