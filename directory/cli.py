"""The command line: `python -m directory <command>`.

Exit codes: 0 success, 1 some input was rejected, 2 the input is unusable.
Results go to standard output; messages go to standard error.
"""

from __future__ import annotations

import argparse
import csv
import getpass
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from directory import config, loading
from directory import taxonomy as tx
from directory.auth import AccountError, Accounts, Curator, NoSuchAccount
from directory.errors import DirectoryError
from directory.gazetteer import PlaceNotFound, resolve_place
from directory.interop.formats import EXPORT_FORMATS, IMPORT_FORMATS, export_to, read_source
from directory.interop.importer import ImportPlan, import_rows, rejects_csv
from directory.present import category_label, place_text
from directory.privacy import is_confidential, public_view
from directory.schema import FIELDS, split_list
from directory.search import Query, search
from directory.store import Store, StoreReadError, read_resources_csv, validate_frame


class UsageError(DirectoryError):
    """Input the command cannot use at all (exit 2)."""


def _store(args: argparse.Namespace) -> Store:
    settings = args.settings
    return Store(settings.data_dir, snapshots_kept=settings.snapshots_kept, clock=settings.timestamp)


def _term_keys(terms: tuple[tx.Term, ...], given: Sequence[str] | None, what: str) -> tuple[str, ...]:
    chosen = []
    for raw in given or ():
        wanted = raw.strip().lower()
        match = next((t.key for t in terms if wanted in (t.key, t.english_label.lower(), t.label.lower())), None)
        if match is None:
            raise UsageError(f"unknown {what} '{raw}'; use one of: {', '.join(tx.keys(terms))}")
        chosen.append(match)
    return tuple(chosen)


def cmd_validate(args: argparse.Namespace) -> int:
    """List every bad row of a resources CSV (row, field, reason); exit 1 if there is one."""
    path = Path(args.path) if args.path else args.settings.resources_path
    if path.is_dir():
        path = path / config.RESOURCES_FILE
    if not path.is_file():
        raise UsageError(f"no file at {path}")
    try:
        if path.resolve() == args.settings.resources_path.resolve():
            # The data folder's own file: its shared snapshot validates only rows not seen valid before.
            current = loading.current(_store(args))
            problems, rows = current.loaded.problems, len(current.stage)
        else:
            frame = read_resources_csv(path)
            problems, rows = validate_frame(frame).problems, len(frame)
    except StoreReadError as error:
        raise UsageError(str(error)) from None
    for problem in problems:
        print(f"row {problem.row_number}\tid {problem.resource_id or '-'}\t{problem.field}\t{problem.message}")
    bad_rows = len({p.row_number for p in problems})
    print(f"{rows} rows checked, {bad_rows} with problems", file=sys.stderr)
    return 1 if problems else 0


def _json_value(value: float) -> float | None:
    return None if value is None or math.isnan(value) else round(float(value), 3)


def _result_record(row: pd.Series) -> dict:
    confidential = is_confidential(row)
    # A confidential entry's coordinates are its ZIP's centre: fine for ranking, but never printed as a pin.
    lat = float(row["latitude"]) if row["latitude"] and not confidential else None
    lon = float(row["longitude"]) if row["longitude"] and not confidential else None
    return {
        "id": row["id"],
        "name": row["name"],
        "category": row["category"],
        "support_types": split_list(row["support_types"]),
        "lat": lat,
        "lon": lon,
        "distance_miles": _json_value(row["distance_miles"]),
        "address": place_text(row, ", "),
        "location_confidential": confidential,
        "phone": row["phone"],
        "website": row["website"],
        "last_verified": row["last_verified"],
        "status": row["status"],
    }


def cmd_search(args: argparse.Namespace) -> int:
    """Search the directory and print the matches as a table or JSON."""
    near = None
    label = ""
    if args.near:
        try:
            place = resolve_place(args.near)
        except PlaceNotFound as error:
            raise UsageError(str(error)) from None
        near, label = (place.lat, place.lon), place.label
    if args.radius_miles is not None and args.radius_miles <= 0:
        raise UsageError("--radius-miles must be more than 0")
    query = Query(
        text=args.text or "",
        support_types=_term_keys(tx.SUPPORT_TYPES, args.support_type, "support type"),
        categories=_term_keys(tx.CATEGORIES, args.category, "category"),
        free_only=args.free,
        moud_welcome=args.moud_welcome,
        peer_run=args.peer_run,
        near=near,
        radius_miles=args.radius_miles if near else None,
        include_inactive=args.include_inactive,
        limit=args.limit,
    )
    store = _store(args)
    try:
        current = loading.current(store)
    except StoreReadError as error:
        raise UsageError(str(error)) from None
    if current.loaded.problems:
        print(f"note: {len(current.loaded.problems)} problems in the data are not shown; run 'validate'",
              file=sys.stderr)
    # Search output is public: it reads the same public view as the pages (no confidential street or pin).
    results = search(current.index, query)
    records = [_result_record(row) for _, row in results.iterrows()]
    if args.format == "json":
        print(json.dumps(records, ensure_ascii=False, indent=2))
    else:
        _print_table(records)
    where = f" near {label}" if label else ""
    print(f"{len(records)} results{where}", file=sys.stderr)
    return 0


def _miles_cell(record: dict) -> str:
    if record["distance_miles"] is None:
        return ""
    # To a confidential entry only the distance to its ZIP's centre is known: whole miles, marked as such.
    if record["location_confidential"]:
        return f"~{max(1, round(record['distance_miles']))} (ZIP)"
    return f"{record['distance_miles']:.1f}"


def _print_table(records: list[dict]) -> None:
    header = ("miles", "name", "category", "address", "phone")
    lines = [header] + [
        (
            _miles_cell(r),
            r["name"][:40],
            category_label(r["category"])[:30],
            r["address"][:45],
            r["phone"],
        )
        for r in records
    ]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for line in lines:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip())


def cmd_export(args: argparse.Namespace) -> int:
    """Export the directory: csv (spreadsheet-safe), hsds (HSDS 3.0 package), meeting-guide (JSON) or ics."""
    store = _store(args)
    try:
        frame = store.read_raw()
    except StoreReadError as error:
        raise UsageError(str(error)) from None
    written = export_to(frame, args.format, Path(args.out), directory_zone=args.settings.timezone)
    print(f"exported {len(frame)} rows as {args.format} to {written}", file=sys.stderr)
    if args.format == "hsds":
        from directory.interop.hsds import validate_hsds  # here: only this command needs the HSDS schema

        problems = validate_hsds(written)
        for problem in problems[:20]:
            print(f"HSDS check: {problem}", file=sys.stderr)
        print("HSDS check: the package is valid" if not problems else f"HSDS check: {len(problems)} problems",
              file=sys.stderr)
        return 1 if problems else 0
    return 0


def _report_review(plan: ImportPlan) -> None:
    """Tell the importer, on stderr, what waits for review and what was repaired; the details are in the app."""
    for change in [c for c in plan.inferred if "category" in c.inferred][:_SHOWN]:
        print(f"row {change.line}: inferred {', '.join(change.inferred)} for '{change.name}' "
              f"(category {change.values['category'] or 'none'})", file=sys.stderr)
    reasons: dict[str, int] = {}
    for change in plan.pending:
        for reason in split_list(change.values.get("review_reasons", "")):
            reasons[reason] = reasons.get(reason, 0) + 1
    for reason, count in reasons.items():
        print(f"needs review ({tx.label_of(tx.REVIEW_REASONS, reason).lower()}): {count}", file=sys.stderr)
    for repair in plan.repairs[:_SHOWN]:
        print(f"repaired {repair}", file=sys.stderr)
    if len(plan.repairs) > _SHOWN:
        print(f"... and {len(plan.repairs) - _SHOWN} more repairs", file=sys.stderr)


_SHOWN = 20


def cmd_import(args: argparse.Namespace) -> int:
    """Import a CSV, an HSDS package, a Meeting Guide feed or an iCalendar file: add new entries, update matching."""
    store = _store(args)
    try:
        from directory.interop.column_mapping import load_mapping

        mapping = load_mapping(Path(args.mapping)) if args.mapping else None
        rows = read_source(Path(args.path), args.format, mapping)
        plan = import_rows(store, rows, by=Curator(args.by, "curator"), dry_run=args.dry_run,
                           all_or_nothing=args.all_or_nothing)
    except (DirectoryError, OSError, UnicodeDecodeError, csv.Error, RecursionError) as error:
        # Readers turn what they see into UnusableInput; the file itself may still fail to open or decode.
        raise UsageError(f"{args.path}: {error}; nothing was imported") from None
    _report_review(plan)
    if plan.rejected:
        rejects = Path(args.rejects or f"{Path(args.path).stem}-rejects.csv")
        rejects.write_text(rejects_csv(plan.rejected), encoding="utf-8")
        print(f"{len(plan.rejected)} rejected rows and their reasons: {rejects}", file=sys.stderr)
    if args.dry_run:
        print("dry run: nothing was written", file=sys.stderr)
        for change in plan.added:
            print(f"row {change.line}: would add: {change.name}", file=sys.stderr)
        for change in plan.updated:
            print(f"row {change.line}: would update {', '.join(change.changed)}: {change.name}", file=sys.stderr)
    elif args.all_or_nothing and plan.rejected:
        print("--all-or-nothing: some rows were rejected, so nothing was written", file=sys.stderr)
    print(plan.summary())
    return 1 if plan.rejected else 0


def cmd_snapshots(args: argparse.Namespace) -> int:
    """List the kept snapshots of resources.csv, oldest first."""
    for kept in _store(args).snapshots():
        print(kept.name)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Make a kept snapshot the current resources.csv (the current one is snapshotted first)."""
    # The CLI runs on the server's own machine, so its operator acts as an admin.
    _store(args).restore_snapshot(args.snapshot, by=Curator(args.by, "admin"))
    print(f"restored {args.snapshot}", file=sys.stderr)
    return 0


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Repeat the password: "):
        raise UsageError("the two passwords differ")
    return first


def cmd_curator(args: argparse.Namespace) -> int:
    """Manage peer-leader accounts: add, list, remove."""
    accounts = Accounts(args.settings.data_dir)
    try:
        if args.action == "add":
            role = "admin" if args.admin else "curator"
            # Run on the server's own machine, so the operator is trusted (by=None).
            accounts.add(args.name, _read_password(args), role, by=None)
            print(f"added {role} '{args.name}'", file=sys.stderr)
        elif args.action == "remove":
            accounts.remove(args.name, by=None)
            # Their sessions were kept with the account, so any page they have open stops at its next action.
            print(f"removed '{args.name}'; any page they have open can no longer make changes", file=sys.stderr)
        else:
            for name, role in accounts.names():
                print(f"{name}\t{role}")
    except (AccountError, NoSuchAccount) as error:
        raise UsageError(str(error)) from None
    return 0


def cmd_gaps(args: argparse.Namespace) -> int:
    """For each ZIP area of the region, the miles to the nearest active resource of a type, category or pathway."""
    from directory.gaps import Kind, coverage_share, gap_table  # here: scipy is slow to import

    if args.threshold_miles <= 0:
        raise UsageError("--threshold-miles must be more than 0")
    support = _term_keys(tx.SUPPORT_TYPES, [args.support_type] if args.support_type else None, "support type")
    category = _term_keys(tx.CATEGORIES, [args.category] if args.category else None, "category")
    pathway = _term_keys(tx.PATHWAYS, [args.pathway] if args.pathway else None, "pathway")
    try:
        frame = public_view(_store(args).load().frame)  # a public report: ZIP-level places only
    except StoreReadError as error:
        raise UsageError(str(error)) from None
    if frame.empty:
        raise UsageError("the directory has no entries to measure from")
    kind = Kind(support_type=support[0] if support else "", category=category[0] if category else "",
                pathway=pathway[0] if pathway else "")
    table = gap_table(frame, kind, args.threshold_miles, region=args.settings.region)
    columns = ["zip", "lat", "lon", "nearest_miles", "nearest_id", "within_threshold"]
    if args.format == "csv":
        table[columns].to_csv(sys.stdout, index=False, lineterminator="\n")
    else:
        records = [{**row, "nearest_miles": _json_value(row["nearest_miles"]),
                    "within_threshold": int(row["within_threshold"])} for row in table[columns].to_dict("records")]
        print(json.dumps(records, indent=2))
    share = coverage_share(table, args.threshold_miles)
    print(f"{len(table)} ZIP areas; {share:.0%} within {args.threshold_miles:g} miles of {kind.label()}",
          file=sys.stderr)
    return 0


def cmd_columns(args: argparse.Namespace) -> int:
    """Print the CSV columns as a Markdown table (the README's table is made from this)."""
    print(columns_markdown())
    return 0


def cmd_settings(args: argparse.Namespace) -> int:
    """Print the settings (environment variables) as a Markdown table (the README's table is made from this)."""
    print(config.settings_markdown())
    return 0


def columns_markdown() -> str:
    """The resource columns as a Markdown table: name, required, meaning, allowed values."""
    lines = ["| column | required | meaning | allowed values |", "| --- | --- | --- | --- |"]
    for f in FIELDS:
        allowed = ", ".join(f"`{t.key}`" for t in f.terms)
        if f.kind in ("choices", "list"):
            allowed = (allowed + " " if allowed else "") + "(several, separated by `;`)"
        lines.append(f"| `{f.name}` | {'yes' if f.required else ''} | {f.doc} | {allowed} |")
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every command."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", help="data folder (default: $DIRECTORY_DATA_DIR or data/)")
    parser = argparse.ArgumentParser(prog="python -m directory", description="Peer recovery support directory.")
    commands = parser.add_subparsers(dest="command", required=True)

    p = commands.add_parser("validate", parents=[common], help=cmd_validate.__doc__)
    p.add_argument("path", nargs="?", help="a resources CSV or a data folder (default: the data folder)")
    p.set_defaults(run=cmd_validate)

    p = commands.add_parser("search", parents=[common], help=cmd_search.__doc__)
    p.add_argument("--text", help="words to find in name, organization, description and tags")
    p.add_argument("--near", help="a 5-digit ZIP or 'City, ST'")
    p.add_argument("--radius-miles", type=float, help="only results within this distance of --near")
    p.add_argument("--support-type", action="append", help="repeatable: " + ", ".join(tx.keys(tx.SUPPORT_TYPES)))
    p.add_argument("--category", action="append", help="repeatable: a category key")
    p.add_argument("--free", action="store_true", help="only free resources")
    p.add_argument("--moud-welcome", action="store_true", help="only where medication for OUD is welcome")
    p.add_argument("--peer-run", action="store_true", help="only peer-run resources")
    p.add_argument("--include-inactive", action="store_true", help="also list inactive and pending entries")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("--limit", type=int, help="at most this many results")
    p.set_defaults(run=cmd_search)

    p = commands.add_parser("export", parents=[common], help=cmd_export.__doc__)
    p.add_argument("--format", choices=tuple(EXPORT_FORMATS), default="csv")
    p.add_argument("--out", required=True, help="file to write (hsds: a folder, or a file ending in .zip)")
    p.set_defaults(run=cmd_export)

    p = commands.add_parser("import", parents=[common], help=cmd_import.__doc__)
    p.add_argument("path", help="a CSV file, an HSDS folder or .zip, a Meeting Guide .json feed, or an .ics calendar")
    p.add_argument("--format", choices=("auto", *IMPORT_FORMATS), default="auto")
    p.add_argument("--mapping", help="a JSON mapping file: {\"columns\": {\"Source header\": \"our column\"}}")
    p.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
    p.add_argument("--all-or-nothing", action="store_true", help="write nothing if any row is rejected")
    p.add_argument("--by", default="import", help="who is importing, for the audit log")
    p.add_argument("--rejects", help="where to write rejected rows (default: <input name>-rejects.csv)")
    p.set_defaults(run=cmd_import)

    p = commands.add_parser("snapshots", parents=[common], help=cmd_snapshots.__doc__)
    p.set_defaults(run=cmd_snapshots)

    p = commands.add_parser("restore", parents=[common], help=cmd_restore.__doc__)
    p.add_argument("snapshot", help="a name listed by 'snapshots'")
    p.add_argument("--by", required=True, help="who is restoring, for the audit log")
    p.set_defaults(run=cmd_restore)

    p = commands.add_parser("curator", help=cmd_curator.__doc__)
    actions = p.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", parents=[common], help="create an account (prompts for the password)")
    add.add_argument("name")
    add.add_argument("--admin", action="store_true", help="may also manage accounts")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    actions.add_parser("list", parents=[common], help="list accounts and roles")
    remove = actions.add_parser("remove", parents=[common], help="delete an account")
    remove.add_argument("name")
    p.set_defaults(run=cmd_curator)

    p = commands.add_parser("gaps", parents=[common], help=cmd_gaps.__doc__)
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--support-type", help="one support type key")
    which.add_argument("--category", help="one category key")
    which.add_argument("--pathway", help=(
        f"one recovery pathway key or label ({', '.join(tx.keys(tx.PATHWAYS))}); an entry with 'Medication for "
        f"OUD welcome: yes' counts as {tx.MEDICATION_PATHWAY}, as in search"))
    which.add_argument("--any", action="store_true", help="any active resource")
    p.add_argument("--threshold-miles", type=float, required=True, help="distance beyond which an area is a gap")
    p.add_argument("--format", choices=("json", "csv"), default="json")
    p.set_defaults(run=cmd_gaps)

    p = commands.add_parser("columns", parents=[common], help=cmd_columns.__doc__)
    p.set_defaults(run=cmd_columns)
    p = commands.add_parser("settings", parents=[common], help=cmd_settings.__doc__)
    p.set_defaults(run=cmd_settings)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        args.settings = config.load_settings(data_dir=args.data_dir)
    except config.SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        return args.run(args)
    except DirectoryError as error:  # the last resort: UsageError and any domain error the command let through
        print(f"error: {error}", file=sys.stderr)
        return 2
