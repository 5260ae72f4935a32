"""The page watcher itself: what fails a browser test and what does not.

A tiny local server plays the pages: a slow image (a favicon still loading, say), a missing
one, a link away. No database and no Django: only the watcher's judgement is under test.
"""

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.e2e.harness import WATCHERS, click_and_wait, open_expecting


def free_port() -> int:
    """A port nothing listens on (Chrome refuses some well-known ones, such as 9, by itself)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


REFUSED = f"http://127.0.0.1:{free_port()}/refused.png"
PAGES = {
    "/slow-image": '<img src="/slow.png"><a href="/next">next</a>',
    "/missing-image": '<img src="/missing.png">',
    "/refused-image": f'<img src="{REFUSED}">',
    "/cancelled-fetch": (
        "<script>const c = new AbortController();"
        "fetch('/slow.png', {signal: c.signal}).catch(() => {});"
        "setTimeout(() => c.abort(), 100);</script>"
    ),
    "/next": "<p>next page</p>",
}


def html(body: str) -> bytes:
    return f'<!DOCTYPE html><html><head><link rel="icon" href="data:,"></head><body>{body}</body></html>'.encode()


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the http.server API
        if self.path == "/slow.png":
            time.sleep(2)
            self.answer(200, "image/png", b"")
        elif self.path in PAGES:
            self.answer(200, "text/html; charset=utf-8", html(PAGES[self.path]))
        else:
            self.answer(404, "text/html; charset=utf-8", html("<h1>404</h1>"))

    def answer(self, status: int, content_type: str, body: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser left before the answer came: what the abort test is about

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def problems_of(page) -> list[str]:
    """What the watcher would fail the test with; then forgotten, so teardown passes."""
    watcher = WATCHERS[page]
    found = watcher.problems()
    watcher.errors.clear()
    watcher.aborted.clear()
    return found


def test_a_request_cut_short_by_leaving_the_page_is_not_a_failure(page, site):
    page.goto(f"{site}/slow-image", wait_until="domcontentloaded")  # the image is still loading
    click_and_wait(page, page.get_by_role("link", name="next"))
    page.wait_for_timeout(100)
    [(image, _started)] = WATCHERS[page].aborted  # the browser did cut it short ...
    assert image.url.endswith("/slow.png")
    assert problems_of(page) == []  # ... and that is not held against the page


def test_a_request_the_page_itself_cancels_is_a_failure(page, site):
    page.goto(f"{site}/cancelled-fetch")
    page.wait_for_timeout(500)
    [problem] = problems_of(page)
    assert "/slow.png net::ERR_ABORTED" in problem


def test_a_missing_file_is_a_failure(page, site):
    page.goto(f"{site}/missing-image")
    page.wait_for_load_state("networkidle")
    assert any("HTTP 404" in problem and "/missing.png" in problem for problem in problems_of(page))


def test_a_refused_connection_is_a_failure(page, site):
    page.goto(f"{site}/refused-image")
    page.wait_for_load_state("networkidle")
    assert any("ERR_CONNECTION_REFUSED" in problem for problem in problems_of(page))


def test_an_error_page_fails_unless_the_test_expects_it(page, site):
    page.goto(f"{site}/next")
    open_expecting(page, "/nowhere", 404)
    assert problems_of(page) == []
    page.goto(f"{site}/elsewhere")
    assert any("HTTP 404" in problem and "/elsewhere" in problem for problem in problems_of(page))
