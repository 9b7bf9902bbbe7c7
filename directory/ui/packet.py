"""The session's packet: add, move and remove entries, and a shared packet's read-only view.

The packet lives in session state only, never on disk.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

import pandas as pd
import streamlit as st

from directory.crisis import crisis_heading, crisis_text
from directory.i18n import _, current_language, ngettext
from directory.packet import (
    MAX_ENTRIES,
    NO_LONGER_LISTED,
    NOTE_MAX_CHARS,
    EntryLine,
    PacketEntry,
    base_url_of,
    entry_details,
    entry_lines,
    entry_name,
    join_online,
    parse_ids,
)
from directory.routes import PACKET_PARAM
from directory.text import escape_markdown as md
from directory.text import markdown_link as md_link
from directory.ui.banners import crisis_markdown
from directory.ui.services import app_settings

PACKET_KEY = "packet_ids"
NOTE_KEY = "packet_note"
_FROM_LINK_KEY = "packet_from_link"


def rows_of(frame: pd.DataFrame, ids: Iterable[str]) -> pd.DataFrame:
    """The frame's rows with these ids: a packet's few places, picked before anything works on the whole frame."""
    # One vectorised look-up over the ids; packet.build_packet then filters a handful of rows, not 100,000.
    return frame[frame["id"].isin(list(ids))]


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
        st.button(_("In packet ✓"), key=key, disabled=True)
    else:
        st.button(_("Add to packet"), key=key, on_click=add, args=(resource_id,),
                  disabled=len(packet_ids()) >= MAX_ENTRIES, help=_("Build a list to give someone (Packet page)"))


def load_shared_link() -> list[str]:
    """The ids of a shared link (?ids=) that is not this session's own packet; [] when the packet is ours to edit."""
    given = st.query_params.get(PACKET_PARAM, "")
    if not given or st.session_state.get(_FROM_LINK_KEY) == given:
        return []
    ids = parse_ids(given)
    if ids == packet_ids():
        # The sender opened their own link: it stays their editing page even after they change the packet.
        st.session_state[_FROM_LINK_KEY] = given
        return []
    return ids


def _adopt(ids: list[str]) -> None:
    _set(ids)
    st.session_state[_FROM_LINK_KEY] = st.query_params.get(PACKET_PARAM, "")
    # The page's address then names no shared packet, so moving or removing an entry keeps the editing page.
    st.query_params.pop(PACKET_PARAM, None)


def shared_view(entries: list[PacketEntry]) -> None:
    """A shared packet as its receiver sees it: the places and the crisis lines, and a way to make it theirs."""
    mine = packet_ids()
    replaces = " " + ngettext("It replaces the {count} place in your packet now.",
                              "It replaces the {count} places in your packet now.", len(mine)).format(
        count=len(mine)) if mine else ""
    with st.container(key="pk_shared"):
        st.header(_("Places someone shared with you"))
        for n, entry in enumerate(entries, start=1):
            with st.container(border=True):
                st.markdown(entry_markdown(n, entry))
        missing = sum(not entry.listed for entry in entries)
        if missing:
            st.warning(ngettext("{count} of these places is no longer listed in the directory: it was retired or "
                                "removed.",
                                "{count} of these places are no longer listed in the directory: they were retired or "
                                "removed.", missing).format(count=missing))
        st.info(crisis_markdown(), icon=":material/call:")
    st.button(_("Make this my packet"), key="pk_adopt", on_click=_adopt, args=([e.resource_id for e in entries],),
              help=_("Copy these places into your own packet in this browser session, to reorder, print or share.")
                   + replaces)


def _line_markdown(line: EntryLine, online: str) -> str:
    if line.link:
        return md(line.lead) + md_link(line.number, line.link)
    if online and line.text == join_online(online):
        # Escaped text is never turned into a link, so the app writes this one itself.
        return md(join_online(online).removesuffix(online)) + md_link(online, online)
    return md(line.text)


def entry_markdown(n: int, entry: PacketEntry) -> str:
    """One entry as Markdown: its name in bold, then its lines, each phone number a tap-to-call link."""
    if not entry.listed:
        return _("**{n}. No longer listed** (id {id}): it was retired or removed.").format(
            n=n, id=md(entry.resource_id))
    online = entry.row.get("conference_url", "")
    lines = [_line_markdown(line, online) for line in entry_details(entry.row, app_settings().current_time())]
    return f"**{n}. {md(entry_name(entry.row))}**  \n" + "  \n".join(lines)


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
        st.markdown(entry_markdown(n, entry))
        up, down, out = st.columns(3)
        up.button(_("Move up"), key=f"pk_up_{entry.resource_id}", on_click=move, args=(entry.resource_id, -1),
                  disabled=n == 1)
        down.button(_("Move down"), key=f"pk_down_{entry.resource_id}", on_click=move, args=(entry.resource_id, 1),
                    disabled=n == count)
        out.button(_("Remove"), key=f"pk_remove_{entry.resource_id}", on_click=remove, args=(entry.resource_id,))


PRINT_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stSidebarNav"],
.stButton, .stDownloadButton, [data-testid="stElementToolbar"] { display: none !important; }
.packet-print { font-size: 1.35rem; line-height: 1.5; }
.packet-print h2 { font-size: 2rem; }
@media print { [data-testid="stAlert"] { display: none !important; } .packet-print { font-size: 14pt; } }
</style>"""


def print_view(entries: list[PacketEntry], note: str) -> None:
    """Large type without navigation: the browser's Print gives a clean page."""
    # The lang attribute lets a screen reader or the browser's print read the page in its language.
    title = html.escape(_("Places that could help"))
    parts = [f"<div class='packet-print' lang='{current_language()}'><h2>{title}</h2>"]
    now = app_settings().current_time()
    for n, entry in enumerate(entries, start=1):
        if not entry.listed:
            parts.append(f"<p><b>{n}. ({html.escape(_(NO_LONGER_LISTED))})</b></p>")
            continue
        lines = "<br>".join(html.escape(line) for line in entry_lines(entry.row, now))
        parts.append(f"<p><b>{n}. {html.escape(entry_name(entry.row))}</b><br>{lines}</p>")
    if note.strip():
        note_text = _("Note: {note}").format(note=note.strip()[:NOTE_MAX_CHARS])
        parts.append(f"<p><i>{html.escape(note_text)}</i></p>")
    parts.append(f"<p><b>{html.escape(crisis_heading())}</b><br>" + "<br>".join(html.escape(x) for x in crisis_text())
                 + "</p></div>")
    st.html(PRINT_CSS + "".join(parts))
