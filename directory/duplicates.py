"""Likely duplicates: a similar name close by, or the same phone number or website."""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from directory.geo import haversine_miles
from directory.i18n import _, number

NAME_SIMILARITY = 80  # rapidfuzz token-sort ratio, 0-100
NEARBY_MILES = 1.0


def _site(url: str) -> str:
    url = re.sub(r"^[a-z]+://", "", url.strip().lower())
    return url.removeprefix("www.").rstrip("/")


def _digits(phone: str) -> str:
    return re.sub(r"\D", "", phone)[-10:]


def likely_duplicates(frame: pd.DataFrame, record: Mapping[str, str], *, exclude_id: str = "") -> pd.DataFrame:
    """Entries that may be the same as `record`, each with a plain-words reason (in the current language), best
    match first."""
    others = frame[frame["id"] != exclude_id] if exclude_id else frame
    if others.empty:
        return others.assign(reason=[])
    reasons = pd.Series("", index=others.index)
    phone = _digits(record.get("phone", ""))
    if len(phone) == 10:
        reasons[others["phone"].map(_digits) == phone] = _("same phone number")
    site = _site(record.get("website", ""))
    if site:
        same_site = (others["website"].map(_site) == site) & (reasons == "")
        reasons[same_site] = _("same website")
    name = record.get("name", "").strip()
    if name:
        scores = process.cdist([name.lower()], others["name"].str.lower().tolist(), scorer=fuzz.token_sort_ratio)[0]
        similar = scores >= NAME_SIMILARITY
        near = _nearby(others, record)
        for position in np.flatnonzero(similar & near):
            index = others.index[position]
            if not reasons[index]:
                reasons[index] = _("similar name ({percent}% alike) nearby").format(
                    percent=number(scores[position]))
    found = others[reasons != ""].assign(reason=reasons[reasons != ""])
    return found


def _nearby(others: pd.DataFrame, record: Mapping[str, str]) -> np.ndarray:
    try:
        lat, lon = float(record.get("latitude", "")), float(record.get("longitude", ""))
    except ValueError:
        # Without coordinates, the same city (or no city on either side) counts as nearby.
        city = record.get("city", "").strip().lower()
        return (others["city"].str.lower() == city).to_numpy()
    lats = pd.to_numeric(others["latitude"], errors="coerce").to_numpy()
    lons = pd.to_numeric(others["longitude"], errors="coerce").to_numpy()
    return np.nan_to_num(haversine_miles(lat, lon, lats, lons), nan=np.inf) <= NEARBY_MILES
