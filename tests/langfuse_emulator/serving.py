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
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Emulator:
    server_error_body: dict = {"message": "Internal Server Error"}

    def __init__(self) -> None:
        self.port = 0
        self.lock = threading.Lock()
        self._failures: list[int] = []
        self._delay = 0.0
        self._server: ThreadingHTTPServer | None = None
        self.received = 0  # requests that reached the store (faults included)

    def route(self, method: str, path: str, headers, body: bytes) -> tuple[int, dict, object]:
        raise NotImplementedError

    def fail(self, status: int, times: int = 1) -> None:
        self._failures.extend([status] * times)

    def slow(self, seconds: float) -> None:
        self._delay = seconds

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), _handler(self))
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    restart = start

    def down(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.down()

    def _answer(self, method: str, path: str, headers, body: bytes):
        self.received += 1
        if self._delay:
            time.sleep(self._delay)
        if self._failures:
            return self._failures.pop(0), {}, self.server_error_body
        return self.route(method, path, headers, body)


def _handler(emulator: Emulator):
    class Handler(BaseHTTPRequestHandler):
        # HTTP/1.0, one request a connection: after down() no kept-alive connection still
        # answers, as none would from a store that is gone.
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            status, headers, answer = emulator._answer(self.command, self.path, self.headers, body)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

        def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
            pass

    return Handler
