"""Import and export: bring in a spreadsheet, an HSDS package or a meeting feed; download the directory."""

from functools import partial

import streamlit as st

from directory.errors import DirectoryError
from directory.i18n import _, ngettext, number
from directory.interop.column_mapping import mapping_json
from directory.interop.formats import EXPORT_FILE_NAMES, EXPORT_FORMATS, IMPORT_FORMATS
from directory.interop.importer import changes_frame, rejects_csv
from directory.text import escape_markdown as md
from directory.ui import transfer
from directory.ui.services import app_settings, services
from directory.ui.session import current_curator
from directory.ui.shell import start_directory_page

start_directory_page(_("Import and export"))
curator = current_curator()
if curator is None:
    st.warning(_("Sign in on the Curate page to import or export."))
    st.stop()
kind, message = st.session_state.pop("x_message", (None, ""))
if kind:
    getattr(st, kind)(message)

importing, exporting = st.tabs([_("Import"), _("Export")])
with exporting:
    st.caption(_("Signed in as {name}. Exports hold every entry, including retired ones (the CSV and HSDS package) "
                 "or every active event and meeting (the feed and calendar). CSV cells that a spreadsheet would run "
                 "as formulas are prefixed with ' so they stay text.").format(name=md(curator.name)))
    # Only the button labels are translated: the files keep their names and content (other systems read them).
    for fmt_key, label in EXPORT_FORMATS.items():
        file_name, mime = EXPORT_FILE_NAMES[fmt_key]
        st.download_button(transfer.format_label(label),
                           partial(transfer.export_file, services().store, fmt_key, app_settings().timezone),
                           file_name, mime,
                           key=f"x_export_{fmt_key}", on_click="ignore")

with importing:
    formats = {"auto": _("Recognize it from the file"),
               **{key: transfer.format_label(label) for key, label in IMPORT_FORMATS.items()}}
    fmt = st.selectbox(_("What kind of file"), list(formats), format_func=formats.__getitem__, key="x_format")
    limit = transfer.upload_limit_bytes()
    upload = st.file_uploader(_("File to import (up to {size} MB)").format(size=number(limit // 2**20)),
                              type=["csv", "tsv", "txt", "zip", "json", "ics"], key="x_upload")
    is_csv = upload is not None and (fmt == "csv" or (fmt == "auto" and upload.name.lower().endswith(
        (".csv", ".tsv", ".txt"))))
    mapping_upload = st.file_uploader(_("Mapping file from an earlier import (optional)"), type=["json"],
                                      key="x_mapping_file") if is_csv else None
    if upload is None:
        st.caption(_("Rows that match an entry by id or external id update it; others are added. Nothing is written "
                     "until you press Import, and rejected rows are listed with their reasons."))
        st.stop()
    data = upload.getvalue()
    if len(data) > limit:
        st.error(_("This file is larger than {size} MB. Split it, or import it with `python -m directory import` "
                   "on the server.").format(size=number(limit // 2**20)))
        st.stop()
    try:
        mapping = None
        if is_csv:
            mapping = transfer.column_mapping_editor(data, mapping_upload.getvalue() if mapping_upload else None)
            st.download_button(_("Save this mapping for next time"), mapping_json(mapping, mapping.fixed),
                               "mapping.json", "application/json", key="x_save_mapping", on_click="ignore")
        plan = transfer.current_plan(services().store, data, upload.name, "csv" if is_csv else fmt, mapping)
    except (DirectoryError, UnicodeDecodeError) as error:
        st.error(transfer.read_error(error))
        st.stop()

    transfer.plan_counts(plan)
    st.header(_("What will change"), anchor=False)
    st.dataframe(changes_frame(plan), hide_index=True)
    if plan.rejected:
        st.header(_("Rejected rows"), anchor=False)
        st.dataframe([{_("source row"): r.line, _("reasons"): "; ".join(f"{c}: {m}" for c, m in r.reasons.items())}
                      for r in plan.rejected], hide_index=True)
        # The rejects file keeps its English headers and name, like every other file the page writes.
        st.download_button(_("Download the rejected rows (CSV)"), rejects_csv(plan.rejected), "rejects.csv",
                           "text/csv", key="x_rejects", on_click="ignore")
    all_or_nothing = st.checkbox(_("All or nothing: import nothing if any row is rejected"), key="x_all")
    rows = len(plan.added) + len(plan.updated)
    st.button(ngettext("Import {count} row", "Import {count} rows", rows).format(count=number(rows)), type="primary",
              key="x_import", disabled=not (plan.added or plan.updated), on_click=transfer.run_import,
              args=(all_or_nothing,))
