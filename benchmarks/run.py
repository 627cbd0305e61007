"""Benchmarks: loading the territory and serving the busiest register pages.

    make bench            # or: .venv/bin/python -m benchmarks.run [--repeat N]

Runs on a fresh SQLite database in a temporary folder (or on ``DATABASE_URL`` if set) and prints
wall-clock figures: the first ``load_territory``, the skipped second one, ``load_demo``, then the
median and 95th percentile of list pages, API lists and exports, served in-process by Django's test
client (no network). Timings vary with the machine; this is a measuring tool, never a test.
Then ``benchmarks/catalogue.py --quick`` (``--catalogue full`` for the full size, ``skip`` to leave it out).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import tempfile
import time
from collections.abc import Callable


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=30, help="requests per URL (default 30)")
    parser.add_argument(
        "--catalogue",
        choices=("quick", "full", "skip"),
        default="quick",
        help="then the catalogue search and planner benchmark (benchmarks/catalogue.py) at quick or full size",
    )
    args = parser.parse_args()

    os.environ.setdefault("CONCILIA_DATA_DIR", tempfile.mkdtemp(prefix="concilia-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "concilia.settings.dev")
    os.environ["DEBUG"] = "false"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    quiet = io.StringIO()
    print(f"database: {django.db.connection.vendor} ({os.environ['CONCILIA_DATA_DIR']})")
    print(f"migrate                 {timed(lambda: call_command('migrate', stdout=quiet, verbosity=0)):7.2f} s")
    print(f"load_territory (first)  {timed(lambda: call_command('load_territory', stdout=quiet)):7.2f} s")
    print(f"load_territory (again)  {timed(lambda: call_command('load_territory', stdout=quiet)):7.3f} s")
    print(f"load_demo               {timed(lambda: call_command('load_demo', stdout=quiet)):7.2f} s")

    client = Client(HTTP_HOST="127.0.0.1")
    urls = [
        "/",
        "/rete/organizzazioni/",
        "/rete/organizzazioni/?q=esempio&kind=company",
        "/rete/reti/1/",
        "/rete/alleanze/1/",
        "/territorio/comuni/",
        "/territorio/comuni/?q=san&province=",
        "/territorio/comuni/?_export=csv",
        "/api/network/organisations/",
        "/api/territory/municipalities/?page=100",
    ]
    print(f"\n{'URL':48} {'median ms':>10} {'p95 ms':>8}")
    for url in urls:
        client.get(url)  # warm up
        samples = sorted(timed(lambda u=url: client.get(u)) * 1000 for _ in range(args.repeat))
        p95 = samples[min(len(samples) - 1, int(round(0.95 * len(samples))) - 1)]
        print(f"{url:48} {statistics.median(samples):10.1f} {p95:8.1f}")

    if args.catalogue != "skip":
        from benchmarks import catalogue

        print("\nCatalogue search and care planner through the HTTP server (benchmarks/catalogue.py)")
        if catalogue.main(["--quick"] if args.catalogue == "quick" else []):
            raise SystemExit(1)


if __name__ == "__main__":
    main()
