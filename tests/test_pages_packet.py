"""The Packet page: build from Find and Events, reorder, remove, open a shared link read-only and adopt it,
retired ids, tap-to-call numbers, no trace."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from directory.auth import Curator
from directory.routes import visible_routes
from directory.store import Store
from tests.apps import APP
from tests.factories import shown

NOTE = "ask for Dana-7f3c9e"


def _app(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at


def _add_from_find(at: AppTest, count: int) -> list[str]:
    added = []
    for _ in range(count):
        button = next(b for b in at.button if b.label == "Add to packet" and b.key.startswith("pack-"))
        added.append(button.key.removeprefix("pack-"))
        button.click().run()
    return added


def _editing_buttons(at: AppTest) -> list[str]:
    return [b.label for b in at.button if b.label in ("Move up", "Move down", "Remove")]


def _shared_ids(sample_dir: Path, count: int) -> list[str]:
    """Active entries with a phone number, as another peer leader's packet would hold."""
    frame = Store(sample_dir).read_raw()
    return frame[(frame["status"] == "active") & (frame["phone"] != "")]["id"].tolist()[:count]


def _names_in_packet(at: AppTest) -> list[str]:
    return [m.value.split("**")[1].split(". ", 1)[1] for m in at.markdown if m.value.startswith("**") and
            m.value[2:3].isdigit() and "No longer listed" not in m.value]


def test_the_packet_page_is_public_in_the_peer_leaders_group() -> None:
    """Usable without signing in."""
    route = next(r for r in visible_routes(None) if r.script == "pages/packet.py")
    assert (route.url_path, route.group) == ("packet", "Peer leaders")


def test_build_reorder_and_remove(sample_dir: Path) -> None:
    """Add three from Find, move the last up, remove the first: the page follows each step."""
    at = _app(q="sober").run()
    ids = _add_from_find(at, 3)
    assert [b.label for b in at.button if b.key == f"pack-{ids[0]}"] == ["In packet ✓"]
    at.switch_page("pages/packet.py").run()
    assert not at.exception
    frame = Store(sample_dir).read_raw().set_index("id")
    names = [frame.loc[i, "name"] for i in ids]
    assert _names_in_packet(at) == names
    at.button(key=f"pk_up_{ids[2]}").click().run()
    assert _names_in_packet(at) == [names[0], names[2], names[1]]
    at.button(key=f"pk_remove_{ids[0]}").click().run()
    assert _names_in_packet(at) == [names[2], names[1]]
    assert at.code[0].value == f"/packet?ids={ids[2]},{ids[1]}"
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Download PDF", "Download text for a message"]


def test_add_from_an_event_card(sample_dir: Path) -> None:
    """Events carry the same button; the packet then holds that event."""
    at = _app().switch_page("pages/events.py").run()
    at.radio(key="ev_view").set_value("This week").run()
    button = next(b for b in at.button if b.label == "Add to packet")
    button.click().run()
    at.switch_page("pages/packet.py").run()
    assert len(_names_in_packet(at)) == 1


def test_a_shared_link_shows_the_places_and_names_retired_ids(sample_dir: Path) -> None:
    """?ids= shows the places in order; a retired id and an unknown id are shown as no longer listed."""
    store = Store(sample_dir)
    frame = store.read_raw()
    active = frame[frame["status"] == "active"]["id"].tolist()[:2]
    retired = frame[frame["status"] == "inactive"]["id"].iloc[0]
    at = _app(ids=f"{active[1]},{retired},{active[0]},gone-404").switch_page("pages/packet.py").run()
    assert not at.exception
    names = frame.set_index("id")
    assert _names_in_packet(at) == [names.loc[active[1], "name"], names.loc[active[0], "name"]]
    no_longer = [shown(m.value) for m in at.markdown if "No longer listed" in m.value]
    assert len(no_longer) == 2 and retired in no_longer[0] and "gone" in no_longer[1]
    assert any("2 of these places are no longer listed" in w.value for w in at.warning)


def test_an_entry_retired_after_it_was_added_turns_into_no_longer_listed(sample_dir: Path) -> None:
    """The packet keeps the id; the page says it is no longer listed."""
    at = _app(q="sober").run()
    (added,) = _add_from_find(at, 1)
    store = Store(sample_dir)
    store.update(added, {"status": "inactive"}, base_version=store.get(added)["row_version"],
                 by=Curator("lee", "curator"))
    at.switch_page("pages/packet.py").run()
    assert any("No longer listed" in m.value and added in shown(m.value) for m in at.markdown)


def test_the_note_never_reaches_the_data_folder_or_the_link(sample_dir: Path) -> None:
    """Write a distinctive note, make the downloads: no file under the data folder contains it."""
    at = _app(q="sober").run()
    _add_from_find(at, 2)
    at.switch_page("pages/packet.py").run()
    at.text_area(key="packet_note").set_value(NOTE).run()
    assert NOTE in at.code[1].value  # the text for a message, made in memory for this session
    assert NOTE not in at.code[0].value
    for path in sample_dir.rglob("*"):
        if path.is_file():
            assert NOTE.encode() not in path.read_bytes(), path


def test_print_view_is_large_type_with_the_crisis_lines(sample_dir: Path) -> None:
    """The print view hides the menus and ends with the crisis lines."""
    at = _app(q="sober").run()
    _add_from_find(at, 1)
    at.switch_page("pages/packet.py").run()
    at.toggle(key="pk_print").set_value(True).run()
    printed = next(h.value for h in at.get("html") if "packet-print" in h.value)
    assert "988 Suicide &amp; Crisis Lifeline" in printed
    assert "stSidebar" in printed


def test_an_empty_packet_explains_how_to_fill_it(sample_dir: Path) -> None:
    """No ids yet: a hint, and the privacy sentence."""
    at = _app().switch_page("pages/packet.py").run()
    assert any("Add to packet" in i.value for i in at.info)
    assert any("Nothing about the person is asked for, stored or logged" in c.value for c in at.caption)


def test_a_shared_link_opens_read_only_with_tap_to_call_numbers_and_the_crisis_lines(sample_dir: Path) -> None:
    """A fresh session sees the names, tel: links and crisis lines, and nothing to move, remove or download."""
    ids = _shared_ids(sample_dir, 3)
    at = _app(ids=",".join(ids)).switch_page("pages/packet.py").run()
    assert not at.exception
    frame = Store(sample_dir).read_raw().set_index("id")
    assert _names_in_packet(at) == [frame.loc[i, "name"] for i in ids]
    assert _editing_buttons(at) == [] and not at.get("download_button") and not at.text_area and not at.code
    assert [b.label for b in at.button if b.key == "pk_adopt"] == ["Make this my packet"]
    entries = [m.value for m in at.markdown if m.value.startswith("**") and m.value[2:3].isdigit()]
    assert all("](tel:+1" in entry for entry in entries), entries
    crisis = [i.value for i in at.info if "988 Suicide" in i.value]
    assert len(crisis) == 2 and "(tel:988)" in crisis[1]  # the page's banner, and again under the places
    assert any("link that opened it carries only the ids" in c.value for c in at.caption)
    assert "packet_ids" not in at.session_state  # only adopting copies the ids into this session


def test_make_this_my_packet_copies_the_ids_and_opens_the_editing_page(sample_dir: Path) -> None:
    """After adopting, the page is the normal packet page, and it stays so while the receiver edits it."""
    ids = _shared_ids(sample_dir, 3)
    at = _app(ids=",".join(ids)).switch_page("pages/packet.py").run()
    at.button(key="pk_adopt").click().run()
    assert not at.exception
    assert at.session_state["packet_ids"] == ids
    assert _editing_buttons(at).count("Remove") == 3
    assert at.code[0].value == f"/packet?ids={','.join(ids)}"
    assert all("](tel:+1" in m.value for m in at.markdown if m.value.startswith("**1."))
    at.button(key=f"pk_remove_{ids[0]}").click().run()
    assert _editing_buttons(at).count("Remove") == 2 and not any(b.key == "pk_adopt" for b in at.button)


def test_adopting_replaces_what_the_receiver_had(sample_dir: Path) -> None:
    """A receiver with a packet of their own sees the shared one read-only, told that adopting replaces theirs."""
    at = _app(q="sober").run()
    (own,) = _add_from_find(at, 1)
    shared = [i for i in _shared_ids(sample_dir, 3) if i != own][:2]
    at.query_params["ids"] = ",".join(shared)
    at.switch_page("pages/packet.py").run()
    assert _editing_buttons(at) == []
    assert "replaces the 1 place in your packet" in at.button(key="pk_adopt").help
    at.button(key="pk_adopt").click().run()
    assert at.session_state["packet_ids"] == shared


def test_the_sender_opening_their_own_link_keeps_the_editing_page(sample_dir: Path) -> None:
    """The same ids as the session's packet: Move and Remove stay, and stay after a change."""
    at = _app(q="sober").run()
    ids = _add_from_find(at, 2)
    at.query_params["ids"] = ",".join(ids)
    at.switch_page("pages/packet.py").run()
    assert _editing_buttons(at).count("Remove") == 2
    at.button(key=f"pk_up_{ids[1]}").click().run()
    assert _editing_buttons(at).count("Remove") == 2 and not any(b.key == "pk_adopt" for b in at.button)


def test_the_pdf_is_made_only_when_its_button_is_pressed(sample_dir: Path, monkeypatch) -> None:
    """Reruns make no PDF; pressing Download PDF makes it, with the note written since."""
    from collections.abc import Callable

    from streamlit.runtime.media_file_manager import MediaFileManager

    import directory.packet_pdf

    kept: dict[str, Callable[[], bytes]] = {}
    register = MediaFileManager.add_deferred

    def keep(self: MediaFileManager, data_callable: Callable[[], bytes], *args: object, **kwargs: object) -> str:
        file_id = register(self, data_callable, *args, **kwargs)
        kept[file_id] = data_callable
        return file_id

    made: list[str] = []
    real = directory.packet_pdf.packet_pdf
    monkeypatch.setattr(MediaFileManager, "add_deferred", keep)
    monkeypatch.setattr(directory.packet_pdf, "packet_pdf",
                        lambda entries, now, note, link: made.append(note) or real(entries, now, note, link))
    at = _app(q="sober").run()
    _add_from_find(at, 2)
    at.switch_page("pages/packet.py").run()
    at.text_area(key="packet_note").set_value(NOTE).run()
    at.run()
    assert made == []
    button = next(d.proto for d in at.get("download_button") if d.proto.label == "Download PDF")
    assert not button.url, "the file is not made before the press"
    pdf = kept[button.deferred_file_id]()
    assert pdf.startswith(b"%PDF") and made == [NOTE]
