"""The session's packet: add, move and remove entries. It lives in session state only, never on disk."""

from __future__ import annotations

import html

import streamlit as st

from directory.crisis import crisis_text
from directory.packet import (
    MAX_ENTRIES,
    NO_LONGER_LISTED,
    NOTE_MAX_CHARS,
    PacketEntry,
    base_url_of,
    entry_lines,
    parse_ids,
)
from directory.routes import PACKET_PARAM
from directory.text import escape_markdown as md
from directory.ui.services import app_settings

PACKET_KEY = "packet_ids"
NOTE_KEY = "packet_note"
_FROM_LINK_KEY = "packet_from_link"


def packet_ids() -> list[str]:
    """The ids in this session's packet, in order."""
    return list(st.session_state.get(PACKET_KEY, []))


def _set(ids: list[str]) -> None:
    st.session_state[PACKET_KEY] = ids[:MAX_ENTRIES]


def add(resource_id: str) -> None:
    """Put an entry at the end of the packet (once)."""
    ids = packet_ids()
    if resource_id not in ids:
        _set([*ids, resource_id])


def remove(resource_id: str) -> None:
    """Take an entry out of the packet."""
    _set([i for i in packet_ids() if i != resource_id])


def move(resource_id: str, step: int) -> None:
    """Move an entry up (-1) or down (+1)."""
    ids = packet_ids()
    at = ids.index(resource_id)
    to = max(0, min(len(ids) - 1, at + step))
    ids.insert(to, ids.pop(at))
    _set(ids)


def add_button(resource_id: str, key: str) -> None:
    """'Add to packet', or a quiet note once the entry is in it."""
    if resource_id in packet_ids():
        st.button("In packet ✓", key=key, disabled=True)
    else:
        st.button("Add to packet", key=key, on_click=add, args=(resource_id,),
                  disabled=len(packet_ids()) >= MAX_ENTRIES, help="Build a list to give someone (Packet page)")


def load_shared_link() -> None:
    """Rebuild the packet from a shared link's ?ids=, once per link opened."""
    given = st.query_params.get(PACKET_PARAM, "")
    if given and st.session_state.get(_FROM_LINK_KEY) != given:
        st.session_state[_FROM_LINK_KEY] = given
        _set(parse_ids(given))


def base_url() -> str:
    """The app's public address: the setting, else the address this browser used."""
    configured = app_settings().public_url
    if configured:
        return configured
    try:
        return base_url_of(st.context.url or "")
    except AttributeError:  # not running in a browser session (AppTest)
        return ""


def entry_block(n: int, entry: PacketEntry, count: int) -> None:
    """One entry of the packet with its move and remove buttons."""
    with st.container(border=True):
        if entry.listed:
            lines = entry_lines(entry.row, app_settings().current_time())
            st.markdown(f"**{n}. {md(entry.row['name'])}**  \n" + "  \n".join(md(x) for x in lines))
        else:
            st.markdown(f"**{n}. No longer listed** (id {md(entry.resource_id)}): it was retired or removed.")
        up, down, out = st.columns(3)
        up.button("Move up", key=f"pk_up_{entry.resource_id}", on_click=move, args=(entry.resource_id, -1),
                  disabled=n == 1)
        down.button("Move down", key=f"pk_down_{entry.resource_id}", on_click=move, args=(entry.resource_id, 1),
                    disabled=n == count)
        out.button("Remove", key=f"pk_remove_{entry.resource_id}", on_click=remove, args=(entry.resource_id,))


PRINT_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stSidebarNav"],
.stButton, .stDownloadButton, [data-testid="stElementToolbar"] { display: none !important; }
.packet-print { font-size: 1.35rem; line-height: 1.5; }
.packet-print h2 { font-size: 2rem; }
@media print { [data-testid="stAlert"] { display: none !important; } .packet-print { font-size: 14pt; } }
</style>"""


def print_view(entries: list[PacketEntry], note: str) -> None:
    """Large type without navigation: the browser's Print gives a clean page."""
    parts = ["<div class='packet-print'><h2>Places that could help</h2>"]
    now = app_settings().current_time()
    for n, entry in enumerate(entries, start=1):
        if not entry.listed:
            parts.append(f"<p><b>{n}. ({html.escape(NO_LONGER_LISTED)})</b></p>")
            continue
        lines = "<br>".join(html.escape(line) for line in entry_lines(entry.row, now))
        parts.append(f"<p><b>{n}. {html.escape(entry.row['name'])}</b><br>{lines}</p>")
    if note.strip():
        parts.append(f"<p><i>Note: {html.escape(note.strip()[:NOTE_MAX_CHARS])}</i></p>")
    parts.append("<p><b>In crisis or need help now?</b><br>" + "<br>".join(html.escape(x) for x in crisis_text())
                 + "</p></div>")
    st.html(PRINT_CSS + "".join(parts))
