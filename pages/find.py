"""Find support: search, filter, sort by distance, and open a shareable detail view."""

from dataclasses import replace

import streamlit as st

from directory import taxonomy as tx
from directory.text import plural
from directory.ui import filters
from directory.ui.banners import crisis_markdown
from directory.ui.cards import detail_view, result_card
from directory.ui.shell import start_directory_page
from directory.ui.suggest_form import report_unmet_need

PAGE_SIZE = filters.RESULTS_PER_PAGE


def open_detail(resource_id: str) -> None:
    st.query_params[filters.DETAIL_PARAM] = resource_id


def close_detail() -> None:
    st.query_params.pop(filters.DETAIL_PARAM, None)


def log_unmet(category: str, zip_code: str) -> None:
    st.session_state["unmet_logged"] = report_unmet_need(category, zip_code)


loaded = start_directory_page("Find peer recovery support")
detail_id = st.query_params.get(filters.DETAIL_PARAM)
# Only the cards that can be shown are taken out of the directory (the count covers every match); a detail
# view searches in full, to give the entry its distance whenever it matches.
limit = None if detail_id else max(int(st.session_state.get("find_shown", PAGE_SIZE)), PAGE_SIZE)
outcome = filters.search_with_filters(loaded.index, limit=limit)
query, place, results, matches = replace(outcome.query, limit=None), outcome.place, outcome.results, outcome.matches

if detail_id:
    st.button("← Back to results", on_click=close_detail, key="back")
    match = loaded.index.frame[loaded.index.frame["id"] == detail_id]
    if match.empty:
        st.warning("That entry is no longer listed. It may have been retired or its link mistyped.")
    else:
        distance = results.loc[results["id"] == detail_id, "distance_miles"]
        detail_view(match.iloc[0].to_dict(), float(distance.iloc[0]) if len(distance) else None)
    st.stop()

if place:
    st.caption(f"{plural(matches, 'result')} within {query.radius_miles:g} miles of {place.label}, nearest first.")
else:
    st.caption(f"{plural(matches, 'result')}.")

if not matches and not outcome.problem:
    tips = ["check the spelling or use fewer words"] if query.text else []
    tips += ["widen the distance"] if place else []
    tips += [f"drop a filter ({', '.join(filters.active_filter_labels())})"] if filters.active_filter_labels() else []
    st.info("Nothing matches yet. Try to " + ", or ".join(tips or ["search for something else"]) + ".")
    st.markdown(crisis_markdown())
    if place and place.zip:
        need = query.categories[0] if query.categories else "any"
        st.button("Log this as an unmet need (category, ZIP and week only)", key="log_unmet", on_click=log_unmet,
                  args=(need, place.zip))
    if logged := st.session_state.pop("unmet_logged", None):
        getattr(st, logged[0])(logged[1])

if st.session_state.get("find_query") != query:
    st.session_state.update(find_query=query, find_shown=PAGE_SIZE)
shown = st.session_state["find_shown"]
# One conversion of the shown rows, not a Series per card.
for row in results.head(shown).to_dict("records"):
    result_card(row, row["distance_miles"], open_detail)
if matches > shown:
    st.button("Show more", on_click=lambda: st.session_state.update(find_shown=shown + PAGE_SIZE))

with st.expander("About peer recovery support"):
    st.markdown(
        "Peer recovery support is offered by people with lived experience of addiction and recovery. "
        "It is not clinical treatment, and it can come before, during or after treatment, or without it. "
        "Peers offer four kinds of support:"
    )
    st.markdown("\n".join(f"- **{t.symbol} {t.label}**: {t.explanation}" for t in tx.SUPPORT_TYPES))
    st.markdown(
        "There are many pathways to recovery (twelve-step, SMART Recovery, secular, faith-based, "
        "medication-supportive and more), and people may combine or change them over time. "
        "This directory lists every pathway side by side and does not rank one above another."
    )
    st.markdown(
        "Peers share what helped them; they do not diagnose or give clinical advice. "
        "This directory does not keep or log what you search for."
    )
