"""What a page with a map needs: the tile server's settings for the browser, the header that
lets its tiles load (the page's CSP), and the sites to draw. Shared by every page that shows a
map (a report's form and page, a trip's form, an alert's facts)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from server.middleware import content_security_policy
from server.models import Site
from server.settings import Settings


def tile_origin(template: str) -> str | None:
    """The origin a tile URL template loads from, for the page's CSP ({s} subdomains: any)."""
    parts = urlsplit(template.replace("{s}", "*"))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def map_headers(settings: Settings) -> dict[str, str]:
    origin = tile_origin(settings.map_tiles)
    return {"Content-Security-Policy": content_security_policy((origin,) if origin else ())}


def map_config(settings: Settings) -> dict[str, str]:
    usable = tile_origin(settings.map_tiles) is not None
    return {
        "tiles": settings.map_tiles if usable else "",
        "attribution": settings.map_attribution,
    }


def sites_json(sites: list[Site]) -> list[dict[str, Any]]:
    return [
        {"id": s.id, "name": s.name, "kind": s.kind.value, "lat": s.latitude, "lon": s.longitude}
        for s in sites
    ]
