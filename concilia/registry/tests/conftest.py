from typing import Any

import pytest

from concilia.registry.tests.factories import RegistryWorld, make_world


@pytest.fixture
def rw(db: Any) -> RegistryWorld:
    return make_world()
