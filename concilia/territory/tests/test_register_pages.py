"""Territory registers get the common battery: public reading for all, editing for administrators."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from concilia.core.testing import battery
from concilia.core.testing import factories as f
from concilia.territory import models, registers

_codes = itertools.count()  # test codes outside ISTAT's ranges (regions 01-20, provinces 001-111)


def _district(w: Any) -> models.District:
    lead = f.MunicipalityFactory()
    district = models.District.objects.create(code=f"AMBITO-T{lead.pk}", name=f"Ambito di {lead.name}", lead=lead)
    district.members.set([lead])
    return district


SPECS = [
    battery.RegisterSpec(register=registers.regions, new=lambda w: f.RegionFactory(code=f"{next(_codes) % 60 + 40}")),
    battery.RegisterSpec(
        register=registers.provinces,
        new=lambda w: f.ProvinceFactory(code=f"{next(_codes) % 100 + 800}", name=f"Provincia {next(_codes)}"),
    ),
    battery.RegisterSpec(
        register=registers.municipalities, new=lambda w: f.MunicipalityFactory(), marker=lambda o: o.name
    ),
    battery.RegisterSpec(register=registers.agencies, new=lambda w: f.HealthAgencyFactory(), marker=lambda o: o.name),
    battery.RegisterSpec(
        register=registers.districts,
        new=_district,
        create_data=lambda w: {"code": "AMBITO-NUOVO", "name": "Ambito nuovo", "lead": f.MunicipalityFactory()},
        edit=("name", "Ambito rinominato"),
    ),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id)
@pytest.mark.parametrize("check", battery.CHECKS, ids=lambda c: c.__name__)
def test_register(spec: battery.RegisterSpec, check: Any, world: Any) -> None:
    check(spec, world)
