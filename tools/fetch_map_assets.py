"""Fetch the map's JavaScript and CSS from the npm registry into static/vendor/, licences included.

Run `python tools/fetch_map_assets.py` (needs npm). The files are committed, so the app never needs this at
run time and never loads them from a CDN. Each package tarball is checked against a pinned SHA-256.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "static" / "vendor"

PACKAGES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    # name: (version, sha256 of the npm tarball, files to keep from package/)
    "leaflet": (
        "1.9.4",
        "84c65a256e50657896f54c33bd857b6849ebe94c817803be818bf32a3dde0b77",
        ("LICENSE", "dist/leaflet.js", "dist/leaflet.css", "dist/images/layers.png", "dist/images/layers-2x.png",
         "dist/images/marker-icon.png", "dist/images/marker-icon-2x.png", "dist/images/marker-shadow.png"),
    ),
    "leaflet.markercluster": (
        "1.5.3",
        "fc6b0b1d00b6c708ae54e43ee4a11ac345e41660e19f0a570190bb35babb1a1c",
        ("MIT-LICENCE.txt", "dist/leaflet.markercluster.js", "dist/MarkerCluster.css",
         "dist/MarkerCluster.Default.css"),
    ),
}


def fetch(name: str, version: str, sha256: str, keep: tuple[str, ...], work: Path) -> None:
    subprocess.run(["npm", "pack", f"{name}@{version}"], cwd=work, check=True, capture_output=True)
    tarball = work / f"{name}-{version}.tgz"
    digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
    if digest != sha256:
        raise SystemExit(f"{tarball.name}: sha256 {digest} is not the pinned {sha256}")
    target = VENDOR / name
    shutil.rmtree(target, ignore_errors=True)
    with tarfile.open(tarball) as archive:
        for member in keep:
            source = archive.extractfile(f"package/{member}")
            destination = target / member.removeprefix("dist/")
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(source.read())
    (target / "VERSION").write_text(f"{name}@{version} sha256:{sha256}\n", encoding="utf-8")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        for package, (pinned, checksum, files) in PACKAGES.items():
            fetch(package, pinned, checksum, files, Path(folder))
            print(f"fetched {package}@{pinned}")
