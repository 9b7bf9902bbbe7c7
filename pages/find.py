"""Find support: search, filter, sort by distance, and open a shareable detail view."""

from dataclasses import replace

import streamlit as st

from directory import taxonomy as tx
from directory.i18n import _, ngettext, number
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


loaded = start_directory_page(_("Find peer recovery support"))
detail_id = st.query_params.get(filters.DETAIL_PARAM)
# Only the cards that can be shown are taken out of the directory (the count covers every match); a detail
# view searches in full, to give the entry its distance whenever it matches.
limit = None if detail_id else max(int(st.session_state.get("find_shown", PAGE_SIZE)), PAGE_SIZE)
outcome = filters.search_with_filters(loaded.index, limit=limit)
query, place, results, matches = replace(outcome.query, limit=None), outcome.place, outcome.results, outcome.matches

if detail_id:
    st.button(_("← Back to results"), on_click=close_detail, key="back")
    match = loaded.index.frame[loaded.index.frame["id"] == detail_id]
    if match.empty:
        st.warning(_("That entry is no longer listed. It may have been retired or its link mistyped."))
    else:
        distance = results.loc[results["id"] == detail_id, "distance_miles"]
        detail_view(match.iloc[0].to_dict(), float(distance.iloc[0]) if len(distance) else None)
    st.stop()

if place:
    st.caption(ngettext("{count} result within {miles} miles of {place}, nearest first.",
                        "{count} results within {miles} miles of {place}, nearest first.", matches).format(
        count=number(matches), miles=number(query.radius_miles, digits=0 if query.radius_miles % 1 == 0 else 1),
        place=place.label))
else:
    st.caption(ngettext("{count} result.", "{count} results.", matches).format(count=number(matches)))

if not matches and not outcome.problem:
    tips = [_("check the spelling or use fewer words")] if query.text else []
    tips += [_("widen the distance")] if place else []
    if filters.active_filter_labels():
        tips += [_("drop a filter ({filters})").format(filters=", ".join(filters.active_filter_labels()))]
    st.info(_("Nothing matches yet. Try to {tips}.").format(
        tips=_(", or ").join(tips or [_("search for something else")])))
    st.markdown(crisis_markdown())
    if place and place.zip:
        need = query.categories[0] if query.categories else "any"
        st.button(_("Log this as an unmet need (category, ZIP and week only)"), key="log_unmet", on_click=log_unmet,
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
    st.button(_("Show more"), on_click=lambda: st.session_state.update(find_shown=shown + PAGE_SIZE))

with st.expander(_("About peer recovery support")):
    st.markdown(_(
        "Peer recovery support is offered by people with lived experience of addiction and recovery. "
        "It is not clinical treatment, and it can come before, during or after treatment, or without it. "
        "Peers offer four kinds of support:"
    ))
    st.markdown("\n".join(f"- **{t.symbol} {t.label}**: {t.explanation}" for t in tx.SUPPORT_TYPES))
    st.markdown(_(
        "There are many pathways to recovery (twelve-step, SMART Recovery, secular, faith-based, "
        "medication-supportive and more), and people may combine or change them over time. "
        "This directory lists every pathway side by side and does not rank one above another."
    ))
    st.markdown(_(
        "Peers share what helped them; they do not diagnose or give clinical advice. "
        "This directory does not keep or log what you search for."
    ))
