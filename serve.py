"""The server: `streamlit run serve.py` serves app.py through Streamlit's st.App, after start-up checks run once.

Beside the pages, the same process serves the public feeds (/feeds/meetings.json with CORS, /feeds/events.ics)
and a read-only HSDS 3.0 API (/api/hsds/), and puts security headers on every response, pages included.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from directory import feeds
from directory.config import TILE_LAYERS, Settings, SettingsError, environment_key, load_settings
from directory.feeds import FeedError
from directory.interop import hsds_api
from directory.maps import tile_host
from directory.store import Store
from directory.ui.shell import use_navigation_only


@asynccontextmanager
async def start_up(_app: st.App) -> AsyncIterator[None]:
    """Before the first visitor: check every setting (a bad one stops the server) and turn off legacy pages."""
    try:
        load_settings()
    except SettingsError as error:
        print(f"error: the directory cannot start: {error}", file=sys.stderr, flush=True)
        # Exit at once, as the CLI does: the server has not served anyone yet, and a traceback would hide the
        # one line that says which variable to fix.
        os._exit(2)
    use_navigation_only()
    yield


@functools.lru_cache(maxsize=8)
def _settings_for(environment: tuple[tuple[str, str], ...]) -> Settings:
    return load_settings()


def _settings() -> Settings:
    return _settings_for(environment_key())


@functools.lru_cache(maxsize=8)
def _store(folder: str) -> Store:
    return Store(folder)


def _current_store() -> Store:
    return _store(str(_settings().data_dir))


def _params(request: Request) -> dict[str, list[str]]:
    return {key: request.query_params.getlist(key) for key in request.query_params}


def _problem(status: int, message: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message, "status": status}, status_code=status, headers=headers)


# A meeting finder on another site reads the feed from the visitor's browser, so it needs CORS; it sends no
# credentials and may only read.
FEED_CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
             "Access-Control-Allow-Headers": "Content-Type", "Access-Control-Max-Age": "86400"}
# Readers may poll; a minute of staleness is harmless and spares the server.
CACHE = {"Cache-Control": "public, max-age=60"}


async def meetings_json(request: Request) -> Response:
    """GET /feeds/meetings.json: the Meeting Guide feed of active weekly meetings, filtered like the Find page."""
    if request.method == "OPTIONS":
        return Response(status_code=204, headers=FEED_CORS)
    try:
        query = feeds.parse_filters(_params(request))
    except FeedError as error:
        return _problem(400, str(error), FEED_CORS)
    body = await run_in_threadpool(feeds.meetings_feed, _current_store(), query)
    return Response(body, media_type="application/json", headers={**FEED_CORS, **CACHE})


async def events_ics(request: Request) -> Response:
    """GET /feeds/events.ics: a calendar subscription of the active events, filtered like the Find page."""
    try:
        query = feeds.parse_filters(_params(request))
    except FeedError as error:
        return _problem(400, str(error))
    settings = _settings()
    body = await run_in_threadpool(feeds.events_calendar, _current_store(), query, zone=settings.timezone,
                                   base_url=settings.public_url)
    return Response(body, media_type="text/calendar", headers={
        **CACHE, "Content-Disposition": 'inline; filename="events.ics"'})


def _api(build: Callable[..., dict[str, Any]], *, takes: str = "") -> Callable[[Request], Awaitable[Response]]:
    """An API endpoint: JSON from build(data, params or path id), 400 for a bad parameter, 404 for no such id."""
    async def endpoint(request: Request) -> Response:
        try:
            if takes == "nothing":
                if request.query_params:
                    raise FeedError("this endpoint takes no parameters")
                return JSONResponse(build(), headers=CACHE)
            data = await run_in_threadpool(hsds_api.api_data, _current_store())
            argument: str | dict[str, list[str]] = (request.path_params["id"] if takes == "id"
                                                    else _params(request))
            if takes == "id" and request.query_params:
                raise FeedError("this endpoint takes no parameters")
            return JSONResponse(build(data, argument), headers=CACHE)
        except FeedError as error:
            return _problem(400, str(error))
        except hsds_api.NotFound as error:
            return _problem(404, str(error))
    return endpoint


API = "/api/hsds"
ROUTES = [
    Route("/feeds/meetings.json", meetings_json, methods=["GET", "HEAD", "OPTIONS"]),
    Route("/feeds/events.ics", events_ics, methods=["GET", "HEAD"]),
    Route(API, _api(hsds_api.about, takes="nothing"), methods=["GET", "HEAD"]),
    Route(API + "/", _api(hsds_api.about, takes="nothing"), methods=["GET", "HEAD"]),
    Route(API + "/services", _api(hsds_api.services_page), methods=["GET", "HEAD"]),
    Route(API + "/services/{id}", _api(hsds_api.service, takes="id"), methods=["GET", "HEAD"]),
    Route(API + "/service_at_locations", _api(hsds_api.service_at_locations_page), methods=["GET", "HEAD"]),
    Route(API + "/service_at_locations/{id}", _api(hsds_api.service_at_location, takes="id"),
          methods=["GET", "HEAD"]),
    Route(API + "/organizations", _api(hsds_api.organizations_page), methods=["GET", "HEAD"]),
    Route(API + "/organizations/{id}", _api(hsds_api.organization, takes="id"), methods=["GET", "HEAD"]),
    Route(API + "/taxonomies", _api(hsds_api.taxonomies_page), methods=["GET", "HEAD"]),
    Route(API + "/taxonomy_terms", _api(hsds_api.taxonomy_terms_page), methods=["GET", "HEAD"]),
]


def content_security_policy(tiles: str) -> str:
    """The CSP for every response: the app itself, plus the configured tile server's images (if any).

    Streamlit's frontend needs inline styles, blob: and data: images and fonts, and its websocket; its
    component iframes and the map's folium script run inline from the same origin. No 'unsafe-eval': the whole
    browser suite passes without it.
    """
    host = tile_host(tiles) if tiles in TILE_LAYERS else None
    images = "'self' data: blob:" + (f" https://{host}" if host else "")
    return "; ".join((
        "default-src 'self'", "script-src 'self' 'unsafe-inline'", "style-src 'self' 'unsafe-inline'",
        f"img-src {images}", "font-src 'self' data:", "connect-src 'self' ws: wss:",
        # tel: because the map popup's call link navigates its (same-origin component) iframe.
        "frame-src 'self' blob: data: tel:",
        "worker-src 'self' blob:", "media-src 'self' data: blob:", "object-src 'none'", "base-uri 'self'",
        "form-action 'self'", "frame-ancestors 'self'",
    ))


class SecurityHeaders:
    """ASGI middleware: CSP, Referrer-Policy and X-Content-Type-Options on every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            tiles = _settings().map_tiles
        except SettingsError:
            tiles = "none"
        added = [(b"content-security-policy", content_security_policy(tiles).encode()),
                 (b"referrer-policy", b"no-referrer"), (b"x-content-type-options", b"nosniff")]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *(h for h in added if h[0] not in names)]
            await send(message)

        await self.app(scope, receive, send_with_headers)


app = st.App("app.py", lifespan=start_up, routes=ROUTES, middleware=[Middleware(SecurityHeaders)])
