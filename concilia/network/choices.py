from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    GOVERNMENT = "government", _("National government body")
    REGION = "region", _("Region")
    METROPOLITAN_CITY = "metropolitan_city", _("Metropolitan city")
    PROVINCE = "province", _("Province")
    MUNICIPALITY = "municipality", _("Municipality")
    MUNICIPAL_OFFICE = "municipal_office", _("Municipal office / district planning office")
    HEALTH_AGENCY = "health_agency", _("Health agency")
    SOCIAL_CONSORTIUM = "social_consortium", _("Social-services consortium")
    CHAMBER_OF_COMMERCE = "chamber_of_commerce", _("Chamber of commerce")
    EQUALITY_ADVISER = "equality_adviser", _("Equality adviser")
    COMPANY = "company", _("Company")
    SOCIAL_COOPERATIVE = "social_cooperative", _("Social cooperative")
    ASSOCIATION = "association", _("Association / onlus")
    TRADE_UNION = "trade_union", _("Trade union")
    EMPLOYER_ASSOCIATION = "employer_association", _("Employer association")
    SCHOOL = "school", _("School")
    OTHER = "other", _("Other")


class OrganisationSector(models.TextChoices):
    """The groups a coordinator reads the member list by."""

    PUBLIC = "public", _("Public bodies")
    ENTERPRISE = "enterprise", _("Enterprises")
    THIRD_SECTOR = "third_sector", _("Third sector")
    SOCIAL_PARTNERS = "social_partners", _("Social partners")
    OTHER = "other", _("Other")


SECTOR_OF_KIND = {
    OrganisationKind.GOVERNMENT: OrganisationSector.PUBLIC,
    OrganisationKind.REGION: OrganisationSector.PUBLIC,
    OrganisationKind.METROPOLITAN_CITY: OrganisationSector.PUBLIC,
    OrganisationKind.PROVINCE: OrganisationSector.PUBLIC,
    OrganisationKind.MUNICIPALITY: OrganisationSector.PUBLIC,
    OrganisationKind.MUNICIPAL_OFFICE: OrganisationSector.PUBLIC,
    OrganisationKind.HEALTH_AGENCY: OrganisationSector.PUBLIC,
    OrganisationKind.SOCIAL_CONSORTIUM: OrganisationSector.PUBLIC,
    OrganisationKind.CHAMBER_OF_COMMERCE: OrganisationSector.PUBLIC,
    OrganisationKind.EQUALITY_ADVISER: OrganisationSector.PUBLIC,
    OrganisationKind.SCHOOL: OrganisationSector.PUBLIC,
    OrganisationKind.COMPANY: OrganisationSector.ENTERPRISE,
    OrganisationKind.SOCIAL_COOPERATIVE: OrganisationSector.THIRD_SECTOR,
    OrganisationKind.ASSOCIATION: OrganisationSector.THIRD_SECTOR,
    OrganisationKind.TRADE_UNION: OrganisationSector.SOCIAL_PARTNERS,
    OrganisationKind.EMPLOYER_ASSOCIATION: OrganisationSector.SOCIAL_PARTNERS,
    OrganisationKind.OTHER: OrganisationSector.OTHER,
}

# Kinds for which the EU size class (Recommendation 2003/361/EC) applies.
ENTERPRISE_KINDS = {OrganisationKind.COMPANY, OrganisationKind.SOCIAL_COOPERATIVE}


class SizeClass(models.TextChoices):
    MICRO = "micro", _("Micro enterprise")
    SMALL = "small", _("Small enterprise")
    MEDIUM = "medium", _("Medium-sized enterprise")
    LARGE = "large", _("Large enterprise")


class AgreementKind(models.TextChoices):
    FOUNDING = "founding", _("Founding agreement")
    RENEWAL = "renewal", _("Renewal")
    AMENDMENT = "amendment", _("Amendment")


class MembershipRole(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    SIGNATORY = "signatory", _("Signatory of the agreement")
    MEMBER = "member", _("Member (adhesion)")


class PartnerRole(models.TextChoices):
    PARTNER = "partner", _("Partner")
    CO_FINANCING_PARTNER = "co_financing_partner", _("Co-financing partner")
    SUPPORTER = "supporter", _("Supporting member")
    NETWORK_MEMBER = "network_member", _("Member of the project network")


class JoinRequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")
