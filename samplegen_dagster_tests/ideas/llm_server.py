"""A small OpenAI-compatible chat-completions server on 127.0.0.1 for tests.

It answers ``POST /v1/chat/completions`` from a script of responses (status, body, headers),
one per request, and records every request body so tests can see what the client sent.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def completion(content: str, model: str = "test-model") -> dict:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 1700000000,
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
    }


def error(status: int, message: str) -> tuple[int, dict, dict]:
    return status, {"error": {"message": message, "type": "test_error", "code": None}}, {}


class ChatServer:
    def __init__(self, script: list[tuple[int, dict, dict]]) -> None:
        self.script = list(script)
        self.requests: list[dict] = []
        self.paths: list[str] = []
        self.auth: list[str | None] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server API
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                server.paths.append(self.path)
                server.auth.append(self.headers.get("authorization"))
                server.requests.append(json.loads(body or b"{}"))
                if self.path.rstrip("/") != "/v1/chat/completions":
                    status, payload, headers = error(404, f"unknown path {self.path}")
                elif not server.script:
                    status, payload, headers = error(500, "script exhausted")
                else:
                    status, payload, headers = server.script.pop(0)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:  # keep test output quiet
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> "ChatServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
