"""The preview's web server on 127.0.0.1: the page, its events, the page images, their numbers and the last PDF,
all from memory (the PDF from build/report.pdf); nothing else is served."""

from __future__ import annotations

import json
import re
import sys
import threading
from dataclasses import asdict
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .watch import PREVIEW_STEPS, Event, PreviewState, Snapshot

HOST = "127.0.0.1"
_KEEPALIVE_SECONDS = 15.0
_STATIC = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/watch.js": ("watch.js", "text/javascript; charset=utf-8"),
    "/watch.css": ("watch.css", "text/css; charset=utf-8"),
}
_PAGE = re.compile(r"/page/([1-9][0-9]{0,5})\.png")
_NUMBERS = re.compile(r"/numbers/([1-9][0-9]{0,5})\.json")


def state_json(snapshot: Snapshot) -> dict[str, Any]:
    """/state: the versions (`version` counts finished previews, `pdf_version` is the one whose PDF is written),
    the mistake as one text or null, the page count; then what the page needs to show them, the warnings of the
    build of the pages shown, and the seconds per step of the last rebuild (`preview_seconds`: until its preview)."""
    return {
        "version": snapshot.version,
        "pdf_version": snapshot.pdf_version,
        "error": "\n".join(problem.text for problem in snapshot.problems) or None,
        "pages": len(snapshot.pages),
        "problems": [asdict(problem) for problem in snapshot.problems],
        "warnings": [asdict(warning) for warning in snapshot.warnings],
        "page_versions": [page.version for page in snapshot.pages],
        "sizes": [[page.width, page.height] for page in snapshot.pages],
        "updated": snapshot.updated,
        "timings": snapshot.timings,
        "preview_seconds": sum(snapshot.timings.get(step, 0.0) for step in PREVIEW_STEPS),
    }


class PreviewServer(ThreadingHTTPServer):
    """Serves `state` and the PDF at `pdf`; one thread per request, none of them keeping the process alive."""

    daemon_threads = True

    def __init__(self, state: PreviewState, pdf: Path, port: int) -> None:
        self.state = state
        self.pdf = pdf
        self.stopping = threading.Event()
        super().__init__((HOST, port), _Handler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.serve_forever, name="preview-server", daemon=True)
        thread.start()
        return thread

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser that closed the page or reloaded it mid-answer is no error; anything else keeps its traceback."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)

    def stop(self) -> None:
        self.stopping.set()
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        if self.headers.get("Host") not in (f"{HOST}:{self.server.port}", f"localhost:{self.server.port}"):
            # another site's page that had its name point at 127.0.0.1 (DNS rebinding) reads nothing
            self._send(b"Falscher Host.", "text/plain; charset=utf-8", HTTPStatus.FORBIDDEN)
            return
        url = urlsplit(self.path)
        path = url.path
        if path in _STATIC:
            name, media = _STATIC[path]
            self._send(resources.files(__package__).joinpath("watch_page", name).read_bytes(), media)
        elif path == "/state":
            self._send_json(state_json(self.server.state.snapshot()))
        elif path == "/events":
            self._events()
        elif path == "/report.pdf":
            self._pdf()
        elif match := _PAGE.fullmatch(path):
            self._page(int(match[1]), parse_qs(url.query).get("v", [""])[0])
        elif match := _NUMBERS.fullmatch(path):
            self._numbers(int(match[1]))
        else:
            self._send(b"Nicht gefunden.", "text/plain; charset=utf-8", HTTPStatus.NOT_FOUND)

    def log_message(self, format: str, *args: Any) -> None:
        """Requests are not logged: the terminal shows one line per rebuild."""

    def _page(self, number: int, version: str) -> None:
        pages = self.server.state.snapshot().pages
        if number > len(pages):
            self._send(b"Keine solche Seite.", "text/plain; charset=utf-8", HTTPStatus.NOT_FOUND)
            return
        page = pages[number - 1]
        # The version in the address names the image; another version's address gets the current one, uncached.
        cache = "max-age=31536000, immutable" if version == str(page.version) else "no-store"
        self._send(page.png, "image/png", cache=cache)

    def _numbers(self, number: int) -> None:
        pages = self.server.state.snapshot().pages
        if number > len(pages):
            self._send(b"Keine solche Seite.", "text/plain; charset=utf-8", HTTPStatus.NOT_FOUND)
            return
        page = pages[number - 1]
        numbers = [asdict(box) for box in page.numbers]
        self._send_json({"width": page.width, "height": page.height, "version": page.version, "numbers": numbers})

    def _pdf(self) -> None:
        try:
            data = self.server.pdf.read_bytes()
        except OSError:
            self._send(b"Noch kein PDF.", "text/plain; charset=utf-8", HTTPStatus.NOT_FOUND)
            return
        self._send(data, "application/pdf")

    def _events(self) -> None:
        """Server-sent events, one per preview, PDF, mistake and recovery, until the page or the server goes."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        state, seen = self.server.state, self.server.state.last_event()
        try:
            self.wfile.write(b": verbunden\n\n")
            self.wfile.flush()
            while not self.server.stopping.is_set():
                events = state.events_after(seen, _KEEPALIVE_SECONDS)
                self.wfile.write(b"".join(_event_bytes(event) for event in events) or b": warte\n\n")
                self.wfile.flush()
                seen = events[-1].number if events else seen
        except ConnectionError:
            pass  # the page was closed or reloaded
        self.close_connection = True

    def _send_json(self, data: dict[str, Any]) -> None:
        self._send(json.dumps(data, ensure_ascii=False).encode("utf-8"), "application/json")

    def _send(self, body: bytes, media: str, status: HTTPStatus = HTTPStatus.OK, *, cache: str = "no-store") -> None:
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", cache)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(body)


def _event_bytes(event: Event) -> bytes:
    data = json.dumps(event.data, ensure_ascii=False)
    return f"id: {event.number}\nevent: {event.kind}\ndata: {data}\n\n".encode()
