"""The app's pages and their URL paths: the one list that app.py, links and tests read."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from directory.i18n import DEFAULT_LANGUAGE, LANGUAGE_PARAM, N_, current_language

# Titles and groups are English message ids; app.py shows them translated.
GROUPS: tuple[str, ...] = (N_("Find support"), N_("Peer leaders"), N_("Organizers"))


@dataclass(frozen=True)
class Route:
    """One page: its script, title, URL path (empty for the home page) and navigation group."""

    script: str
    title: str
    url_path: str
    group: str
    icon: str
    access: str = "public"  # "public", "curator" (shown once signed in) or "admin"


ROUTES: tuple[Route, ...] = (
    Route("pages/find.py", N_("Find support"), "", "Find support", ":material/search:"),
    Route("pages/map.py", N_("Map"), "map", "Find support", ":material/map:"),
    Route("pages/events.py", N_("Events"), "events", "Find support", ":material/event:"),
    Route("pages/suggest.py", N_("Suggest a change"), "suggest", "Find support", ":material/add_comment:"),
    Route("pages/packet.py", N_("Packet"), "packet", "Peer leaders", ":material/inventory_2:"),
    Route("pages/curate.py", N_("Curate"), "curate", "Peer leaders", ":material/edit_note:"),
    Route("pages/review.py", N_("Review suggestions"), "review", "Peer leaders", ":material/rule:", "curator"),
    Route("pages/bulk.py", N_("Bulk edit"), "bulk", "Peer leaders", ":material/table_edit:", "curator"),
    Route("pages/stale.py", N_("Entries to check"), "stale", "Peer leaders", ":material/history:", "curator"),
    Route("pages/triage.py", N_("Imports to review"), "triage", "Peer leaders", ":material/fact_check:", "curator"),
    Route("pages/transfer.py", N_("Import and export"), "import-export", "Peer leaders", ":material/swap_vert:",
          "curator"),
    Route("pages/gaps.py", N_("Gaps"), "gaps", "Organizers", ":material/travel_explore:"),
    Route("pages/accounts.py", N_("Accounts"), "accounts", "Peer leaders", ":material/group:", "admin"),
)


# The query parameter that opens one resource's detail view on Find (/?id=...).
DETAIL_PARAM = "id"
# The packet page's parameter: the comma-separated ids of a shared packet, and nothing else.
PACKET_PARAM = "ids"


def language_params() -> dict[str, str]:
    """The URL parameter that keeps a link in the current language (none for the default language)."""
    code = current_language()
    return {} if code == DEFAULT_LANGUAGE else {LANGUAGE_PARAM: code}


def detail_link(resource_id: str) -> str:
    """The shareable relative link to one resource's detail view, in the current language."""
    # The id comes last: the map appends each marker's id to detail_link("").
    return "/?" + urlencode({**language_params(), DETAIL_PARAM: resource_id})


def url_of(script: str) -> str:
    """The URL path of a page, from its script (e.g. 'pages/packet.py' -> '/packet')."""
    return "/" + next(route.url_path for route in ROUTES if route.script == script)


def visible_routes(role: str | None) -> tuple[Route, ...]:
    """The pages a session may see: public ones, plus curator or admin pages once signed in."""
    allowed = {"public"} | ({"curator"} if role else set()) | ({"admin"} if role == "admin" else set())
    return tuple(route for route in ROUTES if route.access in allowed)
