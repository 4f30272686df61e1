"""Serves the content-hashed static files listed by ``server.assets``."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from server.assets import AssetRegistry
from server.auth import public

IMMUTABLE = "public, max-age=31536000, immutable"


@public
async def static_file(request: Request) -> Response:
    registry: AssetRegistry = request.app.state.assets
    asset = registry.get(request.path_params["path"])
    if asset is None:
        raise HTTPException(status_code=404)
    fresh = request.path_params["digest"] == asset.digest
    cache = IMMUTABLE if fresh else "no-cache"
    return FileResponse(asset.path, media_type=asset.media_type, headers={"Cache-Control": cache})


routes = [Route("/static/{digest:str}/{path:path}", static_file, name="static")]
