"""requirements.lock pins what pyproject.toml asks for, every extra included, with hashes.

``make`` installs the lock with ``pip --require-hashes`` and then the bot with ``--no-deps``:
a requirement added to pyproject.toml without ``make lock`` would be missing from every
install (``pip check`` catches it only for the core dependencies, not the extras).
"""

import itertools
import re
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.hermetic import ROOT

# "name==version ; marker \" then one "--hash=sha256:..." per file, each on its own line.
PIN = re.compile(r"^(?P<name>[A-Za-z0-9._-]+)==(?P<version>[^\s;\\]+)", re.MULTILINE)


def declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    extra_requirements = [r for extra in extras.values() for r in extra]
    return [Requirement(r) for r in [*project["dependencies"], *extra_requirements]]


def pinned() -> dict[str, tuple[Version, int]]:
    """Name -> (version, number of hashes)."""
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    starts = [(m.start(), m) for m in PIN.finditer(text)] + [(len(text), None)]
    found = {}
    for (start, match), (end, _) in itertools.pairwise(starts):
        assert match is not None
        hashes = text.count("--hash=sha256:", start, end)
        found[canonicalize_name(match["name"])] = (Version(match["version"]), hashes)
    return found


def test_every_declared_requirement_is_pinned_within_its_range() -> None:
    pins = pinned()
    for requirement in declared():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement} is not in requirements.lock: run `make lock`"
        version, _ = pins[name]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"requirements.lock pins {name}=={version}, outside {requirement}: run `make lock`"
        )


def test_every_pin_carries_the_hashes_pip_will_require() -> None:
    pins = pinned()
    assert len(pins) > 50  # the whole tree, not only what pyproject names
    assert all(hashes for _, hashes in pins.values()), [n for n, (_, h) in pins.items() if not h]
