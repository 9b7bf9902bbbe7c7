"""A packet in a real browser: add two places from Find, open Packet, download the PDF, open the share link;
a share link opened on a phone is a read-only list with tap-to-call numbers, until the receiver adopts it."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

from directory.config import DEFAULT_DATA_DIR
from directory.crisis import CRISIS_LINES
from directory.packet import share_link
from directory.schema import phone_link
from directory.store import Store
from tests.e2e.conftest import LOCAL_HOSTS, wait_for_app

EDITING = re.compile(r"^(Move up|Move down|Remove)$")


def test_build_download_and_share_a_packet(page, app_url, requests_seen) -> None:
    """The packet survives moving to its page, the PDF downloads, and the link rebuilds it in a new session."""
    page.goto(app_url + "/?q=volleyball")
    wait_for_app(page)
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_role("button", name="Add to packet").nth(1)).to_be_visible()
    # Result names are the bold lines that match the search; the crisis banner's bold names do not.
    names = [text for text in main.locator("strong").all_inner_texts() if "Volleyball" in text][:2]
    assert len(names) == 2
    for added in (1, 2):
        main.get_by_role("button", name="Add to packet").first.click()
        # Wait for this click's own re-run to show, so the next click reaches the next button.
        expect(main.get_by_role("button", name="In packet ✓")).to_have_count(added)
    wait_for_app(page)

    page.get_by_role("link", name="Packet").click()
    wait_for_app(page)
    for n, name in enumerate(names, start=1):
        expect(main.get_by_text(f"{n}. {name}", exact=True)).to_be_visible()
    expect(main.get_by_text("Nothing about the person is asked for, stored or logged")).to_be_visible()

    with page.expect_download() as download:
        main.get_by_role("button", name="Download PDF").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")

    link = main.locator('[data-testid="stCode"] code').first.inner_text().strip()
    assert link.startswith(app_url + "/packet?ids=")
    shared = page.context.browser.new_page()
    try:
        shared.goto(link)
        wait_for_app(shared)
        for n, name in enumerate(names, start=1):
            expect(shared.get_by_text(f"{n}. {name}", exact=True)).to_be_visible()
        expect(shared.get_by_role("button", name="Make this my packet")).to_be_visible()
        expect(shared.get_by_role("button", name=EDITING)).to_have_count(0)
    finally:
        shared.close()
    assert requests_seen.hosts <= LOCAL_HOSTS, requests_seen.hosts


def test_a_share_link_on_a_phone_is_a_read_only_list_with_tap_to_call_numbers(phone_page, app_url,
                                                                               requests_seen) -> None:
    """A fresh phone browser: names, tel: links for each place and the crisis lines; adopting brings the editor."""
    frame = Store(DEFAULT_DATA_DIR).read_raw()  # the app serves a copy of this sample directory
    rows = frame[(frame["status"] == "active") & (frame["phone"] != "")].head(3).to_dict("records")
    phone_page.goto(app_url + share_link(row["id"] for row in rows))
    wait_for_app(phone_page)
    shared = phone_page.locator(".st-key-pk_shared")
    for n, row in enumerate(rows, start=1):
        expect(shared.get_by_text(f"{n}. {row['name']}", exact=True)).to_be_visible()
        call = shared.get_by_role("link", name=row["phone"], exact=True).first
        expect(call).to_be_visible()
        expect(call).to_have_attribute("href", phone_link(row["phone"]))
    for name, how, link in CRISIS_LINES:
        expect(shared.get_by_role("link", name=how, exact=True)).to_have_attribute("href", link)
        expect(shared.get_by_text(name)).to_be_visible()
    main = phone_page.locator('[data-testid="stMain"]')
    expect(main.get_by_role("button", name=EDITING)).to_have_count(0)
    expect(main.get_by_role("button", name="Download PDF")).to_have_count(0)

    main.get_by_role("button", name="Make this my packet").click()
    wait_for_app(phone_page)
    expect(main.get_by_role("button", name="Remove")).to_have_count(len(rows))
    expect(main.get_by_role("button", name="Download PDF")).to_be_visible()
    expect(phone_page).not_to_have_url(re.compile(r"ids="))
    for n, row in enumerate(rows, start=1):
        expect(main.get_by_text(f"{n}. {row['name']}", exact=True)).to_be_visible()
    assert requests_seen.hosts <= LOCAL_HOSTS, requests_seen.hosts
