"""A stand-in server of ours (the push service, the SMS gateway) on 127.0.0.1: a bare ASGI app
served by uvicorn in a thread of its own, on a port bound at once so its address is known before
it starts."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import uvicorn


class Served:
    what = "the local server"

    def bind(self) -> int:
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        port: int = self._sock.getsockname()[1]
        return port

    @staticmethod
    async def body(scope: dict, receive: Any, send: Any) -> bytes | None:
        """The request's body; None for the server's own start and stop (answered here)."""
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return None
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                return b"".join(chunks)

    def serve(self) -> None:
        config = uvicorn.Config(self, log_level="warning", lifespan="on", access_log=False)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.what} did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
