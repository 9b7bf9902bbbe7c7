"""Result cards and the detail view. User text is always escaped before Markdown sees it."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping

import streamlit as st

from directory import taxonomy as tx
from directory.entry_language import EntryText, entry_text
from directory.freshness import is_stale
from directory.i18n import N_, _
from directory.interop.ical import event_calendar
from directory.present import (
    category_label,
    directions_url,
    distance_text,
    event_summary,
    hours_words,
    is_online_only,
    labels,
    other_phones,
    place_text,
    support_types_of,
)
from directory.privacy import is_confidential
from directory.schedule import (
    Occurrence,
    clock,
    day_words,
    next_occurrence,
    open_status,
    with_zone,
    zone_label,
    zone_name_of,
)
from directory.schema import phone_link, split_list
from directory.search import pathways_of
from directory.text import escape_markdown as md
from directory.text import markdown_link as md_link
from directory.ui.packet import add_button
from directory.ui.services import app_settings


def support_badges_html(row: Mapping[str, str]) -> str:
    """Badges for the row's support types: symbol, label and a colour-blind-safe colour together."""
    # Built only from taxonomy constants, never from user text, so the HTML is safe to render.
    badges = [
        f'<span class="support-badge" style="border:2px solid {t.colour};border-radius:0.6rem;'
        f'padding:0.05rem 0.5rem;margin:0 0.3rem 0.2rem 0;display:inline-block;font-size:0.85rem">'
        f'<span style="color:{t.colour};font-weight:700" aria-hidden="true">{html.escape(t.symbol)}</span> '
        f"{html.escape(t.label)}</span>"
        for t in support_types_of(row)
    ]
    return "".join(badges)


def pathway_badges_html(row: Mapping[str, str]) -> str:
    """Badges for the row's recovery pathways, in the taxonomy's order: plain label chips, none ranked."""
    # Built only from taxonomy labels, never from user text, so the HTML is safe to render.
    chips = [
        '<span class="pathway-badge" style="border:1px solid #595959;border-radius:0.6rem;padding:0.05rem 0.5rem;'
        f'margin:0 0.3rem 0.2rem 0;display:inline-block;font-size:0.85rem">{html.escape(label)}</span>'
        for label in (tx.label_of(tx.PATHWAYS, key) for key in pathways_of(row))
    ]
    return f'<span role="list" aria-label="{html.escape(_("Recovery pathways"))}">' + "".join(
        f'<span role="listitem">{chip}</span>' for chip in chips) + "</span>" if chips else ""


def _entry_html(words: EntryText, *, block: bool = False) -> str:
    """An entry's own words, escaped; in the other language they sit in an element naming it (WCAG 3.1.2),
    followed by the note that says so. Render with unsafe_allow_html: only the app's own tags are HTML."""
    text = md(words.text)
    if not words.in_other_language:
        return text
    note = md(words.note())
    if block:
        # Blank lines around the div let the Markdown inside it (several paragraphs) be read as Markdown.
        return f'<div lang="{words.language}">\n\n{text}\n\n</div>\n\n*{note}*'
    return f'<span lang="{words.language}">{text}</span> ({note})'


def _badges_html(row: Mapping[str, str]) -> str:
    # One element per card for both rows of badges: each element costs the server time on every run.
    pathways = pathway_badges_html(row)
    return support_badges_html(row) + (f"<br>{pathways}" if pathways else "")


def _verified_text(row: Mapping[str, str]) -> str:
    verified = row.get("last_verified", "")
    if not verified:
        return _("Not yet verified by a peer leader")
    settings = app_settings()
    stale = is_stale(verified, settings.today(), settings.stale_days)
    if stale:
        return _("Last verified {date} (over {days} days ago, so call ahead)").format(date=md(verified),
                                                                                      days=settings.stale_days)
    return _("Last verified {date}").format(date=md(verified))


def _contact_lines(row: Mapping[str, str]) -> list[str]:
    # Each action is a whole link on a line of its own: one tap on a phone, with nothing beside it to mis-tap.
    lines = [md(place_text(row))] if place_text(row) else []
    if row.get("phone"):
        lines.append(md_link(_("Call {phone}").format(phone=row["phone"]), phone_link(row["phone"])))
    if directions_url(row):
        lines.append(md_link(_("Directions"), directions_url(row)))
    if row.get("conference_url"):
        lines.append(md_link(_("Join online"), row["conference_url"]))
    if row.get("website"):
        lines.append(md_link(_("Website"), row["website"]))
    return lines


def _kind_text(row: Mapping[str, str]) -> str:
    """The category, and 'Online' for an entry that meets only online, so a missing distance reads as meant."""
    return md(category_label(row["category"])) + ((" · " + _("Online")) if is_online_only(row) else "")


def result_card(row: Mapping[str, str], distance: float | None, on_open: Callable[[str], None], *,
                packet_button: bool = True) -> None:
    """A compact card for one search result, with a button to open its detail view."""
    with st.container(border=True):
        # HTML is allowed only for the lang element of a name in the other language; the name is escaped anyway.
        name = entry_text(row, "name")
        st.markdown(f"**{_entry_html(name)}**  \n{_kind_text(row)}", unsafe_allow_html=name.in_other_language)
        st.markdown(_badges_html(row), unsafe_allow_html=True)
        away = distance_text(row, distance)
        lines = ([_("**{distance}** away").format(distance=away)] if away else []) + _contact_lines(row)
        st.markdown("  \n".join(lines))
        st.caption(_verified_text(row))
        details, keep = st.columns(2)
        details.button(_("Details"), key=f"open-{row['id']}", on_click=on_open, args=(row["id"],))
        if packet_button:
            with keep:
                add_button(row["id"], key=f"pack-{row['id']}")


def _next_sitting(row: Mapping[str, str]) -> str:
    if not row.get("event_start"):
        return ""
    sitting = next_occurrence(row, app_settings().current_time())
    if sitting is None:
        return _("No upcoming date")
    times = _("{day}, {times}").format(day=day_words(sitting.start),
                                       times=f"{clock(sitting.start)} – {clock(sitting.end)}")
    return with_zone(times, zone_name_of(sitting.start), app_settings().timezone)


def _hours_text(row: Mapping[str, str]) -> str:
    if not row.get("hours"):
        return row.get("hours_text", "")
    now = app_settings().current_time()
    status = open_status(row["hours"], now)
    # Opening hours are always in the directory's own zone.
    zone = zone_label(zone_name_of(now), app_settings().timezone)
    hours = hours_words(row["hours"]) + ((" " + _("({zone} time)").format(zone=zone)) if zone else "")
    return hours + (f" · {status.describe()}" if status and status.describe() else "")


def _facts(row: Mapping[str, str]) -> list[tuple[str, str]]:
    facts = [
        (N_("Organization"), row.get("organization", "")),
        (N_("Attendance"), tx.label_of(tx.ATTENDANCE, row.get("attendance", "")) if row.get("attendance") else ""),
        (N_("When"), event_summary(row, app_settings().timezone)),
        (N_("Next"), _next_sitting(row)),
        (N_("Hours"), _hours_text(row)),
        (N_("Cost"), ", ".join(labels(tx.COSTS, row.get("cost", "")))),
        (N_("Welcomes"), ", ".join(labels(tx.POPULATIONS, row.get("populations", "")))),
        (N_("Languages"), ", ".join(split_list(row.get("languages", "")))),
        (N_("Accessibility"), ", ".join(labels(tx.ACCESSIBILITY, row.get("accessibility", "")))),
        (N_("Medication for OUD welcome"), {"yes": _("Yes"), "no": _("No")}.get(row.get("moud_welcome", ""), "")),
        (N_("Peer-run"), {"yes": _("Yes"), "no": _("No")}.get(row.get("peer_run", ""), "")),
        (N_("Stages"), ", ".join(labels(tx.STAGES, row.get("stages", "")))),
        (N_("Recovery dimensions"), ", ".join(labels(tx.RECOVERY_DIMENSIONS, row.get("dimensions", "")))),
        (N_("Where"), "" if is_confidential(row) else row.get("location_name", "")),
        (N_("E-mail"), row.get("email", "")),
    ]
    return [(name, value) for name, value in facts if value]


def detail_view(row: Mapping[str, str], distance: float | None) -> None:
    """Everything the directory holds about one resource that helps someone reach it."""
    # A heading renders Markdown too (links, images, maths): the name is escaped like all user text.
    name = entry_text(row, "name")
    st.header(md(name.text), anchor=False)
    if name.in_other_language:
        st.caption(name.note())
    st.markdown(md(category_label(row["category"])))
    if row.get("status") != "active":
        st.warning(_("This entry is {status} and may not be open.").format(
            status=tx.label_of(tx.STATUSES, row.get("status", "")).lower()))
    st.markdown(_badges_html(row), unsafe_allow_html=True)
    for t in support_types_of(row):
        st.caption(f"{t.label}: {t.explanation}")
    description = entry_text(row, "description")
    if description.text:
        st.markdown(_entry_html(description, block=True), unsafe_allow_html=description.in_other_language)
    away = distance_text(row, distance)
    lines = ([_("**{distance}** away").format(distance=away)] if away else []) + _contact_lines(row)
    for extra in other_phones(row):
        # A fax (or a number that cannot be read) stays plain text: nothing to tap and call.
        number = md_link(extra.number, extra.link) if extra.link else md(extra.number)
        lines.append(f"{md(extra.label)}: {number}")
    if row.get("conference_phone"):
        lines.append(_("Join by phone {number}").format(
            number=md_link(row["conference_phone"], phone_link(row["conference_phone"]))))
    st.markdown("  \n".join(lines))
    facts = _facts(row)
    if facts:
        # The e-mail address is a link the app writes: escaped text is never turned into one.
        st.markdown("  \n".join(f"**{_(name)}:** {md_link(value, f'mailto:{value}') if name == 'E-mail' else md(value)}"
                                for name, value in facts))
    verified = _verified_text(row)
    if row.get("verified_by") and row.get("last_verified"):
        verified = _("{verified} by {name}").format(verified=verified, name=md(row["verified_by"]))
    st.caption(verified)
    if row.get("status") == "active":
        add_button(row["id"], key=f"pack-detail-{row['id']}")
    st.caption(_("Peers share lived experience; they do not diagnose or give clinical advice."))


def event_card(sitting: Occurrence, row: Mapping[str, str], distance: float | None,
               on_open: Callable[[str], None], key: str) -> None:
    """One sitting of an event: its times with their zone, what and where, and a Details button.

    Its calendar file is made only when "Add to calendar" is pressed, never on a rerun.
    """
    directory_zone = app_settings().timezone
    times = with_zone(f"{clock(sitting.start)} – {clock(sitting.end)}", zone_name_of(sitting.start), directory_zone)
    with st.container(border=True):
        name = entry_text(row, "name")
        st.markdown(f"**{md(times)}** · {_entry_html(name)}", unsafe_allow_html=name.in_other_language)
        where = [md(category_label(row["category"]))]
        if row.get("attendance"):
            where.append(md(tx.label_of(tx.ATTENDANCE, row["attendance"])))
        if distance_text(row, distance):
            where.append(_("{distance} away").format(distance=distance_text(row, distance)))
        st.markdown(" · ".join(where) + "  \n" + "  \n".join(_contact_lines(row)))
        details, calendar, keep = st.columns(3)
        details.button(_("Details"), key=key, on_click=on_open, args=(row["id"],))
        # Streamlit calls `data` when the button is pressed, on another thread with no session: it gets the row
        # and the zone it needs, not a call to app_settings().
        event = dict(row)
        calendar.download_button(_("Add to calendar"), lambda: event_calendar([event], directory_zone=directory_zone),
                                 file_name=f"{row['id']}.ics",
                                 mime="text/calendar", key=f"{key}_ics", on_click="ignore")
        with keep:
            add_button(row["id"], key=f"{key}_pack")
