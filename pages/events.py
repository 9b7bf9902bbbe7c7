"""Events: sober events and meetings happening now, today, tonight, this weekend or this week."""

from datetime import datetime, time, timedelta

import streamlit as st

from directory import schedule
from directory.interop.ical import event_calendar
from directory.text import plural
from directory.ui import filters
from directory.ui.cards import event_card
from directory.ui.services import app_settings
from directory.ui.shell import start_directory_page

loaded = start_directory_page("Sober events and meetings")
outcome = filters.search_with_filters(loaded.index)
now = app_settings().current_time()
view = st.radio("When", [*schedule.VIEWS, "Pick dates"], key="ev_view", horizontal=True, index=1)
if view == "Pick dates":
    picked = st.date_input("Dates", (now.date(), now.date() + timedelta(days=6)), key="ev_dates")
    first, last = (picked[0], picked[-1]) if isinstance(picked, tuple) and picked else (now.date(), now.date())
    start = max(now, datetime.combine(first, time(), now.tzinfo))
    end = datetime.combine(last + timedelta(days=1), time(), now.tzinfo)
else:
    start, end = schedule.window(view, now)
times = st.multiselect("Time of day", list(schedule.TIMES_OF_DAY), key="ev_times")

events = outcome.results[outcome.results["event_start"] != ""]
distances = dict(zip(events["id"], events["distance_miles"], strict=True))
items = schedule.agenda(events.to_dict("records"), start, end, tuple(times))
zone = schedule.zone_name_of(now)
own_zone = schedule.zone_label(zone, zone) or zone
st.caption(f"{plural(len(items), 'sitting')}. Times are {own_zone} time unless shown otherwise; "
           "past ones are hidden.")
if items:
    listed = list({row["id"]: row for _, row in items}.values())
    calendar_label = "Add this event to a calendar" if len(listed) == 1 else f"Add all {len(listed)} to a calendar"
    st.download_button(f"{calendar_label} (.ics)",
                       event_calendar(listed, directory_zone=zone), key="ev_ics",
                       file_name="sober-events.ics", mime="text/calendar", on_click="ignore")
else:
    st.info("Nothing on in this window. Try a longer window (This week), another time of day"
            + (", or a wider distance." if outcome.place else "."))


def open_detail(resource_id: str) -> None:
    st.session_state["ev_go_detail"] = resource_id


if st.session_state.get("ev_go_detail"):
    st.switch_page("pages/find.py", query_params={filters.DETAIL_PARAM: st.session_state.pop("ev_go_detail")})
day = None
for n, (sitting, row) in enumerate(items):
    local = sitting.start.astimezone(now.tzinfo)
    if local.date() != day:
        day = local.date()
        st.header(schedule.day_words(local), anchor=False)
    event_card(sitting, row, distances.get(row["id"]), open_detail, key=f"ev_open_{n}")
