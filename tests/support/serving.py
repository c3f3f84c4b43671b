"""Serving an emulator over HTTP on 127.0.0.1, for the emulators whose answers are whole bodies
(tests/ruler_emulator, tests/langfuse_emulator and through it tests/langsmith_emulator).

A subclass answers each request in `respond(method, path, headers, body)` with (status,
headers, body bytes); this class listens on a free port (or the one it had, so `start()` after
`stop()` is a restart on the same URL), a thread per request.

HTTP/1.0, one request a connection: after stop() no kept-alive connection still answers, as
none would from a server that is gone.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LocalServer:
    port = 0
    _server: ThreadingHTTPServer | None = None

    def respond(self, method: str, path: str, headers, body: bytes
                ) -> tuple[int, dict[str, str], bytes]:
        raise NotImplementedError

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), _handler(self))
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _handler(served: LocalServer):
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            status, headers, data = served.respond(self.command, self.path, self.headers, body)
            self.send_response(status)
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

        def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
            pass

    return Handler
