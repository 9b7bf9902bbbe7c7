"""Confidential locations: what a visitor, a public export or a feed may know of an entry's place.

An entry with `location_confidential` = yes shows its city, state and ZIP only. The public view blanks its
street address and venue name and moves its coordinates to the centre of its ZIP (or its city), so no page,
map, packet, distance or feed built from the public view can be finer than the ZIP. Peer leaders' own
pages and the full CSV backup read the store directly and keep everything.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from directory.geo import city_centroid, zip_centroid

# Columns that can place an entry more finely than its ZIP.
HIDDEN_COLUMNS = ("address", "location_name")
CONFIDENTIAL_NOTE = "Confidential location: call or write for the address."


def is_confidential(row: Mapping[str, object]) -> bool:
    """Whether an entry's street location must be kept from visitors."""
    return str(row.get("location_confidential", "") or "").strip().lower() == "yes"


def public_record(row: Mapping[str, str]) -> dict[str, str]:
    """One entry as a visitor may see it: a confidential one without street, venue or precise coordinates."""
    record = dict(row)
    if not is_confidential(record):
        return record
    for column in HIDDEN_COLUMNS:
        record[column] = ""
    centre = zip_centroid(record.get("zip", "")) or city_centroid(record.get("city", ""), record.get("state", ""))
    if centre is None:
        record.update(latitude="", longitude="", geocode_quality="")
    else:
        quality = "zip_centroid" if zip_centroid(record.get("zip", "")) else "city_centroid"
        record.update(latitude=f"{centre[0]:.6f}", longitude=f"{centre[1]:.6f}", geocode_quality=quality)
    return record


def public_view(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of the frame that is safe for visitors and public exports (see the module docstring)."""
    if "location_confidential" not in frame.columns or frame.empty:
        return frame.copy()
    mask = frame["location_confidential"].astype(str).str.strip().str.lower() == "yes"
    if not mask.any():
        return frame.copy()
    public = frame.copy()
    replaced = [public_record(row) for row in public.loc[mask].to_dict("records")]
    public.loc[mask, list(replaced[0])] = pd.DataFrame(replaced, index=public.index[mask]).to_numpy()
    return public
