"""The Messages API emulator's HTTP server: a thread per request, on 127.0.0.1."""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# HTTP status → error.type, from Anthropic's API reference (/en/api/errors).
ERRORS = {
    400: "invalid_request_error", 401: "authentication_error", 403: "permission_error",
    404: "not_found_error", 413: "request_too_large", 429: "rate_limit_error",
    500: "api_error", 529: "overloaded_error",
}
# The header a test sets on a call (the SDK's extra_headers) to pick the reply it gets.
REPLY_HEADER = "x-emulator-reply"


@dataclass(frozen=True)
class Reply:
    """How the emulator answers a call: after `latency` seconds, a message with this usage, or
    (status other than 200) the API's error of that status. A streamed answer sends its first
    text after `first_token` seconds and the rest by `latency`."""

    latency: float = 0.0
    input_tokens: int = 10
    output_tokens: int = 5
    cache_read_input_tokens: int = 0
    cache_creation_input_tokens: int = 0
    first_token: float = 0.0
    chunks: int = 3
    status: int = 200
    text: str = "Hold."


class _Server(ThreadingHTTPServer):
    # socketserver's backlog of 5 drops connections a burst of concurrent calls opens, and the
    # client's retried SYN a second later would show as a second of latency.
    request_queue_size = 128


class AnthropicEmulator:
    """Serves POST /v1/messages. `replies` maps a name (the x-emulator-reply header a call
    carries) to its Reply; `answered_models` maps the model asked for to the dated id that
    answers (as the API answers claude-haiku-4-5 with claude-haiku-4-5-20251001)."""

    def __init__(self, replies: dict[str, Reply], answered_models: dict[str, str]):
        self.replies = replies
        self.answered_models = answered_models
        self.calls: list[dict] = []  # each request body, as received
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> AnthropicEmulator:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def next_id(self, prefix: str) -> str:
        with self._lock:
            return f"{prefix}_emulated{next(self._ids):06d}"

    def record(self, body: dict) -> None:
        with self._lock:
            self.calls.append(body)


def _message(emulator: AnthropicEmulator, body: dict, reply: Reply, *, streaming: bool) -> dict:
    model = emulator.answered_models.get(body["model"], body["model"])
    usage = {
        "input_tokens": reply.input_tokens,
        # A stream's message_start carries output_tokens 1; message_delta carries the total.
        "output_tokens": 1 if streaming else reply.output_tokens,
        "cache_read_input_tokens": reply.cache_read_input_tokens,
        "cache_creation_input_tokens": reply.cache_creation_input_tokens,
    }
    return {
        "id": emulator.next_id("msg"), "type": "message", "role": "assistant", "model": model,
        "content": [] if streaming else [{"type": "text", "text": reply.text}],
        "stop_reason": None if streaming else "end_turn", "stop_sequence": None, "usage": usage,
    }


def _handler(emulator: AnthropicEmulator):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # the test's output stays readable
            pass

        def do_POST(self) -> None:
            started = time.monotonic()
            body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))))
            emulator.record(body)
            if self.path.split("?")[0] != "/v1/messages":
                return self._error(404, "Not found", started, 0)
            if not self.headers.get("x-api-key"):
                return self._error(401, "x-api-key header is required", started, 0)
            reply = emulator.replies.get(self.headers.get(REPLY_HEADER, ""))
            if reply is None:
                return self._error(400, f"no reply named {self.headers.get(REPLY_HEADER)!r}",
                                   started, 0)
            if reply.status != 200:
                return self._error(reply.status, ERRORS[reply.status], started, reply.latency)
            if body.get("stream"):
                return self._stream(body, reply, started)
            time.sleep(max(0.0, reply.latency - (time.monotonic() - started)))
            self._json(200, _message(emulator, body, reply, streaming=False))

        def _stream(self, body: dict, reply: Reply, started: float) -> None:
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.send_header("cache-control", "no-cache")
            self.send_header("request-id", emulator.next_id("req"))
            self.send_header("connection", "close")
            self.end_headers()
            self.wfile.flush()
            self.close_connection = True
            # The headers go out at once, the events once the model starts, the first text with
            # them: so the time to the first event (what OpenLIT times) and to the first text
            # (the conventions' first chunk) are both first_token.
            time.sleep(max(0.0, reply.first_token - (time.monotonic() - started)))
            message = _message(emulator, body, reply, streaming=True)
            self._event("message_start", {"type": "message_start", "message": message})
            self._event("content_block_start", {"type": "content_block_start", "index": 0,
                                                "content_block": {"type": "text", "text": ""}})
            self._event("ping", {"type": "ping"})
            pause = max(0.0, reply.latency - reply.first_token) / max(1, reply.chunks)
            for index in range(reply.chunks):
                if index:
                    time.sleep(pause)
                self._event("content_block_delta", {
                    "type": "content_block_delta", "index": 0,
                    "delta": {"type": "text_delta", "text": f"{reply.text} "}})
            time.sleep(max(0.0, reply.latency - (time.monotonic() - started)))
            self._event("content_block_stop", {"type": "content_block_stop", "index": 0})
            self._event("message_delta", {
                "type": "message_delta",
                "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                "usage": {"output_tokens": reply.output_tokens}})
            self._event("message_stop", {"type": "message_stop"})

        def _event(self, name: str, data: dict) -> None:
            self.wfile.write(f"event: {name}\ndata: {json.dumps(data)}\n\n".encode())
            self.wfile.flush()

        def _error(self, status: int, message: str, started: float, latency: float) -> None:
            time.sleep(max(0.0, latency - (time.monotonic() - started)))
            request_id = emulator.next_id("req")
            headers = {"retry-after": "1"} if status == 429 else {}
            self._json(status, {"type": "error", "error": {"type": ERRORS[status],
                                                           "message": message},
                                "request_id": request_id}, request_id, headers)

        def _json(self, status: int, data: dict, request_id: str | None = None,
                  headers: dict | None = None) -> None:
            payload = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(payload)))
            self.send_header("request-id", request_id or emulator.next_id("req"))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

    return Handler
