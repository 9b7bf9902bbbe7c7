"""The Import and export page: upload, mapping, preview, rejects, import, and a download per format."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit import config as streamlit_config

from directory.interop.formats import EXPORT_FORMATS
from directory.routes import visible_routes
from directory.store import Store
from tests.apps import signed_in_app

CSV = (b"Agency Name,Category,Phone1Number,PhysicalPostalCode,Extra\r\n"
       b"Harbor House,recovery_housing,215-555-0101,19104,x\r\n"
       b",sober_social,,19104,y\r\n")


def _upload(data_dir: Path, content: bytes, name: str = "list.csv"):
    at = signed_in_app(data_dir).switch_page("pages/transfer.py").run()
    at.file_uploader(key="x_upload").upload(name, content, "text/csv")
    return at.run()


def test_only_signed_in_peer_leaders_see_the_page() -> None:
    """The page is registered for curators, never for visitors."""
    assert "pages/transfer.py" not in {r.script for r in visible_routes(None)}
    assert "pages/transfer.py" in {r.script for r in visible_routes("curator")}


def test_an_upload_is_mapped_previewed_and_imported(sample_dir: Path) -> None:
    """Guessed columns are shown, the preview counts one add and one reject, and Import writes the good row."""
    at = _upload(sample_dir, CSV)
    assert not at.exception
    mapping = dict(zip(at.dataframe[0].value["column in your file"], at.dataframe[0].value["imported as"],
                       strict=True))
    assert mapping == {"Agency Name": "name", "Category": "category", "Phone1Number": "phone",
                       "PhysicalPostalCode": "zip", "Extra": ""}
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"To add": "1", "To update": "0", "Unchanged": "0", "Rejected": "1", "Public": "1",
                       "Pending review": "0", "Retired": "0"}
    preview = at.dataframe[1].value
    assert list(preview["name"]) == ["Harbor House"] and list(preview["inferred"]) == ["support_types"]
    assert any("inferred" in caption.value for caption in at.caption)
    assert [b.label for b in at.get("download_button")][:2] == ["Save this mapping for next time",
                                                               "Download the rejected rows (CSV)"]
    before = len(Store(sample_dir).read_raw())
    at.button(key="x_import").click().run()
    assert not at.exception
    assert any("1 added" in s.value for s in at.success)
    after = Store(sample_dir).read_raw()
    assert len(after) == before + 1 and "Harbor House" in set(after["name"])
    assert after[after["name"] == "Harbor House"].iloc[0]["created_by"] == "lee"


def test_all_or_nothing_imports_nothing_when_a_row_is_rejected(sample_dir: Path) -> None:
    """Ticking all-or-nothing, the import writes nothing and says why."""
    at = _upload(sample_dir, CSV)
    before = (sample_dir / "resources.csv").read_bytes()
    at.checkbox(key="x_all").check().run()
    at.button(key="x_import").click().run()
    assert any("nothing was imported" in w.value for w in at.warning)
    assert (sample_dir / "resources.csv").read_bytes() == before


@pytest.mark.parametrize("content", [b"\x00\x01\xff\xfe" * 100, b"PK\x03\x04broken", b""])
def test_an_unusable_file_gets_a_clear_message(sample_dir: Path, content: bytes) -> None:
    """Binary junk, a broken zip or an empty file: an error message, no crash, nothing written."""
    before = (sample_dir / "resources.csv").read_bytes()
    at = _upload(sample_dir, content, "junk.csv" if content[:2] != b"PK" else "junk.zip")
    assert not at.exception
    assert any("cannot be imported" in e.value for e in at.error)
    assert (sample_dir / "resources.csv").read_bytes() == before


def test_a_file_over_the_upload_limit_is_refused(sample_dir: Path) -> None:
    """The server's own upload limit is enforced by the page too."""
    streamlit_config.set_option("server.maxUploadSize", 1)
    try:
        at = _upload(sample_dir, CSV + b"Big,sober_social,,19104," + b"x" * 2 * 2**20 + b"\r\n")
    finally:
        streamlit_config.set_option("server.maxUploadSize", 20)
    assert any("larger than 1 MB" in e.value for e in at.error)
    assert not at.metric


def test_every_export_format_has_a_download(sample_dir: Path) -> None:
    """The Export tab offers one download per format."""
    at = signed_in_app(sample_dir).switch_page("pages/transfer.py").run()
    labels = [b.label for b in at.get("download_button")]
    assert labels == list(EXPORT_FORMATS.values())
