"""One exception family: every error the domain raises on purpose is a DirectoryError with a message for a person.

Each keeps the built-in base it had, so callers that catch ValueError, KeyError, PermissionError and so on still do.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from directory import taxonomy as tx
from directory.auth import (
    AccountError,
    Accounts,
    AccountsUnreadable,
    AuthError,
    Curator,
    LockedOut,
    NoSuchAccount,
    NotAllowed,
    SlowDown,
    require_role,
)
from directory.cli import _UNKNOWN_CATEGORY, UsageError, _term_keys
from directory.config import SettingsError
from directory.errors import DirectoryError
from directory.gaps import DemandError, read_demand
from directory.gazetteer import PlaceNotFound, resolve_place
from directory.hours import HoursError, parse_hours
from directory.interop import hsds
from directory.interop.column_mapping import MappingError, load_mapping_text
from directory.interop.csv_import import open_csv
from directory.interop.importer import Change, DirectoryChanged, ImportPlan, apply_plan
from directory.interop.records import UnusableInput
from directory.phones import PhoneError, normalise_phone
from directory.schema import FieldError, validate_field
from directory.store import (
    ConflictError,
    NotFoundError,
    SnapshotNotFound,
    Store,
    StoreReadError,
    ValidationError,
)
from directory.suggestions import SuggestionError, Suggestions
from directory.triage import _Refused
from tests.apps import PASSWORD
from tests.factories import make_record

DANA = Curator("dana", "curator")
ADMIN = Curator("admin", "admin")

# Each class and the built-in base it had before it joined the family (Exception: none to keep).
FAMILY: list[tuple[type[Exception], type[Exception]]] = [
    (UsageError, Exception),
    (SettingsError, Exception),
    (PlaceNotFound, ValueError),
    (UnusableInput, ValueError),
    (MappingError, ValueError),
    (hsds._TooLarge, Exception),
    (AuthError, Exception),
    (LockedOut, Exception),
    (SlowDown, Exception),
    (NotAllowed, PermissionError),
    (AccountError, ValueError),
    (AccountsUnreadable, Exception),
    (NoSuchAccount, KeyError),
    (PhoneError, ValueError),
    (_Refused, Exception),
    (FieldError, ValueError),
    (SuggestionError, ValueError),
    (HoursError, ValueError),
    (ValidationError, ValueError),
    (ConflictError, RuntimeError),
    (NotFoundError, KeyError),
    (StoreReadError, RuntimeError),
    (SnapshotNotFound, FileNotFoundError),
    (DirectoryChanged, ValueError),
    (DemandError, ValueError),
]


@pytest.mark.parametrize(("error", "builtin"), FAMILY, ids=[e.__name__ for e, _ in FAMILY])
def test_every_domain_error_is_a_directory_error_and_keeps_its_builtin_base(
        error: type[Exception], builtin: type[Exception]) -> None:
    """Catching DirectoryError catches it; catching its old built-in base still does too; it says when it is raised."""
    assert issubclass(error, DirectoryError)
    assert issubclass(error, builtin)
    assert (error.__doc__ or "").strip(), f"{error.__name__} needs a docstring saying when it is raised"


def _conflict(folder: Path) -> None:
    store = Store(folder)
    row = store.add(make_record(), by=DANA)
    store.update(row["id"], {"name": "First edit"}, base_version=1, by=DANA)
    store.update(row["id"], {"name": "Second edit"}, base_version=1, by=DANA)


def _unreadable_store(folder: Path) -> None:
    (folder / "resources.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    Store(folder).read_raw()


def _wrong_password(folder: Path) -> None:
    accounts = Accounts(folder)
    accounts.add("dana", PASSWORD, "admin", by=None)
    accounts.sign_in("dana", "not the password")


def _directory_changed(folder: Path) -> None:
    store = Store(folder)
    taken = store.add(make_record(), by=DANA)["id"]
    apply_plan(store, ImportPlan(added=[Change(1, "", "New", {**make_record(), "id": taken})]), by=DANA)


def _raising(error: Exception) -> Callable[[Path], object]:
    def action(_: Path) -> object:
        raise error

    return action


def _too_large(folder: Path) -> None:
    hsds._read_table("services", b"id,name\ns-1," + b"x" * (hsds.MAX_CELL + 1) + b"\n")


# (case, what it raises, how, words its message must hold)
def _damaged_accounts(folder: Path) -> object:
    accounts = Accounts(folder)
    accounts.path.write_text("{not json", encoding="utf-8")
    return accounts.names()


RAISES: list[tuple[str, type[Exception], Callable[[Path], object], tuple[str, ...]]] = [
    ("usage", UsageError, lambda _: _term_keys(tx.CATEGORIES, ["nonsense"], _UNKNOWN_CATEGORY),
     ("unknown category 'nonsense'",)),
    ("place", PlaceNotFound, lambda _: resolve_place("Atlantis, ZZ"), ("Atlantis", "ZIP")),
    ("unusable", UnusableInput, lambda _: open_csv(b""), ("the file is empty",)),
    ("mapping", MappingError, lambda _: load_mapping_text("{not json"), ("mapping file", "not valid JSON")),
    ("too large", UnusableInput, _too_large, ("services.csv row 1", "larger than")),
    ("wrong password", AuthError, _wrong_password, ("do not match",)),
    ("locked out", LockedOut, _raising(LockedOut(600)), ("Try again in 10 minutes",)),
    ("slow down", SlowDown, _raising(SlowDown(5)), ("wait 5 seconds",)),
    ("not signed in", NotAllowed, lambda _: require_role(None), ("sign in",)),
    ("not an admin", NotAllowed, lambda _: require_role(DANA, "admin"), ("only an admin",)),
    ("short password", AccountError, lambda f: Accounts(f).add("sam", "short", by=None), ("at least 10",)),
    ("no such account", NoSuchAccount, lambda f: Accounts(f).remove("nobody", by=None),
     ("no account named 'nobody'",)),
    ("phone", PhoneError, lambda _: normalise_phone("12"), ("'12'", "phone number")),
    ("field", FieldError, lambda _: validate_field("zip", "abc"), ("5-digit ZIP",)),
    ("suggestion", SuggestionError, lambda f: Suggestions(f).submit("new", fields={}), ("needs at least a name",)),
    ("hours", HoursError, lambda _: parse_hours("Mon 25:00-26:00"), ("'25:00'", "time of day")),
    ("validation", ValidationError, lambda f: Store(f).add(make_record(zip="abc"), by=DANA), ("zip:", "ZIP")),
    ("conflict", ConflictError, _conflict, ("First edit", "Nothing was saved")),
    ("not found", NotFoundError, lambda f: Store(f).get("nope"), ("nope",)),
    ("unreadable store", StoreReadError, _unreadable_store, ("resources.csv", "'id' and 'name'")),
    ("no snapshot", SnapshotNotFound, lambda f: Store(f).restore_snapshot("nope.csv", by=ADMIN),
     ("no snapshot named 'nope.csv'",)),
    ("directory changed", DirectoryChanged, _directory_changed, ("changed during the import", "nothing was written")),
    ("demand columns", DemandError, lambda _: read_demand("place,people\nsomewhere,10\n"), ("ZIP column",)),
    ("demand not csv", DemandError, lambda _: read_demand(""), ("cannot be read as CSV",)),
    ("damaged accounts", AccountsUnreadable, _damaged_accounts, ("curators.json is damaged", "backup")),
]


@pytest.mark.parametrize(("raised", "action", "words"), [case[1:] for case in RAISES], ids=[c[0] for c in RAISES])
def test_each_error_names_what_went_wrong(empty_dir: Path, raised: type[Exception], action: Callable[[Path], object],
                                         words: tuple[str, ...]) -> None:
    """A representative raise of each gives a message a person can act on."""
    with pytest.raises(raised) as caught:
        action(empty_dir)
    message = str(caught.value)
    for word in words:
        assert word in message


@pytest.mark.parametrize(("raise_it", "expected"), [
    (lambda f: Store(f).get("nope"), "no resource has the id nope"),
    (lambda f: Accounts(f).remove("nobody", by=None), "no account named 'nobody'"),
], ids=["resource", "account"])
def test_key_errors_print_their_message_without_quotes(empty_dir: Path, raise_it: Callable[[Path], object],
                                                       expected: str) -> None:
    """KeyError's own str() wraps the message in quotes; these two print the plain message."""
    with pytest.raises(KeyError) as caught:
        raise_it(empty_dir)
    assert str(caught.value) == expected
