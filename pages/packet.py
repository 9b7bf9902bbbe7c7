"""Packet: a short list of places to give someone, to print, download, text or share as a link."""

import streamlit as st

from directory.i18n import _, current_language, language, ngettext
from directory.packet import NOTE_MAX_CHARS, build_packet, packet_text, share_link
from directory.ui import packet
from directory.ui.services import app_settings
from directory.ui.shell import start_directory_page

loaded = start_directory_page(_("Packet"))
# A shared link may carry ?lang=es beside ?ids=: the language was fixed from it before the page began, and it
# stays in the address, so the receiver reads the packet in the language it was sent in.
shared = packet.load_shared_link()
if shared:
    # Someone else's packet: theirs to read, not to edit, until they make it their own.
    st.caption(_("Nothing about the person is asked for, stored or logged: this list lives only in this browser "
                 "session, and the link that opened it carries only the ids of the places."))
    packet.shared_view(build_packet(packet.rows_of(loaded.index.frame, shared), shared))
    st.stop()
st.caption(_("Nothing about the person is asked for, stored or logged: the packet and the note live only in this "
             "browser session, and the link below carries only the ids of the places."))
ids = packet.packet_ids()
if not ids:
    st.info(_("The packet is empty. Use **Add to packet** on Find support, Map or Events to gather a few places "
              "that could help, then come back here to print, download or share them."))
    st.stop()

entries = build_packet(packet.rows_of(loaded.index.frame, ids), ids)
printing = st.toggle(_("Print view (large type, no menus; then use your browser's Print)"), key="pk_print")
note = st.session_state.get(packet.NOTE_KEY, "")
if printing:
    packet.print_view(entries, note)
    st.stop()

for n, entry in enumerate(entries, start=1):
    packet.entry_block(n, entry, len(entries))
missing = sum(not entry.listed for entry in entries)
if missing:
    st.warning(ngettext("{count} of these places is no longer listed: it was retired or removed from the directory. "
                        "Remove it, or look for another place.",
                        "{count} of these places are no longer listed: they were retired or removed from the "
                        "directory. Remove them, or look for another place.", missing).format(count=missing))

st.text_area(_("A short note for the person (optional), for example “ask for Dana”"), key=packet.NOTE_KEY,
             max_chars=NOTE_MAX_CHARS, help=_("Printed on the PDF and in the text; never saved."))
note = st.session_state.get(packet.NOTE_KEY, "")
# In the current language: the link carries ?lang=es when Spanish is chosen, so the person opens it in Spanish.
link = share_link(ids, packet.base_url())
st.markdown(_("**Share link** (only the ids of the places):"))
st.code(link, language=None)
now = app_settings().current_time()
text = packet_text(entries, now, note, link)
pdf_column, text_column = st.columns(2)


chosen = current_language()


def pdf_file() -> bytes:
    # Imported here: the PDF library and its fonts are 16 MB of a server's memory, needed only for a download.
    from directory.packet_pdf import packet_pdf

    # Streamlit makes the file when the button is pressed, outside this script run and its language: keep it.
    with language(chosen):
        return packet_pdf(entries, now, note, link)


# A callable: the PDF is made only when the button is pressed, not on every rerun (a third of the page's time).
pdf_column.download_button(_("Download PDF"), pdf_file, _("packet.pdf"),
                           "application/pdf", key="pk_pdf", on_click="ignore", type="primary")
text_column.download_button(_("Download text for a message"), text, _("packet.txt"), "text/plain", key="pk_txt",
                            on_click="ignore")
with st.expander(_("Text for a message or e-mail")):
    st.code(text, language=None)
