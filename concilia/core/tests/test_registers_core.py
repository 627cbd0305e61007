"""The register of reads of sensitive data gets the shared battery: the admins read it; nobody writes it."""

from __future__ import annotations

from itertools import count
from typing import Any

import pytest

from concilia.core import clock, registers
from concilia.core.models import SensitiveRead
from concilia.core.testing import battery

_n = count(1)


def _read(w: Any) -> SensitiveRead:
    return SensitiveRead.objects.create(
        at=clock.now(),
        user=w.coordinator,
        model="benefits.isee",
        object_id=next(_n),
        subject=f"Nucleo familiare {next(_n)}",
        fields=["value_cents"],
        where="/famiglia/nuclei/1/",
    )


SPECS = [
    battery.RegisterSpec(
        register=registers.sensitive_reads,
        new=_read,
        marker=lambda o: o.subject,
        public=False,
        can_view={"admin"},
        can_change=set(),
        can_delete=set(),
        can_add=set(),
    ),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id)
@pytest.mark.parametrize("check", battery.CHECKS, ids=lambda c: c.__name__)
def test_register(spec: battery.RegisterSpec, check: Any, world: Any) -> None:
    check(spec, world)
