from django.db import models
from django.utils.translation import gettext_lazy as _


class ProvinceKind(models.TextChoices):
    PROVINCE = "province", _("Province")
    METROPOLITAN_CITY = "metropolitan_city", _("Metropolitan city")
    FREE_CONSORTIUM = "free_consortium", _("Free municipal consortium")
    AUTONOMOUS_PROVINCE = "autonomous_province", _("Autonomous province")
    REGIONAL_DECENTRALISATION = "regional_decentralisation", _("Regional decentralisation body")
    SUPRA_MUNICIPAL_UNIT = "supra_municipal_unit", _("Supra-municipal unit")


class AgencyKind(models.TextChoices):
    ASL = "ASL", _("ASL - local health agency (until 2015)")
    ATS = "ATS", _("ATS - health protection agency (from 2016)")
    ASST = "ASST", _("ASST - territorial social and health agency (from 2016)")
