"""What both trace-store emulators share: serving JSON over HTTP on 127.0.0.1, and the faults a
test switches on (tests/langfuse_emulator, tests/langsmith_emulator). Each emulator's `route`
answers one request as its store does; faults come first, as a proxy or a dying server would.

  fail(status, times)  the next `times` requests answer `status` with a server-error body
  slow(seconds)        every answer waits `seconds` first
  down() / restart()   stop listening (connections refused) / listen again on the same port
"""

from __future__ import annotations

import json
import threading
import time

from support.serving import LocalServer


class Emulator(LocalServer):
    server_error_body: dict = {"message": "Internal Server Error"}

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._failures: list[int] = []
        self._delay = 0.0
        self.received = 0  # requests that reached the store (faults included)

    def route(self, method: str, path: str, headers, body: bytes) -> tuple[int, dict, object]:
        raise NotImplementedError

    def fail(self, status: int, times: int = 1) -> None:
        self._failures.extend([status] * times)

    def slow(self, seconds: float) -> None:
        self._delay = seconds

    def down(self) -> None:
        self.stop()

    restart = LocalServer.start

    def respond(self, method: str, path: str, headers, body: bytes
                ) -> tuple[int, dict[str, str], bytes]:
        status, extra, answer = self._answer(method, path, headers, body)
        return status, {"Content-Type": "application/json", **extra}, json.dumps(answer).encode()

    def _answer(self, method: str, path: str, headers, body: bytes):
        self.received += 1
        if self._delay:
            time.sleep(self._delay)
        if self._failures:
            return self._failures.pop(0), {}, self.server_error_body
        return self.route(method, path, headers, body)
