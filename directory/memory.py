"""Giving freed memory back to the operating system after a big piece of work (glibc keeps it otherwise)."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os

import pyarrow

# glibc's allocator, where there is one; elsewhere there is nothing to do.
_LIBC_NAME = ctypes.util.find_library("c")
_LIBC = ctypes.CDLL(_LIBC_NAME) if _LIBC_NAME else None


def use_system_allocator_for_arrow() -> None:
    """Have Arrow allocate through the C library's malloc instead of its bundled mimalloc.

    mimalloc keeps what a thread freed in that thread's own heap, and a server runs each session's script in a
    thread of its own: twenty visitors searching at once left 200 MB behind at 100,000 entries, against 17 MB
    with malloc (bench/memory_bench.py). Arrow's work here is parsing and taking rows, where the two are alike.
    """
    # An operator's own choice (Arrow's ARROW_DEFAULT_MEMORY_POOL) is kept.
    if "ARROW_DEFAULT_MEMORY_POOL" not in os.environ and pyarrow.default_memory_pool().backend_name != "system":
        pyarrow.set_memory_pool(pyarrow.system_memory_pool())


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


# Growth of the process's own memory, since it last gave memory back, worth giving back after a page run: a
# trim costs about 10 ms on a fragmented heap, so it is done after the runs that grew it, not after every run.
_GROWTH_BEFORE_RETURN = 24 * 2**20
_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
_own_after_last_return = 0


def _own_memory() -> int:
    # Resident pages not backed by a file (statm: resident minus shared), in bytes; 0 where there is no /proc.
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            fields = statm.read().split()
        return (int(fields[1]) - int(fields[2])) * _PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return 0


def return_memory_if_grown() -> None:
    """After a page run: give freed memory back if the process's own memory grew 24 MB since it last did so."""
    global _own_after_last_return
    own = _own_memory()
    if own - _own_after_last_return > _GROWTH_BEFORE_RETURN:
        return_freed_memory()
        _own_after_last_return = _own_memory()
    elif own < _own_after_last_return:
        _own_after_last_return = own
