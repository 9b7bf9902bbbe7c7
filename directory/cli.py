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
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from directory import config, loading
from directory import taxonomy as tx
from directory.auth import AccountError, Accounts, Curator, NoSuchAccount
from directory.errors import DirectoryError
from directory.gazetteer import PlaceNotFound, resolve_place
from directory.i18n import LANGUAGES, N_, _, current_language, language, ngettext, normalise, number
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


# The message for a value not in a controlled list, one whole sentence per list so each language can agree its
# words with the list's name.
_UNKNOWN_SUPPORT_TYPE = N_("unknown support type '{value}'; use one of: {keys}")
_UNKNOWN_CATEGORY = N_("unknown category '{value}'; use one of: {keys}")
_UNKNOWN_PATHWAY = N_("unknown pathway '{value}'; use one of: {keys}")


def _term_keys(terms: tuple[tx.Term, ...], given: Sequence[str] | None, unknown: str) -> tuple[str, ...]:
    chosen = []
    for raw in given or ():
        wanted = raw.strip().lower()
        match = next((t.key for t in terms if wanted in (t.key, t.english_label.lower(), t.label.lower())), None)
        if match is None:
            raise UsageError(_(unknown).format(value=raw, keys=", ".join(tx.keys(terms))))
        chosen.append(match)
    return tuple(chosen)


def _decimal(value: float, digits: int) -> str:
    """A number with `digits` decimals as the language writes it ('2.5' / '2,5'); English as before."""
    # English keeps Python's own formatting (no thousands separator), which scripts may already read.
    return f"{value:.{digits}f}" if current_language() == "en" else number(value, digits=digits)


def _short_number(value: float) -> str:
    """A number with only the decimals it needs ('10', '2.5'), written the language's way."""
    text = f"{value:g}"
    if current_language() == "en" or "e" in text:
        return text
    return number(value, digits=len(text.partition(".")[2]))


def cmd_validate(args: argparse.Namespace) -> int:
    """List every bad row of a resources CSV (row, field, reason); exit 1 if there is one."""
    path = Path(args.path) if args.path else args.settings.resources_path
    if path.is_dir():
        path = path / config.RESOURCES_FILE
    if not path.is_file():
        raise UsageError(_("no file at {path}").format(path=path))
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
        # Tab-separated so it can be cut into columns; the field is the CSV column's own name.
        print(_("row {row}\tid {id}\t{field}\t{message}").format(
            row=problem.row_number, id=problem.resource_id or "-", field=problem.field, message=problem.text()))
    bad_rows = len({p.row_number for p in problems})
    # English keeps "rows" for one row too, as it always printed; other languages choose their own form.
    print(ngettext("{rows} rows checked, {bad} with problems", "{rows} rows checked, {bad} with problems",
                   rows).format(rows=rows, bad=bad_rows), file=sys.stderr)
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
        raise UsageError(_("--radius-miles must be more than 0"))
    query = Query(
        text=args.text or "",
        support_types=_term_keys(tx.SUPPORT_TYPES, args.support_type, _UNKNOWN_SUPPORT_TYPE),
        categories=_term_keys(tx.CATEGORIES, args.category, _UNKNOWN_CATEGORY),
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
        count = len(current.loaded.problems)
        print(ngettext("note: {count} problem in the data is not shown; run 'validate'",
                       "note: {count} problems in the data are not shown; run 'validate'", count).format(count=count),
              file=sys.stderr)
    # Search output is public: it reads the same public view as the pages (no confidential street or pin).
    results = search(current.index, query)
    # JSON is for scripts: the same in every language (a confidential entry's place reads in English).
    with language("en" if args.format == "json" else current_language()):
        records = [_result_record(row) for _, row in results.iterrows()]
    if args.format == "json":
        print(json.dumps(records, ensure_ascii=False, indent=2))
    else:
        _print_table(records)
    # English keeps "results" for one result too, as it always printed.
    if label:
        summary = ngettext("{count} results near {place}", "{count} results near {place}", len(records))
    else:
        summary = ngettext("{count} results", "{count} results", len(records))
    print(summary.format(count=len(records), place=label), file=sys.stderr)
    return 0


def _miles_cell(record: dict) -> str:
    if record["distance_miles"] is None:
        return ""
    # To a confidential entry only the distance to its ZIP's centre is known: whole miles, marked as such.
    if record["location_confidential"]:
        return _("~{miles} (ZIP)").format(miles=max(1, round(record["distance_miles"])))
    return _decimal(record["distance_miles"], 1)


_TABLE_HEADER = (N_("miles"), N_("name"), N_("category"), N_("address"), N_("phone"))


def _print_table(records: list[dict]) -> None:
    header = tuple(_(heading) for heading in _TABLE_HEADER)
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
    # English keeps "rows" for one row too, as it always printed.
    print(ngettext("exported {count} rows as {format} to {path}", "exported {count} rows as {format} to {path}",
                   len(frame)).format(count=len(frame), format=args.format, path=written), file=sys.stderr)
    if args.format == "hsds":
        from directory.interop.hsds import validate_hsds  # here: only this command needs the HSDS schema

        problems = validate_hsds(written)
        for problem in problems[:20]:
            print(_("HSDS check: {problem}").format(problem=problem), file=sys.stderr)
        if problems:
            # English keeps "problems" for one problem too, as it always printed.
            print(ngettext("HSDS check: {count} problems", "HSDS check: {count} problems", len(problems)).format(
                count=len(problems)), file=sys.stderr)
        else:
            print(_("HSDS check: the package is valid"), file=sys.stderr)
        return 1 if problems else 0
    return 0


def _report_review(plan: ImportPlan) -> None:
    """Tell the importer, on stderr, what waits for review and what was repaired; the details are in the app."""
    for change in [c for c in plan.inferred if "category" in c.inferred][:_SHOWN]:
        category = change.values["category"]
        inferred = (_("row {line}: inferred {fields} for '{name}' (category {category})") if category
                    else _("row {line}: inferred {fields} for '{name}' (category none)"))
        print(inferred.format(line=change.line, fields=", ".join(change.inferred), name=change.name,
                              category=category), file=sys.stderr)
    reasons: dict[str, int] = {}
    for change in plan.pending:
        for reason in split_list(change.values.get("review_reasons", "")):
            reasons[reason] = reasons.get(reason, 0) + 1
    for reason, count in reasons.items():
        print(_("needs review ({reason}): {count}").format(
            reason=tx.label_of(tx.REVIEW_REASONS, reason).lower(), count=count), file=sys.stderr)
    for repair in plan.repairs[:_SHOWN]:
        print(_("repaired {repair}").format(repair=repair), file=sys.stderr)
    if len(plan.repairs) > _SHOWN:
        more = len(plan.repairs) - _SHOWN
        print(ngettext("... and {count} more repair", "... and {count} more repairs", more).format(count=more),
              file=sys.stderr)


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
        raise UsageError(_("{path}: {error}; nothing was imported").format(path=args.path, error=error)) from None
    _report_review(plan)
    if plan.rejected:
        rejects = Path(args.rejects or f"{Path(args.path).stem}-rejects.csv")
        rejects.write_text(rejects_csv(plan.rejected), encoding="utf-8")
        # English keeps "rows" for one row too, as it always printed.
        print(ngettext("{count} rejected rows and their reasons: {path}",
                       "{count} rejected rows and their reasons: {path}", len(plan.rejected)).format(
            count=len(plan.rejected), path=rejects), file=sys.stderr)
    if args.dry_run:
        print(_("dry run: nothing was written"), file=sys.stderr)
        for change in plan.added:
            print(_("row {line}: would add: {name}").format(line=change.line, name=change.name), file=sys.stderr)
        for change in plan.updated:
            print(_("row {line}: would update {fields}: {name}").format(
                line=change.line, fields=", ".join(change.changed), name=change.name), file=sys.stderr)
    elif args.all_or_nothing and plan.rejected:
        print(_("--all-or-nothing: some rows were rejected, so nothing was written"), file=sys.stderr)
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
    print(_("restored {snapshot}").format(snapshot=args.snapshot), file=sys.stderr)
    return 0


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(_("Password: "))
    if first != getpass.getpass(_("Repeat the password: ")):
        raise UsageError(_("the two passwords differ"))
    return first


def cmd_curator(args: argparse.Namespace) -> int:
    """Manage peer-leader accounts: add, list, remove."""
    accounts = Accounts(args.settings.data_dir)
    try:
        if args.action == "add":
            role = "admin" if args.admin else "curator"
            # Run on the server's own machine, so the operator is trusted (by=None).
            accounts.add(args.name, _read_password(args), role, by=None)
            added = _("added admin '{name}'") if role == "admin" else _("added curator '{name}'")
            print(added.format(name=args.name), file=sys.stderr)
        elif args.action == "remove":
            accounts.remove(args.name, by=None)
            # Their sessions were kept with the account, so any page they have open stops at its next action.
            print(_("removed '{name}'; any page they have open can no longer make changes").format(name=args.name),
                  file=sys.stderr)
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
        raise UsageError(_("--threshold-miles must be more than 0"))
    support = _term_keys(tx.SUPPORT_TYPES, [args.support_type] if args.support_type else None,
                         _UNKNOWN_SUPPORT_TYPE)
    category = _term_keys(tx.CATEGORIES, [args.category] if args.category else None, _UNKNOWN_CATEGORY)
    pathway = _term_keys(tx.PATHWAYS, [args.pathway] if args.pathway else None, _UNKNOWN_PATHWAY)
    try:
        frame = public_view(_store(args).load().frame)  # a public report: ZIP-level places only
    except StoreReadError as error:
        raise UsageError(str(error)) from None
    if frame.empty:
        raise UsageError(_("the directory has no entries to measure from"))
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
    # English keeps "areas" for one area too, as it always printed.
    print(ngettext("{count} ZIP areas; {share} within {miles} miles of {kind}",
                   "{count} ZIP areas; {share} within {miles} miles of {kind}", len(table)).format(
        count=len(table), share=f"{share:.0%}", miles=_short_number(args.threshold_miles), kind=kind.label()),
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


# Each command's help in `--help`: the words of its function's docstring, kept here as message ids so the help
# can be shown in the chosen language (tests/test_i18n_cli.py checks they still match the docstrings).
_COMMAND_HELP: dict[str, str] = {
    "validate": N_("List every bad row of a resources CSV (row, field, reason); exit 1 if there is one."),
    "search": N_("Search the directory and print the matches as a table or JSON."),
    "export": N_("Export the directory: csv (spreadsheet-safe), hsds (HSDS 3.0 package), meeting-guide (JSON) "
                 "or ics."),
    "import": N_("Import a CSV, an HSDS package, a Meeting Guide feed or an iCalendar file: add new entries, "
                 "update matching."),
    "snapshots": N_("List the kept snapshots of resources.csv, oldest first."),
    "restore": N_("Make a kept snapshot the current resources.csv (the current one is snapshotted first)."),
    "curator": N_("Manage peer-leader accounts: add, list, remove."),
    "gaps": N_("For each ZIP area of the region, the miles to the nearest active resource of a type, category or "
               "pathway."),
    "columns": N_("Print the CSV columns as a Markdown table (the README's table is made from this)."),
    "settings": N_("Print the settings (environment variables) as a Markdown table (the README's table is made "
                   "from this)."),
}
# The environment variables that name the language of messages, strongest first (as in POSIX).
LANGUAGE_VARIABLES: tuple[str, ...] = ("LC_ALL", "LC_MESSAGES", "LANG")


def _add_language_option(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument("--lang", choices=tuple(LANGUAGES), default=default, help=_(
        "language of the messages (default: from LC_ALL, LC_MESSAGES or LANG, else en); JSON and CSV output "
        "is the same in every language"))


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every command, its help in the current language."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", help=_("data folder (default: $DIRECTORY_DATA_DIR or data/)"))
    # Also accepted after the command; SUPPRESS keeps a command from overwriting a --lang given before it.
    _add_language_option(common, argparse.SUPPRESS)
    parser = argparse.ArgumentParser(prog="python -m directory", description=_("Peer recovery support directory."))
    _add_language_option(parser, None)
    commands = parser.add_subparsers(dest="command", required=True)

    p = commands.add_parser("validate", parents=[common], help=_(_COMMAND_HELP["validate"]))
    p.add_argument("path", nargs="?", help=_("a resources CSV or a data folder (default: the data folder)"))
    p.set_defaults(run=cmd_validate)

    p = commands.add_parser("search", parents=[common], help=_(_COMMAND_HELP["search"]))
    p.add_argument("--text", help=_("words to find in name, organization, description and tags"))
    p.add_argument("--near", help=_("a 5-digit ZIP or 'City, ST'"))
    p.add_argument("--radius-miles", type=float, help=_("only results within this distance of --near"))
    p.add_argument("--support-type", action="append",
                   help=_("repeatable: {keys}").format(keys=", ".join(tx.keys(tx.SUPPORT_TYPES))))
    p.add_argument("--category", action="append", help=_("repeatable: a category key"))
    p.add_argument("--free", action="store_true", help=_("only free resources"))
    p.add_argument("--moud-welcome", action="store_true", help=_("only where medication for OUD is welcome"))
    p.add_argument("--peer-run", action="store_true", help=_("only peer-run resources"))
    p.add_argument("--include-inactive", action="store_true", help=_("also list inactive and pending entries"))
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("--limit", type=int, help=_("at most this many results"))
    p.set_defaults(run=cmd_search)

    p = commands.add_parser("export", parents=[common], help=_(_COMMAND_HELP["export"]))
    p.add_argument("--format", choices=tuple(EXPORT_FORMATS), default="csv")
    p.add_argument("--out", required=True, help=_("file to write (hsds: a folder, or a file ending in .zip)"))
    p.set_defaults(run=cmd_export)

    p = commands.add_parser("import", parents=[common], help=_(_COMMAND_HELP["import"]))
    p.add_argument("path", help=_(
        "a CSV file, an HSDS folder or .zip, a Meeting Guide .json feed, or an .ics calendar"))
    p.add_argument("--format", choices=("auto", *IMPORT_FORMATS), default="auto")
    # The example is JSON a person types as is, so it stays out of the message to translate.
    p.add_argument("--mapping", help=_(
        "a JSON mapping file: {example}").format(example='{"columns": {"Source header": "our column"}}'))
    p.add_argument("--dry-run", action="store_true", help=_("show what would change; write nothing"))
    p.add_argument("--all-or-nothing", action="store_true", help=_("write nothing if any row is rejected"))
    p.add_argument("--by", default="import", help=_("who is importing, for the audit log"))
    p.add_argument("--rejects", help=_("where to write rejected rows (default: <input name>-rejects.csv)"))
    p.set_defaults(run=cmd_import)

    p = commands.add_parser("snapshots", parents=[common], help=_(_COMMAND_HELP["snapshots"]))
    p.set_defaults(run=cmd_snapshots)

    p = commands.add_parser("restore", parents=[common], help=_(_COMMAND_HELP["restore"]))
    p.add_argument("snapshot", help=_("a name listed by 'snapshots'"))
    p.add_argument("--by", required=True, help=_("who is restoring, for the audit log"))
    p.set_defaults(run=cmd_restore)

    p = commands.add_parser("curator", help=_(_COMMAND_HELP["curator"]))
    actions = p.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", parents=[common], help=_("create an account (prompts for the password)"))
    add.add_argument("name")
    add.add_argument("--admin", action="store_true", help=_("may also manage accounts"))
    add.add_argument("--password-stdin", action="store_true", help=_("read the password from standard input"))
    actions.add_parser("list", parents=[common], help=_("list accounts and roles"))
    remove = actions.add_parser("remove", parents=[common], help=_("delete an account"))
    remove.add_argument("name")
    p.set_defaults(run=cmd_curator)

    p = commands.add_parser("gaps", parents=[common], help=_(_COMMAND_HELP["gaps"]))
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--support-type", help=_("one support type key"))
    which.add_argument("--category", help=_("one category key"))
    which.add_argument("--pathway", help=_(
        "one recovery pathway key or label ({keys}); an entry with 'Medication for OUD welcome: yes' counts as "
        "{medication}, as in search").format(keys=", ".join(tx.keys(tx.PATHWAYS)), medication=tx.MEDICATION_PATHWAY))
    which.add_argument("--any", action="store_true", help=_("any active resource"))
    p.add_argument("--threshold-miles", type=float, required=True, help=_("distance beyond which an area is a gap"))
    p.add_argument("--format", choices=("json", "csv"), default="json")
    p.set_defaults(run=cmd_gaps)

    p = commands.add_parser("columns", parents=[common], help=_(_COMMAND_HELP["columns"]))
    p.set_defaults(run=cmd_columns)
    p = commands.add_parser("settings", parents=[common], help=_(_COMMAND_HELP["settings"]))
    p.set_defaults(run=cmd_settings)
    return parser


def cli_language(argv: Sequence[str], environ: Mapping[str, str]) -> str:
    """The language of the CLI's messages: --lang, else LC_ALL, LC_MESSAGES or LANG, else English."""
    # Read before the full parser is built, so that its help is already in the chosen language.
    early = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    early.add_argument("--lang")
    known, _rest = early.parse_known_args(list(argv))
    if known.lang is not None:
        # An unknown --lang is left for the full parser to refuse with its choices.
        return normalise(known.lang) or "en"
    # The first variable that is set decides, as in POSIX: LC_ALL=C means C (English) whatever LANG says.
    setting = next((environ[name] for name in LANGUAGE_VARIABLES if environ.get(name)), "")
    return normalise(setting) or "en"


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    # A block rather than set_language: main() also runs inside test processes, which must not stay in Spanish.
    with language(cli_language(argv, os.environ)):
        return _run(argv)


def _run(argv: Sequence[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        args.settings = config.load_settings(data_dir=args.data_dir)
    except config.SettingsError as error:
        print(_("error: {error}").format(error=error), file=sys.stderr)
        return 2
    try:
        return args.run(args)
    except DirectoryError as error:  # the last resort: UsageError and any domain error the command let through
        print(_("error: {error}").format(error=error), file=sys.stderr)
        return 2
