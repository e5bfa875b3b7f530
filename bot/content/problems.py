"""A problem found while loading content: where it is and what is wrong."""

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Problem:
    file: Path
    line: int | None
    message: str
    detail: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else str(self.file)
        text = f"{where}: {self.message}"
        if self.detail:
            text += "\n    " + self.detail.replace("\n", "\n    ")
        return text


class ContentError(Exception):
    """Raised when content cannot be served; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in content")
