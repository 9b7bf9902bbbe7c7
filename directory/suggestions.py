"""Public suggestions: new resources and reported changes wait in a queue for a peer leader.

Suggestions live in suggestions.jsonl in the data folder. They hold what was suggested, never who
suggested it. A decision (approve, merge, reject) is appended as a new line, so the file is a log.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock

from directory.auth import Curator, require_role
from directory.curation import SaveResult, save_entry
from directory.errors import DirectoryError
from directory.files import append_durably
from directory.geo import Geocoder
from directory.i18n import _
from directory.store import Store, utc_now
from directory.text import clean_text

SUGGESTIONS_FILE = "suggestions.jsonl"
KINDS = ("new", "change")
# Fields a visitor may suggest for a new resource; peer leaders fill in the rest.
SUGGESTED_FIELDS: tuple[str, ...] = ("name", "organization", "description", "category", "support_types", "address",
                                     "city", "state", "zip", "phone", "website", "hours")
MESSAGE_LIMIT = 1000
FIELD_LIMIT = 300


@dataclass
class Suggestion:
    """One suggestion and, once decided, its outcome."""

    id: str
    kind: str
    created_at: str
    fields: dict[str, str] = field(default_factory=dict)
    resource_id: str = ""
    message: str = ""
    status: str = "open"  # open, approved, merged, rejected
    decided_by: str = ""
    decided_at: str = ""
    note: str = ""
    result_id: str = ""


class SuggestionError(DirectoryError, ValueError):
    """A suggestion was refused; the message says why, in the current language."""


class Suggestions:
    """The suggestion queue of one data folder."""

    def __init__(self, data_dir: Path | str, *, clock: Callable[[], str] = utc_now):
        self.data_dir = Path(data_dir)
        self._clock = clock
        self.path = self.data_dir / SUGGESTIONS_FILE
        self._lock = FileLock(str(self.path) + ".lock", timeout=30)

    def submit(self, kind: str, *, fields: Mapping[str, str] | None = None, resource_id: str = "",
               message: str = "") -> Suggestion:
        """Queue a visitor's suggestion after length and shape checks; no sign-in needed."""
        if kind not in KINDS:
            raise SuggestionError(_("choose a new resource or a change to an existing one"))
        cleaned = {k: clean_text(str(v))[:FIELD_LIMIT + 1] for k, v in (fields or {}).items() if k in SUGGESTED_FIELDS}
        cleaned = {k: v for k, v in cleaned.items() if v}
        message = clean_text(message, multiline=True)
        if any(len(v) > FIELD_LIMIT for v in cleaned.values()):
            raise SuggestionError(_("each field can hold at most {limit} characters").format(limit=FIELD_LIMIT))
        if len(message) > MESSAGE_LIMIT:
            raise SuggestionError(_("the message can hold at most {limit} characters").format(limit=MESSAGE_LIMIT))
        if kind == "new" and not cleaned.get("name"):
            raise SuggestionError(_("a new resource needs at least a name"))
        if kind == "change" and (not resource_id or not message):
            raise SuggestionError(_("say which entry and what should change"))
        suggestion = Suggestion(uuid.uuid4().hex[:12], kind, self._clock(), cleaned, resource_id, message)
        self._append({"event": "submitted", **suggestion.__dict__})
        return suggestion

    def all(self) -> list[Suggestion]:
        """Every suggestion with its latest state, oldest first."""
        found: dict[str, Suggestion] = {}
        if not self.path.exists():
            return []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line torn by a crash; the others stay usable
            event = entry.pop("event", "")
            if event == "submitted":
                found[entry["id"]] = Suggestion(**entry)
            elif entry.get("id") in found:
                for key in ("status", "decided_by", "decided_at", "note", "result_id"):
                    setattr(found[entry["id"]], key, entry.get(key, ""))
        return list(found.values())

    def open(self) -> list[Suggestion]:
        """Suggestions still waiting for a decision."""
        return [s for s in self.all() if s.status == "open"]

    def decide(self, curator: Curator, suggestion_id: str, status: str, *, note: str = "",
               result_id: str = "") -> None:
        """Record a curator's decision: approved, merged (into result_id) or rejected, with a note."""
        require_role(curator)
        if status not in ("approved", "merged", "rejected"):
            raise ValueError(f"unknown decision '{status}'")
        if suggestion_id not in {s.id for s in self.open()}:
            raise SuggestionError(_("that suggestion was already decided or does not exist"))
        self._append({"event": "decided", "id": suggestion_id, "status": status, "decided_by": curator.name,
                      "decided_at": self._clock(), "note": clean_text(note, multiline=True)[:MESSAGE_LIMIT],
                      "result_id": result_id})

    def approve(self, store: Store, curator: Curator, suggestion: Suggestion, edited: Mapping[str, str], *,
                geocode: Geocoder, note: str = "", duplicates_ok: bool = False) -> SaveResult:
        """Save the (possibly edited) suggested resource as any entry is saved; close the suggestion once it is in."""
        saved = save_entry(store, curator, edited, geocode=geocode, duplicates_ok=duplicates_ok)
        if saved.saved:
            self.decide(curator, suggestion.id, "approved", note=note, result_id=saved.row["id"])
        return saved

    def _append(self, entry: dict) -> None:
        with self._lock:
            append_durably(self.path, json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
