from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import translation

from concilia.accounts.choices import Role
from concilia.core.testing import factories as f
from concilia.workplace.tests import factories as wf


@pytest.fixture(autouse=True)
def english_messages() -> Iterator[None]:
    with translation.override("en"):
        yield


@dataclass
class Place:
    company: Any
    other_company: Any
    survey: Any
    invitation: Any
    other_invitation: Any
    hr: Any
    other_hr: Any


@pytest.fixture
def place(world: Any) -> Place:
    """A survey owned by the world's lead organisation, inviting a company partner of its alliance and another."""
    company = f.CompanyFactory(name="Impresa Uno")
    other = f.CompanyFactory(name="Impresa Due")
    f.PartnershipFactory(alliance=world.alliance, organisation=company)
    s = wf.survey(world.lead_org, network=world.network, title="Bisogni dei dipendenti")
    return Place(
        company=company,
        other_company=other,
        survey=s,
        invitation=wf.invitation(s, company),
        other_invitation=wf.invitation(s, other),
        hr=f.user_with_role(Role.COMPANY_HR, organisation=company, username="hr-uno"),
        other_hr=f.user_with_role(Role.COMPANY_HR, organisation=other, username="hr-due"),
    )
