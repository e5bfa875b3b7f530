"""Running a command under lowered resource limits, as a service manager would start it.

``limited(argv, open_files=1024)`` is ``argv`` started through a small launcher that lowers
the limits, then replaces itself with ``argv`` (exec): the command runs as if systemd had
started it with ``LimitNOFILE=1024``. No ``preexec_fn``, so it is safe from a process that
runs threads (asyncio's subprocess watcher, a benchmark's background loop).

- ``open_files``: RLIMIT_NOFILE, soft and hard (systemd's default soft limit is 1,024).
- ``file_size``: RLIMIT_FSIZE in bytes: writing past it fails with EFBIG ("File too large"),
  as a write to a full disk fails with ENOSPC (Python ignores SIGXFSZ, so the write raises).
"""

import sys

_LAUNCH = (
    "import os, resource, sys\n"
    "files, size = int(sys.argv[1]), int(sys.argv[2])\n"
    "if files: resource.setrlimit(resource.RLIMIT_NOFILE, (files, files))\n"
    "if size: resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))\n"
    "os.execv(sys.argv[3], sys.argv[3:])\n"
)


def limited(argv: list[str], *, open_files: int = 0, file_size: int = 0) -> list[str]:
    """``argv`` (its first item an absolute path) run under the given limits (0: unchanged)."""
    return [sys.executable, "-c", _LAUNCH, str(open_files), str(file_size), *argv]
