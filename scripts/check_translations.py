#!/usr/bin/env python3
"""Fail when the Italian catalogue has untranslated, fuzzy or malformed entries.

Usage (from anywhere; CI runs it after ``make makemessages``)::

    python scripts/check_translations.py [PO_FILE ...]

Without arguments it checks ``concilia/locale/it/LC_MESSAGES/*.po``. Only the standard
library is used: the PO format is parsed here, obsolete (``#~``) entries are ignored.
Exit status: 0 when everything is translated, 1 otherwise (with one line per problem),
2 when a file is missing or cannot be parsed.
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_GLOB = "concilia/locale/it/LC_MESSAGES/*.po"

# Python (%-style) placeholders: %(name)s, %d, %.1f, ... ("%%" is a literal percent sign).
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    def label(self) -> str:
        text = self.msgid if self.msgctxt is None else f"{self.msgctxt} | {self.msgid}"
        text = text.replace("\n", "\\n")
        return text if len(text) <= 90 else text[:87] + "..."


def _string(literal: str, path: Path, lineno: int) -> str:
    try:
        value = ast.literal_eval(literal)
    except (SyntaxError, ValueError) as exc:
        raise ValueError(f"{path}:{lineno}: cannot parse string {literal!r}") from exc
    if not isinstance(value, str):
        raise ValueError(f"{path}:{lineno}: not a string: {literal!r}")
    return value


def parse(path: Path) -> list[Entry]:
    """Parse a PO file into entries (obsolete ``#~`` entries are skipped)."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None  # which field continuation lines extend

    def finish() -> None:
        nonlocal entry, target
        if entry is not None and (entry.msgstr or entry.msgid or entry.msgctxt is not None):
            entries.append(entry)
        entry, target = None, None

    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#"):
            if entry is not None and entry.msgstr:  # a comment after msgstr starts a new entry
                finish()
            if entry is None:
                entry = Entry(line=lineno)
            if line.startswith("#,"):
                entry.flags.update(f.strip() for f in line[2:].split(",") if f.strip())
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            if entry is None or target is None:
                raise ValueError(f"{path}:{lineno}: continuation line outside an entry")
            value = _string(line, path, lineno)
            name, index = target
            if name == "msgstr":
                entry.msgstr[index] += value
            else:
                setattr(entry, name, (getattr(entry, name) or "") + value)
            continue
        if keyword in ("msgctxt", "msgid") and entry is not None and entry.msgstr:
            finish()
        if entry is None:
            entry = Entry(line=lineno)
        value = _string(rest.strip(), path, lineno)
        if keyword in ("msgctxt", "msgid", "msgid_plural"):
            setattr(entry, keyword, value)
            target = (keyword, 0)
        elif keyword == "msgstr":
            entry.msgstr[0] = value
            target = ("msgstr", 0)
        elif (m := re.fullmatch(r"msgstr\[(\d+)\]", keyword)) is not None:
            entry.msgstr[int(m.group(1))] = value
            target = ("msgstr", int(m.group(1)))
        else:
            raise ValueError(f"{path}:{lineno}: unexpected line {raw!r}")
    finish()
    return entries


def nplurals(header: Entry | None) -> int:
    text = header.msgstr.get(0, "") if header else ""
    m = re.search(r"nplurals\s*=\s*(\d+)", text)
    return int(m.group(1)) if m else 2


def placeholders(text: str) -> list[str]:
    return [p for p in PLACEHOLDER.findall(text) if p != "%%"]


def format_problems(e: Entry, forms: range) -> list[str]:
    """Compare the %-placeholders of a python-format entry with those of its msgid.

    A placeholder the source lacks breaks at run time; a named one may be left out only in a
    plural form (e.g. "un elemento" for n == 1); positional ones (%s, %d) must match exactly.
    """
    source = placeholders(e.msgid) + placeholders(e.msgid_plural or "")
    named = {p for p in source if p.startswith("%(")}
    positional = [p for p in placeholders(e.msgid_plural or e.msgid) if not p.startswith("%(")]
    out: list[str] = []
    for i in forms:
        got = placeholders(e.msgstr[i])
        unknown = sorted({p for p in got if p.startswith("%(")} - named)
        if unknown:
            out.append(f"placeholder(s) {', '.join(unknown)} not in the source")
        if e.msgid_plural is None:
            missing = sorted(named - set(got))
            if missing:
                out.append(f"placeholder(s) {', '.join(missing)} missing")
        if positional and [p for p in got if not p.startswith("%(")] != positional:
            out.append(f"positional placeholders {got} instead of {positional}")
    return out


def problems(path: Path) -> list[str]:
    entries = parse(path)
    header = next((e for e in entries if e.is_header), None)
    found: list[str] = []
    if header is None:
        found.append(f"{path}: no header entry")
    elif "fuzzy" in header.flags:
        found.append(f"{path}:{header.line}: fuzzy header")
    expected_forms = nplurals(header)
    for e in entries:
        if e.is_header:
            continue
        where = f"{path}:{e.line}"
        if "fuzzy" in e.flags:
            found.append(f"{where}: fuzzy: {e.label()}")
        forms = range(expected_forms) if e.msgid_plural is not None else range(1)
        if any(not e.msgstr.get(i) for i in forms):
            found.append(f"{where}: untranslated: {e.label()}")
            continue
        if "python-format" in e.flags:
            found.extend(f"{where}: {msg}: {e.label()}" for msg in format_problems(e, forms))
    return found


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted(ROOT.glob(DEFAULT_GLOB))
    if not paths:
        print(f"check_translations: no catalogue found ({DEFAULT_GLOB})", file=sys.stderr)
        return 2
    found: list[str] = []
    for path in paths:
        try:
            found.extend(problems(path))
        except (OSError, ValueError) as exc:
            print(f"check_translations: {exc}", file=sys.stderr)
            return 2
    for line in found:
        print(line)
    if found:
        print(f"check_translations: {len(found)} problem(s) in the Italian catalogue.", file=sys.stderr)
        return 1
    total = sum(len([e for e in parse(p) if not e.is_header]) for p in paths)
    print(f"check_translations: {total} Italian entries, all translated.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
