"""drf-spectacular's ``ENUM_NAME_OVERRIDES``: every choices class of the apps under its own name.

Without it the schema generator names each enum after the field ("kind", "status", "role") and
invents hashed names when two fields of that name use different choices. The classes are found by
reading each app's ``choices.py`` (no import: settings load before the apps).
"""

from __future__ import annotations

import ast
from pathlib import Path

CHOICES_BASES = {"TextChoices", "IntegerChoices", "Choices"}


def enum_name_overrides(package_dir: Path) -> dict[str, str]:
    found: dict[str, list[str]] = {}
    for path in sorted(package_dir.glob("*/choices.py")):
        app = path.parent.name
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef) and any(
                (isinstance(b, ast.Attribute) and b.attr in CHOICES_BASES)
                or (isinstance(b, ast.Name) and b.id in CHOICES_BASES)
                for b in node.bases
            ):
                found.setdefault(node.name, []).append(f"concilia.{app}.choices.{node.name}")
    overrides = {}
    for name, paths in found.items():
        for dotted in paths:
            # The same class name in two apps: the app's name tells them apart.
            prefix = "" if len(paths) == 1 else dotted.split(".")[1].capitalize()
            overrides[f"{prefix}{name}Enum"] = dotted
    return overrides
