"""Page weight: the bytes a first visit downloads (empty cache) for the home, search, planner and a network page.

    .venv/bin/python -m benchmarks.page_weight                  # production settings, gunicorn
    .venv/bin/python -m benchmarks.page_weight --settings dev   # as `make run` serves them (runserver)

In a temporary data folder it runs ``concilia setup`` (migrations, territory, demo data), then, with the
production settings (``concilia.settings.production`` and a made-up production environment, HTTPS
switches off since the server is plain HTTP on 127.0.0.1), ``concilia collectstatic`` and gunicorn, as a
server would. Headless Chromium (``/usr/bin/chromium``) opens each page in a new browser context (an
empty cache) and waits until the network is idle; the DevTools protocol's ``Network.loadingFinished``
gives each response's encoded length (bytes on the wire: compressed body and headers). Only the site's
own responses are counted (the map tiles come from OpenStreetMap). Prints, per page, the total and its
split by kind (document, script, stylesheet, font, image, other) and the largest files; ``--json``
prints the figures as JSON. A measuring tool, never a test.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"
PAGES = {"home": "portal:home", "search": "services:search", "planner": "services:planner", "network": None}
KINDS = {"Document": "document", "Script": "script", "Stylesheet": "stylesheet", "Font": "font", "Image": "image"}


def production_env(data_dir: Path) -> dict[str, str]:
    """The environment of a production server (secrets made up), served over plain HTTP on 127.0.0.1."""
    return {
        "DJANGO_SETTINGS_MODULE": "concilia.settings.production",
        "CONCILIA_DATA_DIR": str(data_dir),
        "STATIC_ROOT": str(data_dir / "static"),
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "EMAIL_URL": "smtp://localhost:25",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(url: str, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped (exit {server.returncode})")
        try:
            urllib.request.urlopen(url, timeout=5).read()  # noqa: S310 - our own server on 127.0.0.1
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer {url} in {timeout:.0f} s")


def weigh(browser: Any, base: str, path: str, accept_encoding: str | None = None) -> dict[str, Any]:
    """Open ``path`` in a new context (empty cache): bytes on the wire of the site's own responses."""
    headers = {"Accept-Encoding": accept_encoding} if accept_encoding else {}
    context = browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 900}, extra_http_headers=headers)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
    requests: dict[str, dict[str, Any]] = {}

    def on_response(event: dict[str, Any]) -> None:
        requests[event["requestId"]] = {"url": event["response"]["url"], "type": event.get("type", "Other")}

    def on_finished(event: dict[str, Any]) -> None:
        requests.setdefault(event["requestId"], {"url": "?", "type": "Other"})["bytes"] = int(
            event["encodedDataLength"]
        )

    cdp.on("Network.responseReceived", on_response)
    cdp.on("Network.loadingFinished", on_finished)
    page.goto(base + path, wait_until="networkidle")
    page.wait_for_timeout(500)
    context.close()
    origin = urlsplit(base).netloc
    own = [r for r in requests.values() if "bytes" in r and urlsplit(r["url"]).netloc == origin]
    by_kind: dict[str, int] = defaultdict(int)
    for r in own:
        by_kind[KINDS.get(r["type"], "other")] += r["bytes"]
    largest = sorted(own, key=lambda r: -r["bytes"])[:5]
    return {
        "path": path,
        "bytes": sum(r["bytes"] for r in own),
        "requests": len(own),
        "by_kind": dict(by_kind),
        "largest": [(urlsplit(r["url"]).path, r["bytes"]) for r in largest],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--settings", choices=("production", "dev"), default="production")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--accept-encoding",
        help="the browser's Accept-Encoding instead of Chromium's own, e.g. \"gzip, deflate\" (as before brotli)",
    )
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    data_dir = Path(tempfile.mkdtemp(prefix="concilia-weight-"))
    env = {**os.environ, **production_env(data_dir)}
    if args.settings == "dev":
        env["DJANGO_SETTINGS_MODULE"] = "concilia.settings.dev"
    concilia = str(BIN / "concilia")
    quiet = {"cwd": ROOT, "env": env, "check": True, "stdout": subprocess.DEVNULL}
    subprocess.run([concilia, "setup"], **quiet)  # noqa: S603 - our own command
    names = [name for name in PAGES.values() if name]
    script = f"from django.urls import reverse; print('PATHS', *(reverse(n) for n in {names!r}))"
    shell = subprocess.run(  # noqa: S603
        [concilia, "shell", "-c", script], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    reversed_paths = next(line.split()[1:] for line in shell.stdout.splitlines() if line.startswith("PATHS "))
    paths = dict(zip(names, reversed_paths, strict=True))
    port = free_port()
    if args.settings == "production":
        subprocess.run([concilia, "collectstatic", "--noinput"], **quiet)  # noqa: S603
        command = [
            str(BIN / "gunicorn"),
            "concilia.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "2",
            "--log-level",
            "warning",
        ]
    else:
        command = [concilia, "runserver", f"127.0.0.1:{port}", "--noreload"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    results = []
    try:
        wait_until_up(base + "/", server)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
            try:
                for name, url_name in PAGES.items():
                    path = paths.get(url_name or "")
                    if path is None:  # the first network of the list
                        page = browser.new_page()
                        page.goto(base + "/rete/reti/")
                        hrefs = page.locator('main a[href^="/rete/reti/"]').evaluate_all(
                            "as => as.map(a => a.pathname)"
                        )
                        page.close()
                        path = next(h for h in hrefs if re.fullmatch(r"/rete/reti/\d+/", h))
                    results.append({"page": name, **weigh(browser, base, path, args.accept_encoding)})
            finally:
                browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
    if args.json:
        print(json.dumps({"settings": args.settings, "pages": results}, indent=2))
        return 0
    accepted = args.accept_encoding or "Chromium's own"
    print(
        f"settings: {args.settings} · Accept-Encoding: {accepted} · bytes on the wire, empty cache, the site's own responses"
    )
    print(f"{'page':9} {'path':28} {'total KB':>9} {'req':>4}  " + " ".join(f"{k:>10}" for k in KINDS.values()))
    for r in results:
        kinds = " ".join(f"{r['by_kind'].get(k, 0) / 1024:10.1f}" for k in KINDS.values())
        print(f"{r['page']:9} {r['path']:28} {r['bytes'] / 1024:9.1f} {r['requests']:4}  {kinds}")
    print("\nlargest files:")
    for r in results:
        print(f"  {r['page']}: " + ", ".join(f"{p} {b / 1024:.1f} KB" for p, b in r["largest"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
