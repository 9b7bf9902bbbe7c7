"""The root of every error the domain raises on purpose: a caller catches the directory's own errors in one clause."""

from __future__ import annotations


class DirectoryError(Exception):
    """Base of every error `directory` raises for a reason a person can act on; its message says what and where."""


class DirectoryLookupError(DirectoryError, KeyError):
    """Something named was not found; str() is the plain message, without KeyError's quotes."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class Message(str):
    """Text for a person that can be said again in any language: its English id and values travel with it.

    The string itself is the text in the language current when it was made; `text()` says it in the current
    language, `english` in English. Held problems (a loaded version's, shared by sessions in different
    languages) keep a Message and translate it when shown.
    """

    msgid: str
    values: dict

    def __new__(cls, msgid: str, **values: object) -> Message:
        made = super().__new__(cls, _render(msgid, values))
        made.msgid, made.values = msgid, values
        return made

    def __reduce__(self) -> tuple:
        return (_message, (self.msgid, self.values))

    def text(self) -> str:
        """The message in the current language."""
        return _render(self.msgid, self.values)

    @property
    def english(self) -> Message:
        """The same message made in English."""
        from directory.i18n import language

        with language("en"):
            return Message(self.msgid, **self.values)


def _message(msgid: str, values: dict) -> Message:
    return Message(msgid, **values)


def _render(msgid: str, values: dict) -> str:
    from directory.i18n import _  # i18n needs nothing from here; imported late to keep errors first to load

    said = _(msgid)
    if not values:
        return said
    return said.format(**{key: value.text() if isinstance(value, Message) else value for key, value in values.items()})


def message_of(error: BaseException | str) -> Message:
    """An error's (or a text's) Message: the one it was raised with, or its text as a message of its own."""
    first = error.args[0] if isinstance(error, BaseException) and error.args else error
    # A plain text has no values: it is never formatted, so its braces stay as they are.
    return first if isinstance(first, Message) else Message(str(first))
