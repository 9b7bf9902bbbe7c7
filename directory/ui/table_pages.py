"""Long tables a page at a time: a peer leader's table of 100,000 entries is never sent to the browser whole."""

from __future__ import annotations

import streamlit as st

from directory.i18n import _, number

ROWS_PER_TABLE_PAGE = 100


def page_count(total: int) -> int:
    """How many pages a table of `total` rows takes (at least one, so an empty table still has its page)."""
    return max(1, -(-total // ROWS_PER_TABLE_PAGE))


def requested_page(key: str, total: int | None = None) -> int:
    """The page the picker under `key` asks for (1 before it is drawn), kept within the table's pages."""
    page = int(st.session_state.get(key) or 1)
    return page if total is None else min(max(page, 1), page_count(total))


def table_pager(total: int, key: str, *, disabled: bool = False, why_disabled: str = "") -> int:
    """Draw the page picker of a table of `total` rows (only when it has more than one page) and the rows shown;
    returns the position of the first row shown."""
    pages = page_count(total)
    page = requested_page(key, total)
    if pages > 1:
        st.session_state[key] = page  # a table that shrank keeps a page that exists
        st.number_input(_("Page, of {pages}").format(pages=number(pages)), min_value=1, max_value=pages, step=1,
                        key=key, disabled=disabled,
                        help=why_disabled or None)
    elif key in st.session_state:
        del st.session_state[key]
    start = (page - 1) * ROWS_PER_TABLE_PAGE
    if total > ROWS_PER_TABLE_PAGE:
        st.caption(_("Rows {first} to {last} of {total}.").format(
            first=number(start + 1), last=number(min(start + ROWS_PER_TABLE_PAGE, total)), total=number(total)))
    return start
