"""Confidential locations: what a visitor, a public export or a feed may know of an entry's place.

An entry with `location_confidential` = yes shows its city, state and ZIP only. The public view blanks its
street address and venue name and moves its coordinates to the centre of its ZIP (or its city), so no page,
map, packet, distance or feed built from the public view can be finer than the ZIP. Peer leaders' own
pages and the full CSV backup read the store directly and keep everything.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from directory.gazetteer import city_centroid, zip_centroid
from directory.i18n import N_, _
from directory.schema import validate_field

# Columns that can place an entry more finely than its ZIP.
HIDDEN_COLUMNS = ("address", "location_name")
# What pages and feeds say in place of the street: the words a visitor reads, kept in one place. They are
# message ids: feeds and files other systems read (HSDS, Meeting Guide, iCalendar) keep the English text, and
# pages show it in the chosen language through confidential_location() / confidential_note().
CONFIDENTIAL_LOCATION = N_("Confidential location")
CONFIDENTIAL_NOTE = N_("Confidential location: call or write for the address.")


def confidential_location() -> str:
    """'Confidential location' in the current language, for pages, packets and printouts (never for data files)."""
    return _(CONFIDENTIAL_LOCATION)


def confidential_note() -> str:
    """The note that asks a visitor to call or write for the address, in the current language (pages only)."""
    return _(CONFIDENTIAL_NOTE)


def is_confidential(row: Mapping[str, object]) -> bool:
    """Whether an entry's street location must be kept from visitors."""
    return str(row.get("location_confidential", "") or "").strip().lower() == "yes"


def _public_place(zip_code: str, city: str, state: str) -> dict[str, str]:
    # The only place a visitor may learn: no street or venue, and the ZIP's centre (else the city's, else none).
    place = dict.fromkeys(HIDDEN_COLUMNS, "")
    centre = zip_centroid(zip_code)
    quality = "zip_centroid"
    if centre is None:
        centre, quality = city_centroid(city, state), "city_centroid"
    if centre is None:
        return {**place, "latitude": "", "longitude": "", "geocode_quality": ""}
    # Written as the store writes coordinates, so a public export reads back exactly as the public view.
    return {**place, "latitude": validate_field("latitude", f"{centre[0]:.6f}"),
            "longitude": validate_field("longitude", f"{centre[1]:.6f}"), "geocode_quality": quality}


def public_record(row: Mapping[str, str]) -> dict[str, str]:
    """One entry as a visitor may see it: a confidential one without street, venue or precise coordinates."""
    record = dict(row)
    if is_confidential(record):
        record.update(_public_place(*(str(record.get(key, "") or "") for key in ("zip", "city", "state"))))
    return record


def confidential_mask(frame: pd.DataFrame) -> pd.Series:
    """True for each row whose location is confidential; all False when the frame has no such column."""
    if "location_confidential" not in frame.columns:
        return pd.Series(False, index=frame.index)
    return frame["location_confidential"].astype(str).str.strip().str.lower() == "yes"


def public_view(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of the frame that is safe for visitors and public exports (see the module docstring)."""
    mask = confidential_mask(frame)
    if not mask.any():
        return frame.copy()
    public = frame.copy()
    where = frame.loc[mask].reindex(columns=["zip", "city", "state"], fill_value="").astype(str)
    # Many confidential entries share a ZIP: look each place up once, and write only the location columns.
    places = {key: _public_place(*key) for key in set(zip(where["zip"], where["city"], where["state"], strict=True))}
    replaced = pd.DataFrame([places[key] for key in zip(where["zip"], where["city"], where["state"], strict=True)],
                            index=where.index)
    for column in replaced.columns:
        public.loc[mask, column] = replaced[column]
    return public


def listable(frame: pd.DataFrame) -> pd.DataFrame:
    """The entries a visitor may ever reach, even by a direct link: none waiting for review, none the source hides.

    Retired entries stay (an old link says they are retired); pending ones are not public until a peer leader
    accepts them, and an entry its source keeps off its public listing stays off ours.
    """
    hidden = frame["status"].eq("pending")
    if "review_reasons" in frame.columns:
        hidden |= frame["review_reasons"].str.contains("excluded_by_source", regex=False)
    return frame[~hidden]
