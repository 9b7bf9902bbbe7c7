"""A packet in a real browser: add two places from Find, open Packet, download the PDF, open the share link."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.conftest import LOCAL_HOSTS, wait_for_app


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
    finally:
        shared.close()
    assert requests_seen.hosts <= LOCAL_HOSTS, requests_seen.hosts
