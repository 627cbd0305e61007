from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PLATFORM_ADMIN = "platform_admin", _("Platform administrator")
    NETWORK_COORDINATOR = "network_coordinator", _("Network coordinator")
    ALLIANCE_LEAD = "alliance_lead", _("Alliance lead")
    SERVICE_PROVIDER = "service_provider", _("Service provider")
    COMPANY_HR = "company_hr", _("Company HR")
    DESK_OPERATOR = "desk_operator", _("Help-desk operator")
    REGISTRY_OPERATOR = "registry_operator", _("Babysitter registry operator")


# Which scope each role needs: a network, an organisation, or nothing.
NETWORK_SCOPED = {Role.NETWORK_COORDINATOR}
ORGANISATION_SCOPED = {
    Role.ALLIANCE_LEAD,
    Role.SERVICE_PROVIDER,
    Role.COMPANY_HR,
    Role.DESK_OPERATOR,
    Role.REGISTRY_OPERATOR,
}
