"""iCalendar (.ics) export of events: one event or a list, with recurrence rules, zones, place and link."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vRecur

from directory.present import category_label, full_address, place_text
from directory.privacy import is_confidential
from directory.routes import detail_link
from directory.schedule import DEFAULT_EVENT_MINUTES, event_zone_name


def event_calendar(rows: Iterable[Mapping[str, str]], *, directory_zone: str, base_url: str = "") -> bytes:
    """An .ics calendar with one VEVENT per entry that has an event start; others are skipped.

    An event naming no zone is in directory_zone (Settings.timezone).
    A confidential entry's LOCATION says so and gives only its city, state and ZIP.
    """
    calendar = Calendar()
    calendar.add("prodid", "-//Peer Recovery Support Directory//EN")
    calendar.add("version", "2.0")
    for row in rows:
        if not row.get("event_start"):
            continue
        zone = ZoneInfo(event_zone_name(row, directory_zone))
        start = datetime.fromisoformat(row["event_start"]).replace(tzinfo=zone)
        end = (datetime.fromisoformat(row["event_end"]).replace(tzinfo=zone) if row.get("event_end")
               else start + timedelta(minutes=DEFAULT_EVENT_MINUTES))
        event = Event()
        event.add("uid", f"{row['id']}@peer-recovery-directory")
        event.add("summary", row["name"])
        event.add("dtstart", start)
        event.add("dtend", end)
        event.add("dtstamp", datetime.now(ZoneInfo("UTC")))
        if row.get("recurrence_rule"):
            event.add("rrule", vRecur.from_ical(row["recurrence_rule"]))
        if is_confidential(row):
            place = place_text(row, ", ")
        else:
            place = ", ".join(p for p in (row.get("location_name", ""), full_address(row)) if p)
        if place:
            event.add("location", place)
        link = row.get("conference_url") or (base_url + detail_link(row["id"]) if base_url else row.get("website", ""))
        if link:
            event.add("url", link)
        description = [category_label(row.get("category", "")), row.get("description", "")]
        if row.get("conference_url"):
            description.append(f"Join online: {row['conference_url']}")
        if row.get("conference_phone"):
            description.append(f"Join by phone: {row['conference_phone']}")
        event.add("description", "\n".join(d for d in description if d))
        calendar.add_component(event)
    return calendar.to_ical()
