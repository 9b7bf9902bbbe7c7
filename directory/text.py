"""Cleaning user-supplied text on the way in, and escaping it on the way out."""

from __future__ import annotations

import re
from urllib.parse import quote

from directory.i18n import ngettext, number

# C0 and C1 control characters, plus bidirectional overrides and zero-width
# characters, which can disguise a name or a link when it is shown.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_LINE_BREAKS = re.compile(r"\r\n?|\n")
_SPACES = re.compile(r"[ \t]+")

# Everything that Streamlit's Markdown gives a meaning to, including its own
# extensions: ":colour[...]" directives, ":emoji:" short codes and "$" maths.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=\"'^])")
# Streamlit's Markdown also acts on text after parsing, where a backslash escape no longer counts: GFM turns
# "http://", "www." and "name@host" into links, and its own plugins turn ":material/x:" into an icon,
# ":streamlit:" into an image and ":smile:" into an emoji (StreamlitMarkdown in Streamlit 1.67). An invisible
# word joiner (U+2060: no width, no line break, skipped by screen readers) inside each pattern breaks it.
_AFTER_PARSE = re.compile(r"(?<=:)(?=//)|(?<=www)(?=\.)|(?<=@)(?=[\w-])|(?<=:)(?=[\w+-][\w+/-]*:)", re.IGNORECASE)
_WORD_JOINER = "\u2060"
# Spaces that start a line would make an indented code block; no-break spaces look the same.
_LEADING_SPACE = re.compile(r"^[ \t]+", re.MULTILINE)
# What an address may keep as written: the URL delimiters and "%" (it may be encoded already).
_URL_SAFE = "%/:=&?~#+!$,;'@*[]-._"


def clean_text(value: str, *, multiline: bool = False) -> str:
    """Remove control characters and stray whitespace; keep line breaks only if multiline."""
    # Most cells are already clean: printable (no controls, bidi or zero-width marks, tabs or line breaks),
    # single-spaced and trimmed. Checking that is much cheaper than the substitutions below.
    if value.isprintable() and "  " not in value and value[:1] != " " and value[-1:] != " ":
        return value
    value = _CONTROL.sub("", value)
    if multiline:
        lines = [_SPACES.sub(" ", line).strip() for line in _LINE_BREAKS.split(value)]
        return "\n".join(lines).strip()
    value = _LINE_BREAKS.sub(" ", value).replace("\t", " ")
    return _SPACES.sub(" ", value).strip()


def escape_markdown(value: str) -> str:
    """User text for any Streamlit call that renders Markdown (headings, alerts, labels, help): shown as written.

    No Markdown, HTML, maths ($), link, image, autolink, :colour[...] directive, icon or emoji survives it.
    """
    value = _AFTER_PARSE.sub(_WORD_JOINER, value)
    value = _LEADING_SPACE.sub(lambda spaces: "\u00a0" * len(spaces.group()), value)
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", value)
    return escaped.replace("\n", "  \n")


def markdown_link(text: str, url: str) -> str:
    """A Markdown link written by the app: the text escaped, the address percent-encoded so it cannot break out."""
    # Parentheses, spaces, angle brackets and backslashes would end the address early or escape its closing ")".
    return f"[{escape_markdown(text)}]({quote(url, safe=_URL_SAFE)})"


def plural(count: int, singular: str, plural_form: str = "") -> str:
    """'1 result', '2 results': the count with the noun that agrees with it (plural_form for irregular nouns).

    Kept for callers written before the catalogue: it asks ngettext for '{count} result' / '{count} results',
    so it speaks Spanish wherever those messages are marked elsewhere. New code calls
    `ngettext("{count} result", "{count} results", n).format(count=number(n))` itself, which the extractor sees.
    """
    one, many = "{count} " + singular, "{count} " + (plural_form or singular + "s")
    return ngettext(one, many, count).format(count=number(count))
