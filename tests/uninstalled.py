"""An install without an optional extra, for a subprocess: its packages fail to import.

``make`` installs every extra, so tests cannot uninstall one; instead a folder put first on the
subprocess's PYTHONPATH holds, for each hidden package, a stand-in that raises the very error
Python raises for a package that is not there.
"""

from pathlib import Path


def hiding(folder: Path, *packages: str) -> str:
    """A PYTHONPATH entry under ``folder`` on which each of ``packages`` is missing."""
    for name in packages:
        stand_in = folder / name
        stand_in.mkdir(parents=True)
        message = f"No module named {name!r}"
        (stand_in / "__init__.py").write_text(
            f"raise ModuleNotFoundError({message!r}, name={name!r})\n", encoding="utf-8"
        )
    return str(folder)
