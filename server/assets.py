"""Static files with content-hashed URLs: ``/static/<hash>/css/app.css``.

Our own files come from ``web/static``; browser libraries from ``node_modules`` (installed by npm at
set-up, never committed) under the ``vendor/`` prefix. Only files listed here can be served, so a
request can never walk outside these folders.

Our JavaScript modules import each other by relative URL (``./sync-status.js``), which keeps the
importer's hash: so they all carry one hash, made from every one of them. With a hash each, a module
imported from two others would load twice under two URLs (two sync loops), and a changed module
could be fetched under an importer's old, immutable URL.
"""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from server.settings import ROOT

STATIC_DIR = ROOT / "web" / "static"
NODE_MODULES = ROOT / "node_modules"

# Logical name -> file installed by npm (see package.json).
VENDOR_FILES = {
    "vendor/htmx.js": "htmx.org/dist/htmx.min.js",
    # Maps (report form and map pages only): loaded by the pages that draw one.
    "vendor/leaflet.js": "leaflet/dist/leaflet.js",
    "vendor/leaflet.css": "leaflet/dist/leaflet.css",
}

MODULES = "js/"  # one hash for all of these (see above)

mimetypes.add_type("application/manifest+json", ".webmanifest")
mimetypes.add_type("text/javascript", ".js")


@dataclass(frozen=True)
class Asset:
    path: Path
    digest: str
    media_type: str


class AssetRegistry:
    def __init__(self, reload: bool = False) -> None:
        self.reload = reload
        self._assets = self._scan()

    def _scan(self) -> dict[str, Asset]:
        files = {
            str(p.relative_to(STATIC_DIR)): p
            for p in STATIC_DIR.rglob("*")
            if p.is_file() and p.suffix not in (".md", ".py")
        }
        for name, relative in VENDOR_FILES.items():
            files[name] = NODE_MODULES / relative
        digests = {}
        for name, path in files.items():
            if not path.exists():
                raise RuntimeError(f"{path} is missing: run `npm ci` to install browser libraries")
            digests[name] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        modules = sorted(name for name in files if name.startswith(MODULES))
        shared = hashlib.sha256(" ".join(f"{n}:{digests[n]}" for n in modules).encode()).hexdigest()
        assets = {}
        for name, path in files.items():
            digest = shared[:12] if name.startswith(MODULES) else digests[name]
            media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            assets[name] = Asset(path, digest, media_type)
        return assets

    def get(self, name: str) -> Asset | None:
        if self.reload:
            self._assets = self._scan()
        return self._assets.get(name)

    def url(self, name: str) -> str:
        asset = self.get(name)
        if asset is None:
            raise KeyError(f"unknown static file {name!r}")
        return f"/static/{asset.digest}/{name}"

    def names(self) -> list[str]:
        return sorted(self._assets)
