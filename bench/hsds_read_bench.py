"""Reading an HSDS 1.1 package the size of a 211 system's: ours against the reader before issue 11, same run.

The package is synthetic and seeded: 4,000 services with about 11,000 regular_schedules rows, plus
organizations, locations, physical_addresses, phones, services_at_location, services_taxonomy, taxonomy,
languages and accessibility_for_disabilities, shaped like the Open211 Miami export (per service about 2.8
schedule rows, 5.5 taxonomy links and 2 languages; times such as "9:00am"; an original_text per schedule row).
The baseline is `read_hsds` as it stood at commit 78bb795 (bench/baseline.py), run in a fresh interpreter on
the very same package. It scans every table for every service, so it takes minutes at 4,000 services; with
--baseline-services N it runs on an N-service package instead and its time is extrapolated quadratically,
and the line says so. Prints one JSON line per metric.

Run: python bench/hsds_read_bench.py [--services 4000] [--baseline-services 4000]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.baseline import BEFORE_ISSUE_11, baseline_tree, run_in
from directory.interop.hsds import read_hsds

_WORDS = ("Food", "Housing", "Recovery", "Legal", "Family", "Health", "Youth", "Senior", "Job", "Peer", "Crisis",
          "Clinic", "Pantry", "Shelter", "Counseling", "Outreach")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# (weekday indexes, text days, share of services): about 2.8 schedule rows per service, as in Miami's export.
_PATTERNS = (((0, 1, 2, 3, 4), "Mon-Fri", 0.45), ((0, 2, 4), "Mon, Wed, Fri", 0.15), ((5,), "Sat", 0.10))
_TIMES = (("9:00am", "5:00pm"), ("8:30am", "4:30pm"), ("10:00am", "2:00pm"), ("1:50pm", "6:00pm"),
          ("7:30am", "6:00pm"))
_READ = """
import json, time
from pathlib import Path
from directory.interop.hsds import read_hsds
started = time.perf_counter()
rows = read_hsds(Path({package!r}))
print(json.dumps({{"ms": (time.perf_counter() - started) * 1000, "rows": len(rows)}}))
"""


def _write(folder: Path, table: str, header: list[str], rows: list[list[str]]) -> None:
    with (folder / f"{table}.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def write_package(folder: Path, services: int, seed: int = 11) -> int:
    """Write a synthetic HSDS 1.1 package of `services` services into `folder`; returns its schedule rows."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    codes = [f"{a}{b}-{rng.randint(1000, 9999)}.{rng.randint(100, 999)}" for a in "BDFLPRT" for b in "DHJMNTX"]
    codes = (codes * 7)[:300]
    _write(folder, "taxonomy", ["id", "name", "parent_id", "parent_name", "vocabulary"],
           [[code, f"{rng.choice(_WORDS)} {rng.choice(_WORDS)} Services", "", "", "AIRS"] for code in codes])
    organizations = max(1, services // 3)
    _write(folder, "organizations", ["id", "name", "alternate_name", "description", "email", "url"],
           [[f"org-{n}", f"{rng.choice(_WORDS)} {rng.choice(_WORDS)} Inc. {n}", "", "A community agency.", "",
             f"www.example.org/{n}"] for n in range(organizations)])
    ids = [str(100 + n) for n in range(services)]
    _write(folder, "services", ["id", "organization_id", "program_id", "name", "alternate_name", "description",
                                "url", "email", "status", "fees"],
           [[sid, f"org-{n % organizations}", "", f"{rng.choice(_WORDS).upper()} {rng.choice(_WORDS).upper()} {n}",
             "", "Help for people and families.\\n\\nCall first.", "", "", "active", ""]
            for n, sid in enumerate(ids)])
    _write(folder, "locations", ["id", "organization_id", "name", "description", "latitude", "longitude"],
           [[sid, f"org-{n % organizations}", f"SITE {n}", "", f"{25.6 + rng.random() * 0.4:.6f}",
             f"{-80.5 + rng.random() * 0.4:.6f}"] for n, sid in enumerate(ids)])
    _write(folder, "physical_addresses", ["id", "location_id", "address_1", "city", "state_province", "postal_code",
                                          "country"],
           [[sid, sid, f"{rng.randint(1, 9999)} NW {rng.randint(1, 199)}th Street", "Miami", "FL ", "33142", ""]
            for sid in ids])
    _write(folder, "services_at_location", ["id", "service_id", "location_id", "description"],
           [[sid, sid, sid, ""] for sid in ids])
    phones = [[sid, sid, sid, f"305-{rng.randint(200, 999)}-{rng.randint(1000, 9999)}", "", "voice", ""]
              for sid in ids]
    phones += [[f"{sid}-fax", sid, sid, f"305-{rng.randint(200, 999)}-{rng.randint(1000, 9999)}", "", "fax", ""]
               for sid in ids[::4]]
    _write(folder, "phones", ["id", "location_id", "service_id", "number", "extension", "type", "description"], phones)
    _write(folder, "services_taxonomy", ["id", "service_id", "taxonomy_id", "taxonomy_detail"],
           [[f"{sid}-{k}", sid, rng.choice(codes), ""] for sid in ids for k in range(rng.randint(3, 8))])
    _write(folder, "languages", ["id", "service_id", "location_id", "language"],
           [[sid, sid, sid, language] for sid in ids for language in ("English", "Spanish", "Creole")[
               :rng.randint(1, 3)]])
    _write(folder, "accessibility_for_disabilities", ["id", "location_id", "accessibility", "details"],
           [[sid, sid, "Handicap accessible", ""] for sid in ids])
    schedules = []
    for sid in ids:
        roll = rng.random()
        for days, text_days, share in _PATTERNS:
            if roll < share:
                opens, closes = rng.choice(_TIMES)
                schedules += [["", sid, "", "", _WEEKDAYS[day], opens, closes, f"{opens}-{closes}, {text_days}"]
                              for day in days]
                break
            roll -= share
    _write(folder, "regular_schedules", ["id", "service_id", "location_id", "service_at_location_id", "weekday",
                                         "opens_at", "closes_at", "original_text"], schedules)
    return len(schedules)


def _ours_ms(package: Path, repeats: int = 3) -> float:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        read_hsds(package)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--services", type=int, default=4_000)
    parser.add_argument("--baseline-services", type=int, default=None,
                        help="run the baseline on this many services and extrapolate (default: the same package)")
    args = parser.parse_args()
    baseline_services = args.baseline_services or args.services
    with tempfile.TemporaryDirectory(prefix="hsds-bench-") as folder, baseline_tree() as tree:
        root = Path(folder)
        package = root / "package"
        schedule_rows = write_package(package, args.services)
        ours_ms = _ours_ms(package)
        rows = read_hsds(package)
        assert len(rows) == args.services and not any(row.problems for row in rows)

        measured = package
        if baseline_services != args.services:
            measured = root / "baseline-package"
            write_package(measured, baseline_services)
        before = run_in(tree, _READ.format(package=str(measured)))
        baseline_ms = before.get("ms", float("nan")) * (args.services / baseline_services) ** 2
        line = {"metric": f"hsds11_read_{args.services}", "services": args.services,
                "schedule_rows": schedule_rows, "ours_ms": round(ours_ms, 1),
                "baseline": f"read_hsds at {BEFORE_ISSUE_11} (before issue 11)", "baseline_ms": round(baseline_ms),
                "ratio": round(baseline_ms / ours_ms, 1), "target_ms": 10_000}
        if baseline_services != args.services:
            line.update(baseline_measured_services=baseline_services, baseline_measured_ms=round(before["ms"]),
                        baseline_extrapolated="quadratically, from the measured size")
        if "error" in before:
            line["baseline_error"] = before["error"]
        print(json.dumps(line))

        # Linear in size: time per 1,000 services at growing sizes (the baseline's grows with the size).
        sizes = [n for n in (500, 1_000, 2_000) if n < args.services] + [args.services]
        per_thousand = {}
        for size in sizes:
            sized = package if size == args.services else root / f"package-{size}"
            if size != args.services:
                write_package(sized, size)
            per_thousand[str(size)] = round(_ours_ms(sized) / size * 1000, 1)
        print(json.dumps({"metric": "hsds11_read_ms_per_1000_services", "ours": per_thousand}))


if __name__ == "__main__":
    main()
