"""Server-sent events: each open page has a queue; the build threads publish into every queue
through the event loop (thread-safe), and a page that closes its stream is forgotten."""

from __future__ import annotations

import asyncio
import json


class EventHub:
    def __init__(self):
        self._queues: set[asyncio.Queue] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self.closed = False

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def publish(self, event: str, data: dict) -> None:
        """From any thread."""
        if self._loop is None or self._loop.is_closed():
            return
        message = f"event: {event}\ndata: {json.dumps(data)}\n\n"
        try:
            self._loop.call_soon_threadsafe(self._put, message)
        except RuntimeError:  # the loop has stopped: the server is going away
            pass

    def _put(self, message: str) -> None:
        for queue in list(self._queues):
            if queue.qsize() < 1000:  # a page that stopped reading loses events, not the server's memory
                queue.put_nowait(message)

    async def stream(self, is_disconnected):
        queue: asyncio.Queue = asyncio.Queue()
        self._queues.add(queue)
        try:
            yield ": connected\n\n"
            idle = 0
            while not self.closed:
                try:
                    yield await asyncio.wait_for(queue.get(), timeout=1.0)
                    idle = 0
                except TimeoutError:  # once a second: is the page still there, is the server stopping
                    if await is_disconnected():
                        return
                    idle += 1
                    if idle % 15 == 0:  # a comment now and then keeps proxies and browsers from timing out
                        yield ": keep-alive\n\n"
        finally:
            self._queues.discard(queue)
