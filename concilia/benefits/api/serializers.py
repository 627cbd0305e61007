"""Serializers of the families' side: the family's own household, the open calls, applications and rankings.

The shapes are read-only; the writes go through :mod:`concilia.benefits.services` (called by ``views.py``)
with the small inputs at the end of this module. A household (ISEE, disability, non-self-sufficiency) is
serialised only for its own family; an application shows what it asks, never the data its versions froze.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from concilia.benefits import models, selectors, services
from concilia.benefits.apply_views import DECLARATIONS
from concilia.benefits.choices import ApplicationStatus
from concilia.core import clock
from concilia.core.permissions import restrict
from concilia.programming.choices import FAMILY_CALL_KINDS, CallStatus, RankingStatus
from concilia.programming.models import Call, CallOffer, FamilyCallTerms

# --- the household ---------------------------------------------------------------------------------


class AdultSerializer(serializers.ModelSerializer):
    employer_name = serializers.CharField(source="employer.name", read_only=True, allow_null=True)

    class Meta:
        model = models.Adult
        fields = ["id", "first_name", "last_name", "tax_code", "birth_date", "role", "employment", "employer",
                  "employer_name", "employer_other", "weekly_hours"]  # fmt: skip
        read_only_fields = fields


class ChildSerializer(serializers.ModelSerializer):
    school_name = serializers.CharField(source="school.name", read_only=True, allow_null=True)

    class Meta:
        model = models.Child
        fields = ["id", "first_name", "last_name", "tax_code", "birth_date", "certified_disability", "school",
                  "school_name"]  # fmt: skip
        read_only_fields = fields


class DependantSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.Dependant
        fields = ["id", "first_name", "last_name", "tax_code", "birth_date", "non_self_sufficient"]
        read_only_fields = fields


class IseeSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.Isee
        fields = ["value_cents", "dsu_number", "expires_on"]
        read_only_fields = fields


class ConsentSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.Consent
        fields = ["id", "notice", "version", "given_at", "withdrawn_at"]
        read_only_fields = fields


class HouseholdSerializer(serializers.ModelSerializer):
    """The family's own household, with its people, its ISEE (``null`` until entered) and its consents."""

    municipality_name = serializers.CharField(source="municipality.name", read_only=True, allow_null=True)
    adults = AdultSerializer(many=True, read_only=True)
    children = ChildSerializer(many=True, read_only=True)
    dependants = DependantSerializer(many=True, read_only=True)
    isee = IseeSerializer(read_only=True, allow_null=True)
    consents = ConsentSerializer(many=True, read_only=True)

    class Meta:
        model = models.Household
        fields = ["id", "municipality", "municipality_name", "address", "adults", "children", "dependants", "isee",
                  "consents"]  # fmt: skip
        read_only_fields = fields


# --- the calls open to families ----------------------------------------------------------------------


class FamilyTermsSerializer(serializers.ModelSerializer):
    class Meta:
        model = FamilyCallTerms
        fields = ["application_unit", "first_come_first_served", "basis", "amount_cents", "max_weeks",
                  "max_per_child_cents", "max_per_household_cents"]  # fmt: skip
        read_only_fields = fields


class FamilyCallOfferSerializer(serializers.ModelSerializer):
    """An offer a place call assigns: its id is what the preferences name."""

    name = serializers.SerializerMethodField()

    class Meta:
        model = CallOffer
        fields = ["offer", "name", "places"]
        read_only_fields = fields

    def get_name(self, row: CallOffer) -> str:
        return str(row.offer)


class FamilyCallSerializer(serializers.ModelSerializer):
    publisher_name = serializers.CharField(source="publisher.name", read_only=True)
    terms = FamilyTermsSerializer(source="family_terms", read_only=True, allow_null=True)
    offers = FamilyCallOfferSerializer(source="call_offers", many=True, read_only=True)

    class Meta:
        model = Call
        fields = ["id", "code", "title", "summary", "kind", "publisher", "publisher_name", "opens_at", "closes_at",
                  "terms", "offers"]  # fmt: skip
        read_only_fields = fields


# --- applications --------------------------------------------------------------------------------


class ApplicationSerializer(serializers.ModelSerializer):
    """An application as the family's list shows it."""

    call_title = serializers.CharField(source="call.title", read_only=True)
    protocol = serializers.CharField(read_only=True, help_text="Empty until the first submission.")
    child_name = serializers.SerializerMethodField()

    class Meta:
        model = models.Application
        fields = ["id", "call", "call_title", "status", "protocol", "child", "child_name", "submitted_at",
                  "withdrawn_at", "created_at"]  # fmt: skip
        read_only_fields = fields

    def get_child_name(self, application: models.Application) -> str | None:
        return str(application.child) if application.child_id else None


class ApplicationChildSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = models.ApplicationChild
        fields = ["child", "name", "weeks"]
        read_only_fields = fields

    def get_name(self, row: models.ApplicationChild) -> str:
        return str(row.child)


class PreferenceSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = models.Preference
        fields = ["rank", "offer", "name"]
        read_only_fields = fields

    def get_name(self, row: models.Preference) -> str:
        return str(row.offer)


class VersionSerializer(serializers.ModelSerializer):
    """A submission: when, and which one (what it froze holds ISEE and health data and is not shown here)."""

    class Meta:
        model = models.ApplicationVersion
        fields = ["number", "submitted_at"]
        read_only_fields = fields


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.Attachment
        fields = ["id", "name", "kind", "content_type", "size"]
        read_only_fields = fields


class DeclarationSerializer(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField()


def is_open(application: models.Application) -> bool:
    """Whether the application's call takes changes now (as the summary page says)."""
    call = application.call
    return call.status == CallStatus.OPEN and clock.now() < call.closes_at


class ApplicationDetailSerializer(ApplicationSerializer):
    """An application: what it asks, its declarations, submissions and documents, and what still stops it."""

    closes_at = serializers.DateTimeField(source="call.closes_at", read_only=True)
    is_open = serializers.SerializerMethodField(help_text="Whether the call still takes changes and submissions.")
    filed_by_operator = serializers.SerializerMethodField(
        help_text="Whether a help-desk operator filed it on the family's behalf."
    )
    children = ApplicationChildSerializer(many=True, read_only=True)
    preferences = PreferenceSerializer(many=True, read_only=True)
    declarations = serializers.ListField(child=serializers.CharField(), read_only=True)
    declarations_to_make = serializers.SerializerMethodField(
        help_text="What the applicant declares: every code is sent to the declarations step."
    )
    versions = VersionSerializer(many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    problems = serializers.SerializerMethodField(
        help_text="While the call is open: why the application cannot be submitted yet, in words (empty: it can)."
    )

    class Meta(ApplicationSerializer.Meta):
        fields = [*ApplicationSerializer.Meta.fields, "closes_at", "is_open", "filed_by_operator", "children",
                  "preferences", "declarations", "declarations_to_make", "versions", "attachments", "problems"]  # fmt: skip
        read_only_fields = fields

    def get_is_open(self, application: models.Application) -> bool:
        return is_open(application)

    def get_filed_by_operator(self, application: models.Application) -> bool:
        return application.filed_by_id is not None

    @extend_schema_field(DeclarationSerializer(many=True))
    def get_declarations_to_make(self, application: models.Application) -> list[dict[str, str]]:
        return [{"code": code, "text": str(text)} for code, text in DECLARATIONS]

    def get_problems(self, application: models.Application) -> list[str]:
        if application.status == ApplicationStatus.WITHDRAWN or not is_open(application):
            return []
        return [str(p) for p in services.eligibility_problems(application)]


# --- the family's place in a ranking -------------------------------------------------------------


class CriterionPointsSerializer(serializers.Serializer):
    criterion = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named as Field.label (the metaclass takes it)
    points = serializers.IntegerField()
    detail = serializers.JSONField(help_text="The facts the points were given on.")


class ObjectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.Objection
        fields = ["id", "filed_at", "text", "status", "decision_reason", "decided_at"]
        read_only_fields = fields


class RankingPlaceSerializer(serializers.Serializer):
    """The application's place in the last published ranking of its call: the engine's record of it, in words too."""

    application = serializers.IntegerField()
    protocol = serializers.CharField()
    ranking = serializers.IntegerField(
        help_text="The published ranking (its public list: /famiglia/graduatorie/<id>/)."
    )
    version = serializers.IntegerField()
    status = serializers.ChoiceField(choices=RankingStatus.choices)
    published_at = serializers.DateTimeField()
    objections_until = serializers.DateTimeField(allow_null=True)
    eligible = serializers.BooleanField()
    excluded_by = serializers.ListField(child=serializers.CharField(), help_text="Why it was excluded, in words.")
    rank = serializers.IntegerField(allow_null=True)
    points = serializers.IntegerField()
    breakdown = CriterionPointsSerializer(many=True, help_text="The points, criterion by criterion.")
    outcome = serializers.CharField(allow_null=True)
    cutoff = serializers.JSONField(
        allow_null=True, help_text="The last application funded or placed: its pseudonymous id, points and rank."
    )
    requested_cents = serializers.IntegerField(allow_null=True)
    granted_cents = serializers.IntegerField(allow_null=True)
    explanation = serializers.ListField(child=serializers.CharField(), help_text="The same, in sentences.")
    objections = ObjectionSerializer(many=True)
    can_object = serializers.BooleanField()


# --- inputs --------------------------------------------------------------------------------------


class StartInput(serializers.Serializer):
    """Start (or resume: the same one again) an application to a family call.

    A family applies for its own household. A help-desk operator filing on a family's behalf finds the
    household as the desk's page does, by the tax code of one of its adults (``tax_code``).
    """

    call = serializers.PrimaryKeyRelatedField(queryset=Call.objects.none())
    child = serializers.IntegerField(
        required=False, allow_null=True, help_text="The child it is for, when the call takes one application per child."
    )
    tax_code = serializers.CharField(
        required=False,
        max_length=16,
        validators=[models.validate_person_tax_code],
        help_text="Help-desk operators: the tax code of an adult of the household they file for.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            calls = restrict(Call.objects.filter(kind__in=FAMILY_CALL_KINDS), request.user, "view")
            self.fields["call"].queryset = calls  # type: ignore[attr-defined]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        user = self.context["request"].user
        child = attrs.get("child")
        household: models.Household | None
        if attrs.get("tax_code"):
            if not services.may_file_for(user):  # refused before the search: no tax code is confirmed to a family
                raise PermissionDenied(_("Only the family, or a help-desk operator on its behalf, may do this."))
            found = list(selectors.households_by_tax_code(attrs["tax_code"]))
            if len(found) > 1 and child:  # an adult in two households: the child tells which
                found = [h for h in found if any(c.pk == child for c in h.children.all())] or found
            if not found:
                raise serializers.ValidationError(
                    {
                        "tax_code": _(
                            "No household has an adult with this tax code. The family signs in (with SPID or CIE) "
                            "and enters its household first; the desk can help it do so."
                        )
                    }
                )
            if len(found) > 1:
                raise serializers.ValidationError(
                    {"child": _("Several households have an adult with this tax code: choose the child.")}
                )
            household = found[0]
        else:
            household = selectors.household_of(user)
            if household is None:
                raise serializers.ValidationError(_("Create your household first."))
        # As the call's page: a child of the household, else none (the service then asks to choose one).
        attrs["child"] = household.children.filter(pk=child).first() if child else None
        attrs["household"] = household
        return attrs


class ChildWeeksInput(serializers.Serializer):
    child = serializers.IntegerField()
    weeks = serializers.IntegerField(
        min_value=0, max_value=52, default=0, help_text="Weeks of care asked (calls that pay per week; else 0)."
    )


class ChildrenInput(serializers.Serializer):
    """The children the application is for (those left out are not in it), with the weeks of care of each."""

    children = ChildWeeksInput(many=True)


class PreferencesInput(serializers.Serializer):
    offers = serializers.ListField(
        child=serializers.IntegerField(min_value=1), max_length=20, help_text="Offer ids, the most wanted first."
    )


class DeclarationsInput(serializers.Serializer):
    declarations = serializers.ListField(
        child=serializers.ChoiceField(choices=[code for code, _text in DECLARATIONS]),
        help_text="Every code of declarations_to_make: the service refuses the step without all of them.",
    )


class PlaceSerializer(serializers.ModelSerializer):
    """A place offered to an application: where, its state, until when to answer."""

    offer_name = serializers.SerializerMethodField()
    municipality = serializers.CharField(source="offer.service.municipality.name", read_only=True)
    address = serializers.CharField(source="offer.service.address", read_only=True)

    class Meta:
        model = models.Place
        fields = ["id", "offer", "offer_name", "address", "municipality", "round", "status", "offered_at",
                  "answer_by", "answered_at", "enrolled_at"]  # fmt: skip
        read_only_fields = fields

    def get_offer_name(self, place: models.Place) -> str:
        from concilia.benefits.services import offer_name

        return offer_name(place.offer)


class PlaceAnswerInput(serializers.Serializer):
    accept = serializers.BooleanField(help_text="true: the family accepts the place; false: it refuses it.")
