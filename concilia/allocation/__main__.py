"""Command line: ``python -m concilia.allocation validate|rank|rerun|explain``.

    validate CALL.yaml
    rank CALL.yaml APPLICATIONS.csv|json [--offers OFFERS.csv|json] [--out DIR]
    rerun CALL.yaml APPLICATIONS.csv|json [--offers OFFERS.csv|json] --previous ranking.json
          --answers answers.csv [--out DIR]
    explain DIR APPLICATION_ID [--lang it|en] [--json]

``rank`` and ``rerun`` write ``ranking.json``, ``ranking.csv``, ``explanation.jsonl`` and, in places
mode, ``offers.csv`` into DIR (default: the current directory). ``explain`` prints one application's
explanation from DIR's ``explanation.jsonl``: its sentences in Italian (``--lang en``: English), or with
``--json`` the whole record. Exit status 1 on invalid input or an unknown application.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from concilia.allocation import engine, explain
from concilia.allocation import io as aio
from concilia.allocation.rules import Call, CallValidationError, load_call
from concilia.allocation.types import Application, Offer


def _write(out: Path, call: Call, result: engine.Result, apps: list[Application], offers: list[Offer]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    aio.write_json(out / "ranking.json", explain.ranking_data(result, lazy=True))
    aio.write_csv_rows(out / "ranking.csv", explain.RANKING_COLUMNS, explain.ranking_table(result))
    aio.write_jsonl(out / "explanation.jsonl", explain.explanation_records(call, result, apps, offers))
    if result.mode == "places":
        header = ["id", "capacity", "placed", "cutoff_application", "cutoff_points", "cutoff_rank", "waiting"]
        aio.write_csv(out / "offers.csv", header, explain.offer_rows(result))


def _explain(out: Path, application_id: str, lang: str = "it", as_json: bool = False) -> int:
    path = out / "explanation.jsonl" if out.is_dir() else out
    try:
        header, record = aio.find_explanation(path, application_id)
    except OSError as exc:
        print(f"{path}: {exc.strerror}", file=sys.stderr)
        return 1
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        print(f"{path}: not an explanation.jsonl written by this program ({exc})", file=sys.stderr)
        return 1
    if record is None:
        print(f"{path}: no application {application_id!r}", file=sys.stderr)
        return 1
    if as_json:
        print(json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True))
    else:
        print("\n".join(explain.record_text(record, header)[lang]))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m concilia.allocation", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    v = sub.add_parser("validate", help="check a call-rules file")
    v.add_argument("call")
    x = sub.add_parser("explain", help="print one application's explanation from a ranking's output folder")
    x.add_argument("out", help="the folder rank or rerun wrote (with explanation.jsonl)")
    x.add_argument("application_id")
    x.add_argument("--lang", choices=("it", "en"), default="it", help="language of the sentences (default: it)")
    x.add_argument("--json", action="store_true", help="print the whole record as JSON instead of sentences")
    for name in ("rank", "rerun"):
        p = sub.add_parser(name, help=f"{name} applications for a call")
        p.add_argument("call")
        p.add_argument("applications")
        p.add_argument("--offers")
        p.add_argument("--out", default=".")
        if name == "rerun":
            p.add_argument("--previous", required=True, help="ranking.json of the previous run")
            p.add_argument("--answers", required=True, help="CSV/JSON with columns id, answer")
    args = parser.parse_args(argv)
    if args.command == "explain":
        return _explain(Path(args.out), args.application_id, args.lang, args.json)

    try:
        call = load_call(args.call)
    except CallValidationError as exc:
        for e in exc.errors:
            print(e.format(args.call), file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"{args.call}: {exc.strerror}", file=sys.stderr)
        return 1
    if args.command == "validate":
        print("OK")
        return 0
    try:
        apps = aio.read_applications(args.applications, call)
        offers = aio.read_offers(args.offers, call) if args.offers else []
        if call.outcome.mode == "places" and not args.offers:
            print("places mode needs --offers", file=sys.stderr)
            return 1
        if args.command == "rank":
            result = engine.rank(call, apps, offers)
        else:
            previous = aio.read_previous(args.previous)
            answers = aio.read_answers(args.answers)
            result = engine.rerun(call, apps, offers, previous, answers)
    except aio.InputError as exc:
        for line in exc.errors:
            print(line, file=sys.stderr)
        return 1
    except (OSError, ValueError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    _write(Path(args.out), call, result, apps, offers)
    print(f"{len(result.entries)} applications, mode {result.mode}: written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
