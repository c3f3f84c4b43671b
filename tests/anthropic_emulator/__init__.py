"""An emulator of Anthropic's Messages API (POST /v1/messages), for end-to-end tests in which the
official `anthropic` SDK calls it, instrumented by an OpenTelemetry GenAI instrumentation.

What it answers follows Anthropic's API reference (docs.anthropic.com/en/api/messages,
/en/api/messages-streaming, /en/api/errors) and the SDK's own types (anthropic/types/message.py,
usage.py, raw_message_*_event.py, _exceptions.py):

- a message: id, type "message", role "assistant", model (the dated id that answered), content
  [{type: text, text}], stop_reason, stop_sequence, and usage with input_tokens (tokens not read
  from or written to the cache), output_tokens, cache_read_input_tokens and
  cache_creation_input_tokens;
- with "stream": true, server-sent events: message_start (the message with empty content and
  usage.output_tokens 1, as the API sends), content_block_start, ping, content_block_delta
  (text_delta) × n, content_block_stop, message_delta (stop_reason and the cumulative
  usage.output_tokens), message_stop;
- an error: the HTTP status and {"type": "error", "error": {"type", "message"}, "request_id"},
  with a request-id header: 400 invalid_request_error, 401 authentication_error, 403
  permission_error, 404 not_found_error, 413 request_too_large, 429 rate_limit_error (with
  retry-after), 500 api_error, 529 overloaded_error.

What each call gets is scripted: `emulator.reply_for(model, Reply(...))` sets what every call
to that model is answered with (latency, usage, or a failure).
"""

from .server import ERRORS, AnthropicEmulator, Reply

__all__ = ["ERRORS", "AnthropicEmulator", "Reply"]
