"""When an entry is stale: never verified, or not within the configured number of days (DIRECTORY_STALE_DAYS).

The one rule behind the "call ahead" note on cards, the Entries to check page and the gap dashboard.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd


def stale_before(today: date, stale_days: int) -> str:
    """The ISO date before which a verification is stale."""
    return (today - timedelta(days=stale_days)).isoformat()


def is_stale(last_verified: str, today: date, stale_days: int) -> bool:
    """True when an entry was never verified, or last verified more than stale_days before today."""
    return not last_verified or last_verified < stale_before(today, stale_days)


def stale_mask(last_verified: pd.Series, today: date, stale_days: int) -> pd.Series:
    """is_stale for a column of ISO dates at once."""
    return (last_verified == "") | (last_verified < stale_before(today, stale_days))
