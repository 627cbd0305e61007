"""Retention of the surveys' personal codes (see :mod:`concilia.core.privacy`). Answers name nobody."""

from __future__ import annotations

import datetime as dt

from concilia.workplace.services import survey_tokens_purge


def apply_retention(*, today: dt.date) -> dict[str, int]:
    return {"unused_codes": survey_tokens_purge(today=today)}
