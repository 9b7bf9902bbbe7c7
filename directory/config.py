"""Settings: one typed object, read once from DIRECTORY_* environment variables and checked at start-up.

Nothing else in `directory/` reads the environment. The app (`directory.ui.services`) and the CLI build a
`Settings` with `load_settings()` and pass it, or the values it holds, to what needs them. The README's
settings table is printed from this class (`python -m directory settings`).
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BeforeValidator, Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from directory.errors import DirectoryError, Message, message_of
from directory.i18n import N_, _

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
RESOURCES_FILE = "resources.csv"
ENV_PREFIX = "DIRECTORY_"
DEFAULT_SNAPSHOTS_KEPT = 20
# The map tile layers a directory can choose (DIRECTORY_MAP_TILES): URL template and attribution, or none.
TILE_LAYERS: dict[str, tuple[str, str] | None] = {
    "osm": (
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
    ),
    "none": None,
}


class SettingsError(DirectoryError):
    """A setting has a value the app cannot use; the message names the variable and what it accepts."""


def _lower(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


def _zone_name(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("not a known time zone") from None
    return value


Box = tuple[float, float, float, float]
County = tuple[str, str]  # (county, state) spelt as the offline gazetteer spells them: ("Bucks County", "PA")


@cache
def _counties() -> dict[tuple[str, str], County]:
    # Lazy: only a county-form DIRECTORY_REGION needs the gazetteer's ~42,000 ZIPs. The key is lower case and
    # also written without a trailing "County", so "bucks, pa" finds ("Bucks County", "PA").
    from directory.gazetteer import zip_entries

    known: dict[tuple[str, str], County] = {}
    for entry in zip_entries():
        county, state = entry.get("county") or "", entry["state"].upper()
        if county:
            name = " ".join(county.split()).lower()
            known[(name, state)] = (county, state)
            known.setdefault((name.removesuffix(" county"), state), (county, state))
    return known


def _county(text: str) -> County:
    name, _, state = text.rpartition(",")
    found = _counties().get((" ".join(name.split()).lower(), state.strip().upper()))
    if found is None:
        raise ValueError(f"'{text.strip()}' is not a county the gazetteer knows ('County, ST')")
    return found


def _region(value: Any) -> Box | tuple[County, ...] | None:
    if value is None or isinstance(value, tuple):
        return value
    text = str(value)
    if any(character.isalpha() for character in text):
        counties = tuple(dict.fromkeys(_county(part) for part in text.split(";") if part.strip()))
        if not counties:
            raise ValueError("needs at least one county")
        return counties
    parts = [part.strip() for part in text.split(",")]
    try:
        south, west, north, east = (float(part) for part in parts)
    except ValueError:
        raise ValueError("needs four numbers") from None
    if not (-90 <= south < north <= 90 and -180 <= west < east <= 180):
        raise ValueError("south must be below north and west left of east, within -90..90 and -180..180")
    return south, west, north, east


def _public_url(value: str) -> str:
    parts = urlsplit(value)
    if value and (parts.scheme not in ("http", "https") or not parts.netloc):
        raise ValueError("not an http(s) address")
    return value.rstrip("/")


def _tile_layer(value: str) -> str:
    if value not in TILE_LAYERS:
        raise ValueError("not a known tile layer")
    return value


def _folder(value: Path) -> Path:
    return value.expanduser().resolve()


def _setting(default: Any, doc: str, accepts: str, shown: str | None = None) -> Any:
    # `accepts` is quoted in the start-up error; `shown` is the default as the README prints it.
    extra = {"accepts": accepts, "shown_default": shown if shown is not None else str(default or "")}
    return Field(default=default, description=doc, json_schema_extra=extra)


class Settings(BaseSettings):
    """Every setting of the app and the CLI, validated as a whole."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_ignore_empty=True, frozen=True, extra="ignore")

    data_dir: Annotated[Path, AfterValidator(_folder)] = _setting(
        DEFAULT_DATA_DIR, "Folder holding resources.csv and the store's companions.", N_("a folder path"), "data/")
    timezone: Annotated[str, AfterValidator(_zone_name)] = _setting(
        "America/New_York", "Time zone of the directory, shown next to every time.",
        N_("an IANA time zone name such as America/New_York"))
    geocoder: Annotated[Literal["offline", "nominatim"], BeforeValidator(_lower)] = _setting(
        "offline", "'offline' (ZIP and city centroids, no network) or 'nominatim' (online, used only when saving).",
        N_("'offline' or 'nominatim'"))
    geocoder_user_agent: str = _setting(
        "", "User agent sent to Nominatim; required when DIRECTORY_GEOCODER is 'nominatim'.",
        N_("any text that names your organisation"))
    map_tiles: Annotated[str, BeforeValidator(_lower), AfterValidator(_tile_layer)] = _setting(
        "osm", "'osm' draws OpenStreetMap tiles (with attribution); 'none' draws no tiles, for fully offline use.",
        N_("'osm' or 'none'"))
    now: datetime | None = _setting(
        None, "A fixed 'now' (ISO date and time in the directory's zone) for demos and tests; empty uses the clock.",
        N_("an ISO date and time such as 2026-11-25T18:30"))
    region: Annotated[Box | tuple[County, ...] | None, NoDecode, BeforeValidator(_region)] = _setting(
        None, "The Gaps page's region, measured by its standard (not PO Box) ZIP codes: counties as 'County, ST' "
        "separated by semicolons, or a box 'south,west,north,east' in degrees (the ZIPs whose center is inside); "
        "empty uses every county that holds at least one active entry.",
        N_("counties as 'County, ST' separated by semicolons, such as 'Philadelphia County, PA; Bucks County, PA', "
           "or four numbers 'south,west,north,east' in degrees, such as 39.7,-75.6,40.6,-74.7"))
    stale_days: int = Field(default=180, ge=1, le=3650, description=(
        "Entries not verified within this many days are stale: listed to check, counted on the gap dashboard, "
        "and flagged 'call ahead' on their cards."),
        json_schema_extra={"accepts": N_("a whole number of days from 1 to 3650"), "shown_default": "180"})
    snapshots_kept: int = Field(default=DEFAULT_SNAPSHOTS_KEPT, ge=0, le=1000, description=(
        "How many earlier versions of resources.csv the store keeps."),
        json_schema_extra={"accepts": N_("a whole number from 0 to 1000"),
                           "shown_default": str(DEFAULT_SNAPSHOTS_KEPT)})
    public_url: Annotated[str, AfterValidator(_public_url)] = _setting(
        "", "The app's public address, e.g. https://help.example.org, for packet links and QR codes; when empty, "
        "the address the browser used.", N_("an http(s) address such as https://help.example.org"))
    sample_data: Annotated[Literal["auto", "yes", "no"], BeforeValidator(_lower)] = _setting(
        "auto", "'auto' labels the shipped sample as sample data; 'no' hides the label.", N_("'auto', 'yes' or 'no'"))

    @model_validator(mode="after")
    def _nominatim_needs_an_agent(self) -> Settings:
        if self.geocoder == "nominatim" and not self.geocoder_user_agent.strip():
            # "user agent" (the HTTP header's name) is a value, so the catalogue's check for words to avoid
            # about people ("user") does not trip on it.
            raise ValueError(Message(N_("DIRECTORY_GEOCODER_USER_AGENT must be set when DIRECTORY_GEOCODER is "
                                        "'nominatim': Nominatim's usage policy requires a {header} that names your "
                                        "organisation"), header="user agent"))
        return self

    @property
    def zone(self) -> ZoneInfo:
        """The directory's time zone."""
        return ZoneInfo(self.timezone)

    def current_time(self) -> datetime:
        """The current moment in the directory's zone, or the fixed DIRECTORY_NOW when set."""
        if self.now is None:
            return datetime.now(self.zone)
        return self.now.astimezone(self.zone) if self.now.tzinfo else self.now.replace(tzinfo=self.zone)

    def timestamp(self) -> str:
        """The current moment as a UTC ISO 8601 stamp with a Z suffix, as the store and audit log write it."""
        return self.current_time().astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")

    def today(self) -> date:
        """Today's date in the directory's zone (DIRECTORY_NOW's date when set)."""
        return self.current_time().date()

    def is_sample_data(self) -> bool:
        """True when the app is showing the shipped sample directory (a `.sample` marker in the data folder)."""
        if self.sample_data != "auto":
            return self.sample_data == "yes"
        return (self.data_dir / ".sample").exists()

    @property
    def resources_path(self) -> Path:
        """The resources CSV of the data folder."""
        return self.data_dir / RESOURCES_FILE


def env_name(field: str) -> str:
    """The environment variable behind a settings field."""
    return ENV_PREFIX + field.upper()


def _explain(error: ValidationError) -> str:
    lines = []
    for problem in error.errors():
        if not problem["loc"]:
            # A record-wide rule raises a Message, said here in the current language.
            lines.append(message_of(problem["ctx"]["error"]).text() if "ctx" in problem else problem["msg"])
            continue
        field = str(problem["loc"][0])
        extra = Settings.model_fields[field].json_schema_extra or {}
        lines.append(_("{variable}={value} is not usable; it accepts {accepts}.").format(
            variable=env_name(field), value=repr(problem["input"]), accepts=_(extra["accepts"])))
    return " ".join(lines)


def load_settings(**overrides: Any) -> Settings:
    """Read and check every setting from the environment; overrides (e.g. a CLI's --data-dir) win.

    Raises SettingsError naming each bad variable and what it accepts.
    """
    given = {name: value for name, value in overrides.items() if value not in (None, "")}
    try:
        return Settings(**given)
    except ValidationError as error:
        raise SettingsError(_explain(error)) from None


def settings_markdown() -> str:
    """The settings as a Markdown table: variable, default, meaning (the README's table is made from this)."""
    lines = ["| Variable | Default | Meaning |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        extra = field.json_schema_extra or {}
        lines.append(f"| `{env_name(name)}` | `{extra['shown_default']}` | {field.description} |")
    return "\n".join(lines)


def environment_key() -> tuple[tuple[str, str], ...]:
    """The DIRECTORY_* environment as a hashable value, so a cached Settings is rebuilt when it changes."""
    return tuple(sorted((name, value) for name, value in os.environ.items() if name.startswith(ENV_PREFIX)))
