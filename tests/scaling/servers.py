"""Start real gunicorn app servers on loopback ports for the scaling tests and the load script."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import requests

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"

#: First loopback port tried for app servers (this project's tests use 8800-8899).
PORT_BASE = int(os.environ.get("SCALING_PORT_BASE", "8810"))


def free_ports(count: int, start: int = PORT_BASE, stop: int = 8900) -> list[int]:
    """``count`` loopback ports in [start, stop) that nothing listens on."""
    found = []
    for port in range(start, stop):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                found.append(port)
        if len(found) == count:
            return found
    raise RuntimeError(f"no {count} free ports in {start}-{stop}")


def database_url(settings_dict: dict) -> str:
    """A mysql:// URL for a Django MySQL ``settings_dict`` (what the servers' DATABASE_URL needs)."""
    user = quote(settings_dict["USER"] or "root")
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{quote(password)}" if password else user
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 3306
    return f"mysql://{auth}@{host}:{port}/{settings_dict['NAME']}"


def server_env(*, database_url: str, cache_url: str, **extra: str) -> dict[str, str]:
    """The environment of an app server like production (DEBUG off), minus HTTPS (plain loopback)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST", "DJANGO_"))}
    env.update(
        {
            # The test settings: the real ones with a fast hasher and static files from the finders
            # (no collectstatic needed); DEBUG stays off.
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": database_url,
            "CACHE_URL": cache_url,
            "LOG_LEVEL": "WARNING",
            # Static files come from the finders: whitenoise's note about a missing STATIC_ROOT is noise.
            "PYTHONWARNINGS": "ignore:No directory at:UserWarning",
        }
    )
    env.update(extra)
    return env


@contextlib.contextmanager
def gunicorn_servers(ports: list[int], env: dict[str, str], workers: int = 2) -> Iterator[list[str]]:
    """Run one gunicorn per port (``workers`` each); yield their base URLs; stop exactly those at exit."""
    processes: list[subprocess.Popen] = []
    try:
        for port in ports:
            command = [str(GUNICORN), "luffy_crm.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
            command += ["--timeout", "60", "--graceful-timeout", "5", "--log-level", "warning"]
            processes.append(subprocess.Popen(command, cwd=ROOT, env=env))  # noqa: S603 - fixed command
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        for url, process in zip(urls, processes, strict=True):
            wait_healthy(url, process)
        yield urls
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


def wait_healthy(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn for {url} exited with {process.returncode}")
        try:
            if requests.get(f"{url}/health/", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"gunicorn for {url} did not answer /health/ within {timeout} s")


def with_password(user, password: str):
    """``user`` with exactly ``password`` (a factory's get_or_create keeps an existing row's password)."""
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


def login(base_url: str, username: str, password: str) -> requests.Session:
    """A browser-like session logged in through the real login form of ``base_url``."""
    browser = requests.Session()
    browser.get(f"{base_url}/login/", timeout=30).raise_for_status()
    response = browser.post(
        f"{base_url}/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": browser.cookies["csrftoken"]},
        allow_redirects=False,
        timeout=30,
    )
    if response.status_code != 302:
        raise AssertionError(f"login of {username} on {base_url} failed: {response.status_code}")
    return browser


def post_form(browser: requests.Session, url: str, data: dict, **kwargs) -> requests.Response:
    """POST a form the way the browser does: with the CSRF token of the session's cookie."""
    return browser.post(url, data={**data, "csrfmiddlewaretoken": browser.cookies["csrftoken"]}, timeout=60, **kwargs)
