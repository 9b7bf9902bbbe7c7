"""The Import and export page's pieces: the upload check, the column mapping editor, the plan and the import."""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import streamlit as st

from directory.errors import DirectoryError
from directory.i18n import _, current_language, ngettext, number
from directory.interop import limits
from directory.interop.column_mapping import ColumnMapping, MappingError, load_mapping_text
from directory.interop.csv_import import CsvSource, open_csv
from directory.interop.formats import check_upload, export_bytes, read_opened_csv, read_upload
from directory.interop.importer import ImportPlan, apply_plan, plan_import
from directory.schema import COLUMNS
from directory.store import Store
from directory.text import escape_markdown as md
from directory.ui.services import services
from directory.ui.session import as_signed_in, current_curator

NOT_IMPORTED = ""


def format_label(label: str) -> str:
    """An import or export format's label (formats.IMPORT_FORMATS / EXPORT_FORMATS) in the current language."""
    return _(label)


def export_file(store: Store, fmt_key: str, directory_zone: str) -> bytes:
    """One export of the file as it is when the button is pressed: the page keeps no copy of the directory."""
    return export_bytes(store.read_raw(), fmt_key, directory_zone=directory_zone)


def upload_limit_bytes() -> int:
    """The largest upload accepted: the server's own setting (server.maxUploadSize, in MB), at most MAX_UPLOAD_BYTES."""
    return min(int(st.get_option("server.maxUploadSize")) * 1024 * 1024, limits.MAX_UPLOAD_BYTES)


def column_mapping_editor(data: bytes, mapping_file: bytes | None) -> ColumnMapping:
    """Show the CSV's headers with the guessed (or mapping-file) column for each; return the edited mapping.

    A mapping file's fixed values (`"values"`) travel with the returned mapping and are listed under the table.
    """
    given = load_mapping_text(_mapping_text(mapping_file)) if mapping_file else None
    source = opened_csv(data).with_mapping(given)
    # The table's columns are named in the current language; the editor's key carries the language, so a switch
    # starts from the guessed mapping again rather than from edits recorded under the other names.
    source_column, target_column = _("column in your file"), _("imported as")
    table = pd.DataFrame({source_column: source.headers,
                          target_column: [source.mapping.get(h, NOT_IMPORTED) for h in source.headers]})
    st.caption(_("Read as {encoding}, columns separated by {delimiter}. Guessed columns are filled in; change any "
                 "of them, or leave one empty to skip that column.").format(
        encoding=md(source.encoding), delimiter=md(repr(source.delimiter))))
    edited = st.data_editor(table, key=f"x_mapping_{_digest(data)}_{current_language()}", hide_index=True,
                            disabled=[source_column], column_config={target_column: st.column_config.SelectboxColumn(
                                options=[NOT_IMPORTED, *COLUMNS], required=False)})
    fixed = given.fixed if given is not None else {}
    if fixed:
        st.caption(_("The mapping file also fills these columns wherever a row leaves them empty: {columns}").format(
            columns=md(", ".join(f"{column} = {value}" for column, value in fixed.items()))))
    return ColumnMapping({str(row[source_column]): str(row[target_column] or NOT_IMPORTED)
                          for row in edited.to_dict("records")}, fixed)


def opened_csv(data: bytes) -> CsvSource:
    """The uploaded CSV, opened (encoding, delimiter, headers) once and kept for the session while it is chosen."""
    cached = st.session_state.get("x_source")
    if cached and cached[0] == _digest(data):
        return cached[1]
    check_upload(data, _("the upload"))
    source = open_csv(data)
    st.session_state["x_source"] = (_digest(data), source)
    return source


def current_plan(store: Store, data: bytes, name: str, fmt: str, mapping: dict[str, str] | None) -> ImportPlan:
    """Plan the upload against the directory as it is now; kept for the session until the inputs change."""
    key = (_digest(data), fmt, json.dumps([mapping, getattr(mapping, "fixed", {})], sort_keys=True), store.signature())
    cached = st.session_state.get("x_plan")
    if cached and cached[0] == key:
        return cached[1]
    # read_upload checks the upload first (its size; a zip's real unpacked size, by reading it once), and every
    # reader stops at the upload limits while reading, before the rows are planned in the server's memory.
    rows = read_opened_csv(opened_csv(data).with_mapping(mapping)) if fmt == "csv" else read_upload(data, name, fmt)
    plan = plan_import(store.read_raw(), rows)
    st.session_state["x_plan"] = (key, plan)
    return plan


@as_signed_in
def run_import(all_or_nothing: bool) -> None:
    """The Import button's callback: carry out the planned import, checked again on the server."""
    cached = st.session_state.get("x_plan")
    curator = current_curator()
    if not cached or curator is None:
        st.session_state["x_message"] = ("error", _("Sign in and choose a file first."))
        return
    try:
        done = apply_plan(services().store, cached[1], by=curator, all_or_nothing=all_or_nothing)
    except DirectoryError as error:
        st.session_state["x_message"] = ("error", _("Nothing was imported: {error}").format(error=md(str(error))))
        return
    st.session_state.pop("x_plan", None)
    if all_or_nothing and cached[1].rejected:
        st.session_state["x_message"] = ("warning", _("Some rows were rejected, so nothing was imported "
                                                      "(all or nothing)."))
    else:
        st.session_state["x_message"] = ("success", md(done.summary().capitalize()) + ".")


def plan_counts(plan: ImportPlan) -> None:
    """What the import would do with each row, where the entries would stand, and what was repaired."""
    for column, (label, count) in zip(st.columns(4), (
            (_("To add"), len(plan.added)), (_("To update"), len(plan.updated)),
            (_("Unchanged"), len(plan.unchanged)), (_("Rejected"), len(plan.rejected))), strict=True):
        column.metric(label, number(count))
    standing = plan.by_status()
    for column, (label, count) in zip(st.columns(3), (
            (_("Public"), standing["active"]), (_("Pending review"), standing["pending"]),
            (_("Retired"), standing["inactive"])), strict=True):
        column.metric(label, number(count))
    if plan.pending:
        pending = len(plan.pending)
        st.info(ngettext("{count} entry will wait in **Imports to review** before anyone can see it: its problems "
                         "are listed there, grouped, with the source's own text kept.",
                         "{count} entries will wait in **Imports to review** before anyone can see them: their "
                         "problems are listed there, grouped, with the source's own text kept.",
                         pending).format(count=number(pending)))
    if plan.inferred:
        inferred = len(plan.inferred)
        st.caption(ngettext("{count} row had no category or kinds of support, so these were inferred; the confident "
                            "ones are public, the others wait for review.",
                            "{count} rows had no category or kinds of support, so these were inferred; the "
                            "confident ones are public, the others wait for review.",
                            inferred).format(count=number(inferred)))
    if plan.repairs:
        repairs = len(plan.repairs)
        with st.expander(ngettext("{count} repair to the file's text (encoding)",
                                  "{count} repairs to the file's text (encoding)", repairs).format(
                count=number(repairs))):
            st.text("\n".join(plan.repairs[:500]))


def read_error(error: Exception) -> str:
    """A clear message for a file that cannot be used at all, in the current language."""
    reason = str(error) if isinstance(error, DirectoryError) else _("it could not be read")
    return _("This file cannot be imported: {reason}. Nothing was changed.").format(reason=md(reason))


def _mapping_text(mapping_file: bytes) -> str:
    try:
        return mapping_file.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise MappingError(_("the mapping file is not UTF-8 text ({error})").format(error=error)) from None


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]
