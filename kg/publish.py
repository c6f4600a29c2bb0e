"""Publishing outputs atomically: everything is made in a unique temporary place
beside its target and swapped in only when all of it is complete.

Two steps, used by every product of ``kg build`` and ``kg extract``:

- :func:`atomic_write` for one file: written into a unique temporary file in
  the target's folder, then renamed over the target.
- :func:`staging` + :func:`publish` for a set of products (files or folders
  such as the embedded database): built in a unique hidden folder beside
  them, then swapped in together. The old products are first moved aside; if
  any move fails, the products already moved in are taken out again and the
  old ones put back, so the folder holds either the whole old set or the whole
  new one; Ctrl-C and SIGTERM wait until the swap is done. Publishes into one folder take turns (an exclusive lock on the
  folder), so two runs into one folder never mix their products, and no fixed
  temporary name is shared between them.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from kg.errors import OutputError

__all__ = ["atomic_write", "publish", "staging"]


def _cannot(path: Path, exc: OSError, what: str = "write") -> OutputError:
    return OutputError(f"cannot {what} {path}: {exc.strerror or exc}; choose a writable output folder (--out)")


def _file_mode() -> int:
    """0o666 less the process umask, read without changing it (``/proc/self/status``, Linux)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o644  # the usual umask 022; never flip the process umask to find out


def atomic_write(path: Path, write: Callable[[BinaryIO], None]) -> Path:
    """Write *path* through ``write(fh)`` into a unique temporary file beside it, then rename.

    A failure leaves neither a half-written file nor the temporary one behind.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise _cannot(path, exc) from exc
    try:
        os.fchmod(fd, _file_mode())  # mkstemp makes 0600; outputs are ordinary files
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise _cannot(path, exc) from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


@contextmanager
def staging(folder: Path, *, prefix: str = ".kg-staging-") -> Iterator[Path]:
    """A unique hidden folder inside *folder* (created if needed) to build products in.

    It is removed when the block ends, whatever happens; :func:`publish` moves
    its products out first. When this call created *folder* and the block
    fails, *folder* is removed again if nothing else was put in it meanwhile.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder} is a file, not a folder; choose another output folder (--out)")
    created = not folder.exists()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=prefix, dir=folder))
    except OSError as exc:
        raise _cannot(folder, exc, "write to output folder") from exc
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        if created:
            try:
                folder.rmdir()  # only when empty: another run may be staging in it
            except OSError:
                pass
        raise
    shutil.rmtree(stage, ignore_errors=True)


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back while products are swapped: an interrupt between two
    renames would leave the old set and the new one mixed. They arrive right after."""
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on *folder* (the folder itself, no lock file left behind)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def publish(stage: Path, folder: Path, names: Iterable[str]) -> list[Path]:
    """Swap the products *names* from *stage* into *folder*, all or none.

    A name present in *stage* replaces the one in *folder*; a name missing
    from *stage* is removed from *folder* (a product this run no longer makes).
    Files in *folder* that are not among *names* are left alone. Returns the
    paths published. On failure everything is as before and
    :class:`OutputError` says why.
    """
    stage, folder = Path(stage), Path(folder)
    names = list(dict.fromkeys(names))
    with _locked(folder), _signals_held():
        aside = Path(tempfile.mkdtemp(prefix=".kg-old-", dir=folder))
        moved_aside: list[str] = []
        moved_in: list[str] = []
        try:
            for name in names:
                if os.path.lexists(folder / name):
                    os.replace(folder / name, aside / name)
                    moved_aside.append(name)
            for name in names:
                if os.path.lexists(stage / name):
                    os.replace(stage / name, folder / name)
                    moved_in.append(name)
        except OSError as exc:
            problems = _roll_back(stage, folder, aside, moved_in, moved_aside)
            if not problems:
                shutil.rmtree(aside, ignore_errors=True)
            note = f"; could not restore {', '.join(problems)} (kept in {aside})" if problems else ""
            raise OutputError(
                f"cannot move the new outputs into {folder}: {exc.strerror or exc}; the previous outputs "
                f"are kept{note}; choose a writable output folder (--out)"
            ) from exc
        shutil.rmtree(aside, ignore_errors=True)
    return [folder / name for name in moved_in]


def _roll_back(stage: Path, folder: Path, aside: Path, moved_in: list[str], moved_aside: list[str]) -> list[str]:
    """Undo a partial :func:`publish`; returns the names that could not be restored."""
    failed: list[str] = []
    for name in reversed(moved_in):
        try:
            os.replace(folder / name, stage / name)
        except OSError:
            _remove(folder / name)
    for name in reversed(moved_aside):
        try:
            os.replace(aside / name, folder / name)
        except OSError:
            failed.append(name)
    return failed
