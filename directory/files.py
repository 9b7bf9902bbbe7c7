"""Writing a file so that every reader sees either the old version or the new one, whole, even after a crash."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO


def write_atomically(path: Path, write: Callable[[IO[str]], None], *, temp_prefix: str = "",
                     before_replace: Callable[[Path], None] | None = None) -> None:
    """Write `path` through `write(out)`: a temporary file beside it, fsync, rename over it, fsync the folder.

    A failure removes the temporary file and leaves the old version in place. `temp_prefix` names the
    temporary file (default: "." + the file's name + "-"), so its owner can find and remove orphans.
    `before_replace(temp)` runs once the new version is whole on disk, just before the rename makes it
    visible (the store logs the change there); if it raises, nothing is replaced.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=temp_prefix or f".{path.name}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        if before_replace is not None:
            before_replace(Path(temp_name))
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    fsync_folder(path.parent)


def fsync_folder(folder: Path) -> None:
    """Make a rename or a new file in `folder` durable."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def append_durably(path: Path, text: str | Iterable[str]) -> None:
    """Append `text` to a log file and fsync it, so an acknowledged entry survives a crash.

    `text` may be given in pieces, written in turn, so that a long batch of lines is never one string in memory.
    The caller holds the log's lock. A new file's name is made durable in its folder too.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists()
    with path.open("a", encoding="utf-8", newline="") as log:
        if isinstance(text, str):
            log.write(text)
        else:
            log.writelines(text)
        log.flush()
        os.fsync(log.fileno())
    if new:
        fsync_folder(path.parent)


def file_identity(path: Path) -> dict[str, object]:
    """The size and SHA-256 of a file's bytes: which version of it is on disk, whatever its inode or times."""
    with path.open("rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
        size = os.fstat(handle.fileno()).st_size
    return {"size": size, "sha256": digest}


def copy_atomically(source: Path, target: Path) -> None:
    """Copy a file so that `target` appears whole or not at all (used for snapshots)."""
    with source.open(encoding="utf-8", newline="") as original:
        write_atomically(target, lambda out: shutil.copyfileobj(original, out), temp_prefix=f".{target.name}-")
