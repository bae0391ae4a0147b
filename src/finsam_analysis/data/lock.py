"""One run at a time per output folder: an exclusive `fcntl.flock` on a lock file beside it.

    with output_lock(paths.REPORTS_DIR, "finsam reports", wait=600):
        ...  # nobody else writes reports/ meanwhile

The lock file is `<parent>/.<name>.lock` (data/.processed.lock, .reports.lock): beside the
folder, not in it, so a read-only folder can still be diagnosed and the folder's listing stays
what it is. The kernel releases a flock when its holder dies (even by kill -9), so a stale lock
is not possible; the file itself stays and says who held it last (pid, command, start time).

Readers (`shared=True`: a report run, whose kernels read data/processed) may hold it together;
a writer (a build) waits for them. A second run waits, saying who holds the lock, for up to
`wait` seconds, then gives up with `LockTimeout` (exit status 75, EX_TEMPFAIL, like
`flock -E 75` in docs/scheduling.md). Whoever holds the lock may treat every temp file of
that folder as a dead run's leftover.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import logging
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

log = logging.getLogger(__name__)

LOCK_EXIT = 75  # EX_TEMPFAIL: try again later
DEFAULT_WAIT = 600.0
POLL = 0.1


class LockTimeout(RuntimeError):
    """Another run held the lock for longer than we were willing to wait."""


class LockUnavailable(OSError):
    """The lock file cannot be created or opened (read-only or missing parent folder)."""


def lock_path_for(folder: Path) -> Path:
    folder = Path(folder)
    return folder.parent / f".{folder.name}.lock"


def _holder(fd: int) -> str:
    try:
        text = os.pread(fd, 400, 0).decode("utf-8", "replace").strip()
    except OSError:
        text = ""
    return text or "another process"


def _open(lock_file: Path) -> int:
    try:
        lock_file.parent.mkdir(parents=True, exist_ok=True)
        return os.open(lock_file, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise LockUnavailable(
            exc.errno or errno.EACCES,
            f"cannot create the lock file {lock_file} ({reason}): make {lock_file.parent} "
            "writable for this user, or run as the user who owns the checkout",
        ) from None


@contextlib.contextmanager
def output_lock(folder: Path, what: str, wait: float = DEFAULT_WAIT, shared: bool = False) -> Iterator[Path]:
    """Hold the exclusive lock of `folder` for the duration of the block.

    what: who we are, e.g. "finsam reports" (written into the lock file for the next waiter).
    wait: seconds to wait for a run holding the lock (0: fail at once).
    shared: a reader's lock instead (a report run whose kernels read data/processed): any
    number of readers at once, but no writer meanwhile.
    """
    lock_file = lock_path_for(folder)
    fd = _open(lock_file)
    try:
        deadline = time.monotonic() + max(0.0, wait)
        told = False
        while True:
            try:
                fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeout(
                        f"{folder} is in use by {_holder(fd)} (lock {lock_file}); gave up after "
                        f"{wait:g} s. Let that run finish (or stop it) and try again."
                    ) from None
                if not told:
                    log.warning(
                        "%s is in use by %s; waiting up to %g s for it to finish (lock %s)",
                        folder,
                        _holder(fd),
                        wait,
                        lock_file,
                    )
                    told = True
                time.sleep(POLL)
        if told:
            log.info("got the lock of %s", folder)
        stamp = datetime.now(UTC).replace(microsecond=0).isoformat()
        # The latest holder's name, for whoever waits next (a writer waits for the readers).
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{what} (pid {os.getpid()}, since {stamp})\n".encode(), 0)
        yield lock_file
    finally:
        os.close(fd)  # releases the flock
