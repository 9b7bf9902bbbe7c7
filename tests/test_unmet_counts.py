"""The unmet-need counts: one row per week, category and ZIP; old one-row-per-click files folded in, never lost."""

from __future__ import annotations

import multiprocessing
from datetime import date
from pathlib import Path

import pytest

from directory.unmet import UNMET_FILE, UnmetNeeds, week_of

BY_CLICK = ("date,category,zip\n2026-11-02,child_care,19020\n2026-11-04,child_care,19020\n"
            "2026-11-10,any,19401\nsoon,any,19401\n2026-11-11,any\n")


def _counts(folder: Path) -> dict[tuple[str, str, str], int]:
    table = UnmetNeeds(folder).table()
    return {(r.week, r.category, r.zip): r.count for r in table.itertuples()}


@pytest.mark.parametrize(("day", "monday"), [(date(2026, 11, 2), "2026-11-02"), (date(2026, 11, 8), "2026-11-02"),
                                             (date(2026, 11, 9), "2026-11-09"), (date(2027, 1, 1), "2026-12-28")])
def test_a_week_is_named_by_its_monday(day: date, monday: str) -> None:
    """Days from Monday to Sunday share one week, across months and years."""
    assert week_of(day) == monday


def test_reports_add_to_one_count_per_week_category_and_zip(empty_dir: Path) -> None:
    """The file holds counts, never a row per report, and nothing but week, category, ZIP and count."""
    needs = UnmetNeeds(empty_dir)
    for day in (date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 8)):
        needs.record("child_care", "19020", day)
    needs.record("child_care", "19020", date(2026, 11, 9))
    needs.record("any", "19020", date(2026, 11, 9))
    table = needs.table()
    assert list(table.columns) == ["week", "category", "zip", "count"]
    assert table.values.tolist() == [["2026-11-09", "any", "19020", 1], ["2026-11-09", "child_care", "19020", 1],
                                     ["2026-11-02", "child_care", "19020", 3]]
    assert (empty_dir / UNMET_FILE).read_text().splitlines() == [
        "week,category,zip,count", "2026-11-02,child_care,19020,3", "2026-11-09,any,19020,1",
        "2026-11-09,child_care,19020,1"]


@pytest.mark.parametrize(("category", "zip_code"), [("bars", "19020"), ("any", "1902"), ("any", "19O20")])
def test_bad_categories_and_zips_are_refused(empty_dir: Path, category: str, zip_code: str) -> None:
    """Only a known category (or 'any') and a 5-digit ZIP are counted."""
    with pytest.raises(ValueError):
        UnmetNeeds(empty_dir).record(category, zip_code, date(2026, 11, 2))
    assert not (empty_dir / UNMET_FILE).exists()


def test_an_old_file_of_one_row_per_click_is_read_as_counts(empty_dir: Path) -> None:
    """Reading folds the old rows into counts in memory and leaves the file as it was."""
    (empty_dir / UNMET_FILE).write_text(BY_CLICK)
    assert _counts(empty_dir) == {("2026-11-02", "child_care", "19020"): 2, ("2026-11-09", "any", "19401"): 1,
                                  ("soon", "any", "19401"): 1, ("2026-11-09", "any", ""): 1}
    assert (empty_dir / UNMET_FILE).read_text() == BY_CLICK


def test_the_first_report_folds_an_old_file_into_counts_and_keeps_a_copy(empty_dir: Path) -> None:
    """Every old row stays counted, the original is copied beside the counts, and nothing is counted twice."""
    (empty_dir / UNMET_FILE).write_text(BY_CLICK)
    needs = UnmetNeeds(empty_dir)
    needs.record("child_care", "19020", date(2026, 11, 6))
    needs.record("any", "19401", date(2026, 11, 12))
    assert _counts(empty_dir) == {("2026-11-02", "child_care", "19020"): 3, ("2026-11-09", "any", "19401"): 2,
                                  ("soon", "any", "19401"): 1, ("2026-11-09", "any", ""): 1}
    assert sum(_counts(empty_dir).values()) == 5 + 2
    assert (empty_dir / "unmet-needs.by-click.csv").read_text() == BY_CLICK
    assert (empty_dir / UNMET_FILE).read_text().startswith("week,category,zip,count\n")


def test_a_second_old_file_does_not_overwrite_the_first_copy(empty_dir: Path) -> None:
    """If an old file turns up again (restored from a backup), its copy gets the next free name."""
    (empty_dir / UNMET_FILE).write_text(BY_CLICK)
    UnmetNeeds(empty_dir).record("any", "19401", date(2026, 11, 12))
    again = "date,category,zip\n2026-10-01,any,19020\n"
    (empty_dir / UNMET_FILE).write_text(again)
    UnmetNeeds(empty_dir).record("any", "19401", date(2026, 11, 12))
    assert (empty_dir / "unmet-needs.by-click.csv").read_text() == BY_CLICK
    assert (empty_dir / "unmet-needs.by-click-1.csv").read_text() == again


def test_hand_edited_counts_are_read_without_losing_rows(empty_dir: Path) -> None:
    """A count that is not a number still counts its row; blank lines are skipped."""
    (empty_dir / UNMET_FILE).write_text("week,category,zip,count\n2026-11-02,any,19020,4\n\n"
                                        "2026-11-02,any,19401,lots\n2026-11-02,any,19020,1\n")
    assert _counts(empty_dir) == {("2026-11-02", "any", "19020"): 5, ("2026-11-02", "any", "19401"): 1}


def _report_many(folder: str, worker: int, times: int) -> None:
    needs = UnmetNeeds(folder)
    for n in range(times):
        needs.record("any", "19104", date(2026, 11, 2))
        needs.record("child_care", f"1910{worker}", date(2026, 11, 2 + n % 7))


def test_four_processes_reporting_at_once_lose_no_count(empty_dir: Path) -> None:
    """Several server processes may share the data folder: the lock covers each read-modify-write."""
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_report_many, args=(str(empty_dir), worker, 25)) for worker in range(4)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=240)
    assert [process.exitcode for process in workers] == [0, 0, 0, 0]
    counts = _counts(empty_dir)
    assert counts[("2026-11-02", "any", "19104")] == 100
    assert all(counts[("2026-11-02", "child_care", f"1910{worker}")] == 25 for worker in range(4))
    assert sum(counts.values()) == 200
    assert not list(empty_dir.glob("*.tmp")), "no temporary file is left behind"
