"""Events: sober events and meetings happening now, today, tonight, this weekend or this week."""

from dataclasses import replace
from datetime import datetime, time, timedelta

import streamlit as st

from directory import schedule
from directory.i18n import _, ngettext, number
from directory.interop.ical import event_calendar
from directory.routes import language_params
from directory.search import SearchIndex, build_index
from directory.ui import filters
from directory.ui.cards import event_card
from directory.ui.services import app_settings
from directory.ui.shell import start_directory_page

PAGE_SIZE = filters.RESULTS_PER_PAGE  # as Find: a rerun draws one page of cards, never the whole window


@st.cache_resource(max_entries=1, show_spinner=False, hash_funcs={SearchIndex: id})
def events_index(index: SearchIndex) -> tuple[SearchIndex, SearchIndex]:
    """The entries with an event, indexed on their own; searching them is a fraction of searching everything.

    Keyed on the shared index's identity, and returned with it, so that index stays alive (its id unused by
    any other) while this entry is kept; a new version of the directory is a new index, and replaces it.
    """
    return index, build_index(index.frame[index.frame["event_start"] != ""])


loaded = start_directory_page(_("Sober events and meetings"))
events = events_index(loaded.index)[1]
outcome = filters.search_with_filters(events)
now = app_settings().current_time()
# Option labels are made now, in this run's language (Streamlit may call format_func outside the run).
view_names = {**{view: _(view) for view in schedule.VIEWS}, "Pick dates": _("Pick dates")}
view = st.radio(_("When"), list(view_names), key="ev_view", horizontal=True, index=1,
                format_func=view_names.__getitem__)
picked = None
if view == "Pick dates":
    picked = st.date_input(_("Dates"), (now.date(), now.date() + timedelta(days=6)), key="ev_dates")
    first, last = (picked[0], picked[-1]) if isinstance(picked, tuple) and picked else (now.date(), now.date())
    start = max(now, datetime.combine(first, time(), now.tzinfo))
    end = datetime.combine(last + timedelta(days=1), time(), now.tzinfo)
else:
    start, end = schedule.window(view, now)
time_names = {name: _(name) for name in schedule.TIMES_OF_DAY}
times = tuple(st.multiselect(_("Time of day"), list(time_names), key="ev_times", format_func=time_names.__getitem__))

# The events' frame is shared and stays the same until the file changes, so its sittings are expanded once a
# day (schedule.agenda_of); a rerun only narrows them to the window, the time of day and the matches.
frame = events.frame
items = schedule.agenda_of(frame, start, end).at_times(times).of_rows(frame.index.get_indexer(outcome.results.index))
zone = schedule.zone_name_of(now)
own_zone = schedule.zone_label(zone, zone) or zone
st.caption(ngettext("{count} sitting. Times are {zone} time unless shown otherwise; past ones are hidden.",
                    "{count} sittings. Times are {zone} time unless shown otherwise; past ones are hidden.",
                    len(items)).format(count=number(len(items)), zone=own_zone))
if len(items):
    listed = items.events()
    calendar_label = ngettext("Add this event to a calendar (.ics)", "Add all {count} to a calendar (.ics)",
                              len(listed)).format(count=number(len(listed)))
    # Built only when pressed (Streamlit calls `data` then, on another thread): every event in the window.
    st.download_button(calendar_label,
                       lambda: event_calendar(frame.iloc[listed].to_dict("records"), directory_zone=zone),
                       key="ev_ics", file_name="sober-events.ics", mime="text/calendar", on_click="ignore")
else:
    st.info(_("Nothing on in this window. Try a longer window (This week), another time of day, or a wider "
              "distance.") if outcome.place else
            _("Nothing on in this window. Try a longer window (This week) or another time of day."))


def open_detail(resource_id: str) -> None:
    st.session_state["ev_go_detail"] = resource_id


def turn_to(page: int) -> None:
    st.session_state["ev_page"] = page


if st.session_state.get("ev_go_detail"):
    st.switch_page("pages/find.py", query_params={filters.DETAIL_PARAM: st.session_state.pop("ev_go_detail"),
                                                  **language_params()})

# The page number is kept across reruns (and a visit to a detail) until the search, window or time changes;
# "now" moves on every rerun, so "open now" counts as a choice rather than as its moment.
scope = (replace(outcome.query, open_at=None), outcome.query.open_at is not None, view, picked, times)
if st.session_state.get("ev_scope") != scope:
    st.session_state.update(ev_scope=scope, ev_page=0)
pages = max(1, -(-len(items) // PAGE_SIZE))
page = min(st.session_state.get("ev_page", 0), pages - 1)
first_shown = page * PAGE_SIZE
on_page = items.rows[first_shown:first_shown + PAGE_SIZE]
if pages > 1:
    st.caption(_("Page {page} of {pages}: sittings {first}–{last} of {count}.").format(
        page=page + 1, pages=pages, first=number(first_shown + 1), last=number(first_shown + len(on_page)),
        count=number(len(items))))
rows = outcome.results.loc[frame.index[on_page]].to_dict("records")
# A page that starts partway through a day repeats the day's heading, marked as continued.
before = items.sittings[first_shown - 1].start.astimezone(now.tzinfo).date() if first_shown else None
day = None
for n, (sitting, row) in enumerate(zip(items.sittings[first_shown:first_shown + PAGE_SIZE], rows, strict=True)):
    local = sitting.start.astimezone(now.tzinfo)
    if local.date() != day:
        continued = day is None and local.date() == before
        day = local.date()
        heading = schedule.day_words(local)
        st.header(_("{day} (continued)").format(day=heading) if continued else heading, anchor=False)
    event_card(sitting, row, row["distance_miles"], open_detail, key=f"ev_open_{first_shown + n}")
if pages > 1:
    back, forward = st.columns(2)
    back.button(_("Previous page"), key="ev_prev", disabled=page == 0, on_click=turn_to, args=(page - 1,),
                width="stretch")
    forward.button(_("Next page"), key="ev_next", disabled=page == pages - 1, on_click=turn_to, args=(page + 1,),
                   width="stretch")
