"""A packet as a one-page-per-few-entries PDF in large type, with a QR code that opens the packet's link.

Every word is in the current language. The text is set in DejaVu Sans, a Unicode font shipped in the matplotlib
wheel (a pinned requirement), so Spanish letters (á é í ó ú ñ ü ¿ ¡) and most Latin, Greek and Cyrillic names
print as written; the PDF's built-in fonts print '?' for much of that.
"""

from __future__ import annotations

import importlib.util
import io
import logging
import unicodedata
from collections.abc import Container
from datetime import datetime
from functools import cache
from pathlib import Path

import segno
from fpdf import FPDF

from directory.crisis import crisis_heading, crisis_text
from directory.i18n import _, current_language
from directory.packet import NO_LONGER_LISTED, NOTE_MAX_CHARS, PacketEntry, entry_lines, entry_name

log = logging.getLogger(__name__)

_TYPOGRAPHY = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-",
                             "\u2014": "-", "\u2026": "...", "\u00a0": " ", "\u2022": "-", "·": "-"})
# The same marks for the Unicode font, which has a no-break space: Babel writes "7 p. m." with them, and they
# keep the time on one line.
_UNICODE_TYPOGRAPHY = {key: value for key, value in _TYPOGRAPHY.items() if key != 0xA0}

FONT_FAMILY = "DejaVu"
# fpdf2 style -> the DejaVu Sans file with that style, in matplotlib's mpl-data/fonts/ttf.
_FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}
_BUILT_IN_FAMILY = "Helvetica"


def pdf_safe(text: str) -> str:
    """Text the PDF's built-in fonts can draw: Latin-1 kept, accents outside it dropped, other letters as '?'.

    Used only when the Unicode font cannot be found; the plain-text version keeps every character.
    """
    return _printable(text.translate(_TYPOGRAPHY), range(256))


def _printable(text: str, glyphs: Container[int]) -> str:
    # A character the font lacks loses its accent when its plain letter is there, else becomes '?', so a name in
    # another script never breaks the download.
    out = []
    for char in text:
        if ord(char) in glyphs:
            out.append(char)
            continue
        parts = unicodedata.normalize("NFKD", char)
        base = "".join(c for c in parts if ord(c) in glyphs and not unicodedata.combining(c))
        out.append(base or "?")
    return "".join(out)


@cache
def font_files() -> dict[str, Path] | None:
    """DejaVu Sans (regular, bold, oblique) from the installed matplotlib wheel; None when it is not there."""
    # Found through the package's location, never by importing matplotlib (seconds and tens of MB for three paths).
    spec = importlib.util.find_spec("matplotlib")
    locations = list(spec.submodule_search_locations or []) if spec else []
    if not locations:
        return None
    folder = Path(locations[0]) / "mpl-data" / "fonts" / "ttf"
    files = {style: folder / name for style, name in _FONT_FILES.items()}
    return files if all(path.is_file() for path in files.values()) else None


class _PacketPDF:
    """An FPDF document with the Unicode font when there is one, and text made printable in it."""

    def __init__(self) -> None:
        self.pdf = FPDF(format="Letter")
        files = font_files()
        if files is None:
            log.warning("DejaVu Sans was not found in matplotlib; the packet PDF uses the built-in fonts")
            self.family, self.glyphs = _BUILT_IN_FAMILY, None
            return
        for style, path in files.items():
            self.pdf.add_font(FONT_FAMILY, style, str(path))
        self.family = FONT_FAMILY
        self.glyphs = self.pdf.fonts[FONT_FAMILY.lower()].cmap

    def font(self, style: str, size: float) -> None:
        self.pdf.set_font(self.family, style, size)

    def text(self, text: str) -> str:
        if self.glyphs is None:
            return pdf_safe(text)
        return _printable(text.translate(_UNICODE_TYPOGRAPHY), self.glyphs)

    def lines(self, height: float, text: str) -> None:
        self.pdf.multi_cell(0, height, self.text(text), new_x="LMARGIN", new_y="NEXT")


def packet_pdf(entries: list[PacketEntry], now: datetime, note: str = "", link: str = "") -> bytes:
    """The packet as PDF bytes: a title, each entry in large type, the note, a QR code of the link, crisis lines."""
    doc = _PacketPDF()
    pdf = doc.pdf
    title = _("Places that could help")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_title(title)
    # Tells screen readers which language to read the packet in.
    pdf.set_lang(current_language())
    pdf.add_page()
    doc.font("B", 22)
    doc.lines(11, title)
    pdf.ln(2)
    for n, entry in enumerate(entries, start=1):
        doc.font("B", 16)
        name = entry_name(entry.row) if entry.listed else f"({_(NO_LONGER_LISTED)})"
        doc.lines(8, f"{n}. {name}")
        doc.font("", 13)
        for line in entry_lines(entry.row, now) if entry.listed else []:
            doc.lines(6.5, line)
        pdf.ln(3)
    if note.strip():
        doc.font("I", 14)
        doc.lines(7, _("Note: {note}").format(note=note.strip()[:NOTE_MAX_CHARS]))
        pdf.ln(2)
    if link:
        # The link already carries the language (?lang=es), so the scanned packet opens in it.
        qr = io.BytesIO()
        segno.make(link, error="m").save(qr, kind="png", scale=6, border=2)
        qr.seek(0)
        pdf.image(qr, w=38)
        doc.font("", 11)
        doc.lines(5.5, _("Scan to open this list: {link}").format(link=link))
        pdf.ln(2)
    doc.font("B", 14)
    doc.lines(7, crisis_heading())
    doc.font("", 13)
    for line in crisis_text():
        doc.lines(6.5, line)
    return bytes(pdf.output())
