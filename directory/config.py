"""Settings, read from environment variables; every one is documented in the README."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
RESOURCES_FILE = "resources.csv"


@dataclass(frozen=True)
class Setting:
    """One environment variable the app reads."""

    name: str
    default: str
    doc: str


SETTINGS: tuple[Setting, ...] = (
    Setting("DIRECTORY_DATA_DIR", "data/", "Folder holding resources.csv and the store's companions."),
    Setting("DIRECTORY_TIMEZONE", "America/New_York", "Time zone of the directory, shown next to every time."),
    Setting(
        "DIRECTORY_GEOCODER",
        "offline",
        "'offline' (ZIP and city centroids, no network) or 'nominatim' (online, used only when saving).",
    ),
    Setting(
        "DIRECTORY_GEOCODER_USER_AGENT",
        "",
        "User agent sent to Nominatim; required when DIRECTORY_GEOCODER is 'nominatim'.",
    ),
    Setting(
        "DIRECTORY_MAP_TILES",
        "osm",
        "'osm' draws OpenStreetMap tiles (with attribution); 'none' draws no tiles, for fully offline use.",
    ),
    Setting(
        "DIRECTORY_NOW",
        "",
        "A fixed 'now' (ISO date and time in the directory's zone) for demos and tests; empty uses the clock.",
    ),
    Setting(
        "DIRECTORY_REGION",
        "",
        "The gap dashboard's region as 'south,west,north,east' degrees; empty uses the entries' extent plus 10 miles.",
    ),
    Setting("DIRECTORY_STALE_DAYS", "180", "Entries not verified within this many days are listed as stale."),
    Setting("DIRECTORY_SNAPSHOTS_KEPT", "20", "How many earlier versions of resources.csv the store keeps."),
    Setting("DIRECTORY_PUBLIC_URL", "", "The app's public address, e.g. https://help.example.org, for packet links and "
            "QR codes; when empty, the address the browser used."),
    Setting("DIRECTORY_SAMPLE_DATA", "auto", "'auto' labels the shipped sample as sample data; 'no' hides the label."),
)


def setting(name: str) -> str:
    """The value of a setting: the environment's, or its default."""
    for item in SETTINGS:
        if item.name == name:
            return os.environ.get(name, "").strip() or item.default
    raise KeyError(name)


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The data folder: an explicit override, then DIRECTORY_DATA_DIR, then the shipped data/."""
    chosen = override or os.environ.get("DIRECTORY_DATA_DIR", "").strip()
    return Path(chosen).expanduser().resolve() if chosen else DEFAULT_DATA_DIR


def is_sample_data(folder: Path) -> bool:
    """True when the app is showing the shipped sample directory."""
    mode = setting("DIRECTORY_SAMPLE_DATA").lower()
    if mode == "no":
        return False
    return mode == "yes" or (folder / ".sample").exists()
