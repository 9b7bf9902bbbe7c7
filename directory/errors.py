"""The root of every error the domain raises on purpose: a caller catches the directory's own errors in one clause."""

from __future__ import annotations


class DirectoryError(Exception):
    """Base of every error `directory` raises for a reason a person can act on; its message says what and where."""


class DirectoryLookupError(DirectoryError, KeyError):
    """Something named was not found; str() is the plain message, without KeyError's quotes."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""
