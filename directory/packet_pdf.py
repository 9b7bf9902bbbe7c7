"""A packet as a one-page-per-few-entries PDF in large type, with a QR code that opens the packet's link."""

from __future__ import annotations

import io
import unicodedata
from datetime import datetime

import segno
from fpdf import FPDF

from directory.crisis import crisis_text
from directory.packet import NO_LONGER_LISTED, NOTE_MAX_CHARS, PacketEntry, entry_lines

_TYPOGRAPHY = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-",
                             "\u2014": "-", "\u2026": "...", "\u00a0": " ", "\u2022": "-", "·": "-"})


def pdf_safe(text: str) -> str:
    """Text the PDF's built-in fonts can draw: Latin-1 kept, accents outside it dropped, other letters as '?'.

    The built-in fonts keep the PDF small and need no font file; names in other scripts are printed as '?'
    rather than breaking the download (the plain-text version keeps every character).
    """
    text = text.translate(_TYPOGRAPHY)
    out = []
    for char in text:
        if ord(char) < 256:
            out.append(char)
            continue
        base = unicodedata.normalize("NFKD", char).encode("latin-1", "ignore").decode("latin-1")
        out.append(base or "?")
    return "".join(out)


def packet_pdf(entries: list[PacketEntry], now: datetime, note: str = "", link: str = "") -> bytes:
    """The packet as PDF bytes: a title, each entry in large type, the note, a QR code of the link, crisis lines."""
    pdf = FPDF(format="Letter")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_title("Places that could help")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 22)
    pdf.multi_cell(0, 11, "Places that could help", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    for n, entry in enumerate(entries, start=1):
        pdf.set_font("Helvetica", "B", 16)
        name = entry.row["name"] if entry.listed else f"({NO_LONGER_LISTED})"
        pdf.multi_cell(0, 8, pdf_safe(f"{n}. {name}"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 13)
        for line in entry_lines(entry.row, now) if entry.listed else []:
            pdf.multi_cell(0, 6.5, pdf_safe(line), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    if note.strip():
        pdf.set_font("Helvetica", "I", 14)
        pdf.multi_cell(0, 7, pdf_safe("Note: " + note.strip()[:NOTE_MAX_CHARS]), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    if link:
        qr = io.BytesIO()
        segno.make(link, error="m").save(qr, kind="png", scale=6, border=2)
        qr.seek(0)
        pdf.image(qr, w=38)
        pdf.set_font("Helvetica", "", 11)
        pdf.multi_cell(0, 5.5, pdf_safe("Scan to open this list: " + link), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(0, 7, "In crisis or need help now?", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 13)
    for line in crisis_text():
        pdf.multi_cell(0, 6.5, pdf_safe(line), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
