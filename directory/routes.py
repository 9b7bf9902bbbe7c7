"""The app's pages and their URL paths: the one list that app.py, links and tests read."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

GROUPS: tuple[str, ...] = ("Find support", "Peer leaders", "Organizers")


@dataclass(frozen=True)
class Route:
    """One page: its script, title, URL path (empty for the home page) and navigation group."""

    script: str
    title: str
    url_path: str
    group: str
    icon: str


ROUTES: tuple[Route, ...] = (
    Route("pages/find.py", "Find support", "", "Find support", ":material/search:"),
    Route("pages/map.py", "Map", "map", "Find support", ":material/map:"),
)


def detail_link(resource_id: str) -> str:
    """The shareable relative link to one resource's detail view."""
    return "/?" + urlencode({"id": resource_id})
