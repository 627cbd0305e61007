"""Territory is public reference data: everyone reads it, administrators change it."""

from concilia.core.permissions import Policy, register
from concilia.territory import models

for _model in (models.Region, models.Province, models.Municipality, models.HealthAgency, models.District):
    register(_model, Policy())
