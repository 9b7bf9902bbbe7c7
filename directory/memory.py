"""Giving freed memory back to the operating system after a big piece of work (glibc keeps it otherwise)."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util

import pyarrow

# glibc's allocator, where there is one; elsewhere there is nothing to do.
_LIBC_NAME = ctypes.util.find_library("c")
_LIBC = ctypes.CDLL(_LIBC_NAME) if _LIBC_NAME else None


def return_freed_memory() -> None:
    """Hand memory freed by a load or a page's big computation back to the system.

    A load or a gap map frees hundreds of megabytes of short-lived objects; glibc keeps freed memory for reuse
    unless asked, so without this a server's memory only ever grows to its largest piece of work.
    """
    # Arrow's own allocator keeps what pandas' Arrow-backed columns freed, for reuse, until told otherwise.
    pyarrow.default_memory_pool().release_unused()
    if _LIBC is not None:
        with contextlib.suppress(OSError, AttributeError):
            _LIBC.malloc_trim(0)
