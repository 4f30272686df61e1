"""Routes, one module an area; ``server.app`` mounts them."""
