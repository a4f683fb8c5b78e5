"""What the API shows of each resource: codes and slugs as identifiers (never integer keys), related
objects by their code or slug, and a learner's personal details only to those the portal shows them to."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from documents.models import RenderedDocument
from documents.registry import Renderable
from mobility.access import may_read_grant, sees_personal_details
from mobility.models import Learner, Mobility
from partners.models import Organisation, Partnership, PartnershipMember
from training_events.models import Session, TrainingEvent


class ReadSerializer(serializers.ModelSerializer):
    # Email and URL fields may be blank in the portal: in the schema they are plain strings, since "" is
    # not a valid "email" or "uri" (the responses must match the schema).

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.EmailField: serializers.CharField,
        models.URLField: serializers.CharField,
    }


@extend_schema_field({"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$", "example": "09:30"})
class LocalTimeField(serializers.TimeField):
    """A local time of the event's time zone, "HH:MM" (JSON Schema's "time" format wants an offset)."""

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


# --- organisations and partnerships --------------------------------------------------------------------


class OrganisationSerializer(ReadSerializer):
    # "type", as the portal labels it (and so the choice set does not share a name with a mobility's "kind").
    type = serializers.ChoiceField(source="kind", choices=Organisation.Kind.choices, read_only=True)
    country = serializers.CharField(source="country.code", read_only=True, help_text=_("ISO 3166-1 alpha-2."))

    class Meta:
        model = Organisation
        fields = [
            "slug",
            "short_name",
            "legal_name",
            "type",
            "country",
            "city",
            "address",
            "latitude",
            "longitude",
            "oid",
            "pic",
            "website",
            "email",
            "phone",
        ]
        read_only_fields = fields


class PartnershipMemberSerializer(ReadSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = PartnershipMember
        fields = ["organisation", "role"]
        read_only_fields = fields


class PartnershipSerializer(ReadSerializer):
    members = PartnershipMemberSerializer(many=True, read_only=True)

    class Meta:
        model = Partnership
        fields = [
            "slug",
            "acronym",
            "title",
            "project_number",
            "key_action",
            "action",
            "action_type",
            "call_year",
            "start_date",
            "end_date",
            "eu_grant",
            "objectives",
            "members",
        ]
        read_only_fields = fields


# --- learners ------------------------------------------------------------------------------------------


class LearnerPersonalSerializer(ReadSerializer):
    gender = serializers.ChoiceField(choices=Learner.Gender.choices, allow_blank=True, read_only=True)
    nationality = serializers.CharField(source="nationality.code", read_only=True, allow_blank=True)
    has_portal_account = serializers.SerializerMethodField()

    class Meta:
        model = Learner
        fields = [
            "date_of_birth",
            "gender",
            "nationality",
            "email",
            "has_portal_account",
            "fewer_opportunities",
            "special_needs",
            "guardian_name",
            "guardian_email",
            "guardian_phone",
            "consent_given_on",
        ]
        read_only_fields = fields

    def get_has_portal_account(self, learner) -> bool:
        return learner.user_id is not None


class LearnerSerializer(ReadSerializer):
    home_organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    anonymised = serializers.SerializerMethodField()
    personal = serializers.SerializerMethodField(
        help_text=_("Only for the home organisation's coordinators and the learner themself; otherwise null.")
    )

    class Meta:
        model = Learner
        fields = [
            "code",
            "first_name",
            "last_name",
            "home_organisation",
            "qualification_title",
            "eqf_level",
            "emergency_contact_name",
            "emergency_contact_phone",
            "anonymised",
            "created_at",
            "personal",
        ]
        read_only_fields = fields

    def get_anonymised(self, learner) -> bool:
        return learner.anonymised_at is not None

    @extend_schema_field(LearnerPersonalSerializer(allow_null=True))
    def get_personal(self, learner):
        request = self.context.get("request")
        if request is None or not sees_personal_details(request.user, learner):
            return None
        # One serializer for every learner of a list: building a ModelSerializer's fields costs ~1 ms each time.
        if getattr(self, "_personal", None) is None:
            self._personal = LearnerPersonalSerializer(context=self.context)
        return self._personal.to_representation(learner)


class LearnerCreateSerializer(serializers.Serializer):
    """A new learner: the portal's learner form decides what is valid (mobility.forms.LearnerForm)."""

    home_organisation = serializers.SlugField(
        help_text=_("Slug of an organisation of yours for which you manage mobilities.")
    )
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    gender = serializers.ChoiceField(choices=Learner.Gender.choices, required=False, allow_blank=True)
    nationality = serializers.CharField(
        max_length=2, required=False, allow_blank=True, help_text=_("ISO 3166-1 alpha-2 country code.")
    )
    email = serializers.EmailField(required=False, allow_blank=True)
    qualification_title = serializers.CharField(max_length=255, required=False, allow_blank=True)
    eqf_level = serializers.IntegerField(min_value=1, max_value=8, required=False, allow_null=True)
    fewer_opportunities = serializers.BooleanField(required=False, default=False)
    special_needs = serializers.BooleanField(required=False, default=False)
    emergency_contact_name = serializers.CharField(max_length=160, required=False, allow_blank=True)
    emergency_contact_phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    guardian_name = serializers.CharField(
        max_length=160, required=False, allow_blank=True, help_text=_("Required for learners under 18.")
    )
    guardian_email = serializers.EmailField(required=False, allow_blank=True)
    guardian_phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    consent_given_on = serializers.DateField(required=False, allow_null=True)


# --- mobilities ----------------------------------------------------------------------------------------


class PersonSerializer(serializers.Serializer):
    code = serializers.UUIDField(read_only=True)
    name = serializers.SerializerMethodField()
    email = serializers.EmailField(read_only=True)

    def get_name(self, user) -> str:
        return user.get_full_name() or user.email


class LearnerRefSerializer(ReadSerializer):
    class Meta:
        model = Learner
        fields = ["code", "first_name", "last_name"]
        read_only_fields = fields


class MobilitySerializer(ReadSerializer):
    learner = LearnerRefSerializer(read_only=True)
    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    sending_organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    receiving_organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    tutor = PersonSerializer(read_only=True, allow_null=True)
    mentor = PersonSerializer(read_only=True, allow_null=True)
    tutor_responsibilities_display = serializers.CharField(
        source="get_tutor_responsibilities_display",
        read_only=True,
        help_text=_("The tutor's responsibilities in the request's language (the standard ones when none are typed)."),
    )
    mentor_responsibilities_display = serializers.CharField(
        source="get_mentor_responsibilities_display",
        read_only=True,
        help_text=_("The mentor's responsibilities in the request's language (the standard ones when none are typed)."),
    )
    inclusion_support_costs = serializers.DecimalField(
        max_digits=9,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text=_("Null for readers who may not read the grant (the host's staff, the mentor)."),
    )

    class Meta:
        model = Mobility
        fields = [
            "code",
            "status",
            "uses_ecvet",
            "kind",
            "learner",
            "partnership",
            "sending_organisation",
            "receiving_organisation",
            "start_date",
            "end_date",
            "travel_days",
            "virtual_start",
            "virtual_end",
            "virtual_platform",
            "virtual_hours",
            "virtual_activities",
            "host_company",
            "host_address",
            "host_sector",
            "host_contact_name",
            "host_contact_email",
            "host_contact_phone",
            "planned_activities",
            "tutor",
            "tutor_responsibilities",
            "tutor_responsibilities_display",
            "mentor",
            "mentor_responsibilities",
            "mentor_responsibilities_display",
            "distance_km",
            "green_travel",
            "inclusion_support_costs",
            "expensive_travel_costs",
            "ols_licence",
            "activity_id",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def to_representation(self, mobility):
        data = super().to_representation(mobility)
        request = self.context.get("request")
        if request is None or not may_read_grant(request.user, mobility):
            data["inclusion_support_costs"] = None  # it tells that the learner has fewer opportunities
        return data


class MobilityCreateSerializer(serializers.Serializer):
    """A new mobility (status "draft"): the portal's mobility form decides what is valid
    (mobility.forms.MobilityForm and mobility.services.mobilities.mobility_errors)."""

    learner = serializers.UUIDField(help_text=_("Code of a learner of an organisation you manage mobilities for."))
    partnership = serializers.SlugField(help_text=_("Slug of a partnership the learner's organisation belongs to."))
    receiving_organisation = serializers.SlugField(help_text=_("Slug of another member of that partnership."))
    kind = serializers.ChoiceField(choices=Mobility.Kind.choices, required=False, default=Mobility.Kind.SHORT_TERM)
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    travel_days = serializers.IntegerField(min_value=0, max_value=6, required=False, default=2)
    green_travel = serializers.BooleanField(required=False, default=False)
    inclusion_support_costs = serializers.DecimalField(
        max_digits=9, decimal_places=2, min_value=Decimal("0"), required=False, default=Decimal("0")
    )
    expensive_travel_costs = serializers.DecimalField(
        max_digits=9,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
        default=Decimal("0"),
        help_text=_("The real travel cost, only when the distance band covers less than 70 % of it."),
    )
    ols_licence = serializers.BooleanField(required=False, default=False)
    virtual_start = serializers.DateField(required=False, allow_null=True)
    virtual_end = serializers.DateField(required=False, allow_null=True)
    virtual_platform = serializers.CharField(max_length=120, required=False, allow_blank=True)
    virtual_hours = serializers.IntegerField(min_value=1, max_value=32767, required=False, allow_null=True)
    virtual_activities = serializers.CharField(required=False, allow_blank=True)
    host_company = serializers.CharField(max_length=200, required=False, allow_blank=True)
    host_address = serializers.CharField(required=False, allow_blank=True)
    host_sector = serializers.CharField(max_length=120, required=False, allow_blank=True)
    host_contact_name = serializers.CharField(max_length=160, required=False, allow_blank=True)
    host_contact_email = serializers.EmailField(required=False, allow_blank=True)
    host_contact_phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    planned_activities = serializers.CharField(required=False, allow_blank=True)
    tutor = serializers.EmailField(
        required=False, allow_blank=True, help_text=_("Email of a member of staff of the sending organisation.")
    )
    tutor_responsibilities = serializers.CharField(required=False, allow_blank=True)
    mentor = serializers.EmailField(
        required=False, allow_blank=True, help_text=_("Email of a portal user at the receiving organisation.")
    )
    mentor_responsibilities = serializers.CharField(required=False, allow_blank=True)
    distance_km = serializers.IntegerField(
        min_value=0,
        max_value=2147483647,
        required=False,
        allow_null=True,
        help_text=_("Leave out to compute it from the two organisations' coordinates."),
    )
    uses_ecvet = serializers.BooleanField(
        required=False,
        help_text=_("Whether the ECVET chain decides the status; leave out to take the partnership's setting."),
    )

    def validate(self, attrs):
        given = self.initial_data.get("status") if hasattr(self.initial_data, "get") else None
        if given not in (None, "", Mobility.Status.DRAFT):
            # Not silently ignored: a client that thinks it set a status must learn that it did not.
            raise serializers.ValidationError(
                {
                    "status": [
                        _(
                            "A new mobility starts as draft; its status then moves only through its workflow, "
                            "as its documents allow."
                        )
                    ]
                }
            )
        return attrs


# --- documents -----------------------------------------------------------------------------------------


class DocumentSerializer(ReadSerializer):
    """A sealed PDF of an ECVET document (learning agreement, memorandum, personal transcript, Europass
    Mobility) or of a training certificate: its state, hashes and links, never the file's path."""

    document_type = serializers.SerializerMethodField(
        help_text=_("learning-agreement, memorandum, transcript, europass, certificate…")
    )
    document_label = serializers.SerializerMethodField()
    document_code = serializers.SerializerMethodField(help_text=_("Code of the document this PDF seals."))
    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    mobility = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    download_url = serializers.SerializerMethodField(
        help_text=_("The PDF (same token; the portal's download rules); null until the PDF is ready.")
    )
    verification_url = serializers.SerializerMethodField(
        help_text=_("The public verification page; null until the PDF is ready.")
    )

    class Meta:
        model = RenderedDocument
        fields = [
            "code",
            "document_type",
            "document_label",
            "document_code",
            "partnership",
            "mobility",
            "status",
            "content_sha256",
            "file_sha256",
            "file_size",
            "pages",
            "signer",
            "created_at",
            "finished_at",
            "revoked_at",
            "download_url",
            "verification_url",
        ]
        read_only_fields = fields

    def _spec(self, row) -> Renderable | None:
        return Renderable.registry.get(row.content_type.model_class())

    def get_document_type(self, row) -> str:
        spec = self._spec(row)
        return spec.slug if spec else row.content_type.model

    def get_document_label(self, row) -> str:
        spec = self._spec(row)
        return str(spec.label()) if spec else row.content_type.name

    @extend_schema_field(serializers.UUIDField(allow_null=True))
    def get_document_code(self, row):
        document = row.document
        return getattr(document, "code", None) if document is not None else None

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_download_url(self, row):
        if row.status != RenderedDocument.Status.READY:
            return None
        return self._absolute(reverse("api:document-download", kwargs={"code": row.code}))

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_verification_url(self, row):
        if row.status != RenderedDocument.Status.READY:
            return None
        return self._absolute(row.get_verify_url())


# --- training events -----------------------------------------------------------------------------------


class SessionSerializer(ReadSerializer):
    start_time = LocalTimeField(read_only=True)
    end_time = LocalTimeField(read_only=True)

    class Meta:
        model = Session
        fields = ["day", "start_time", "end_time", "title", "speaker", "room"]
        read_only_fields = fields


class TrainingEventSerializer(ReadSerializer):
    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    host_organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    sessions = SessionSerializer(many=True, read_only=True)

    class Meta:
        model = TrainingEvent
        fields = [
            "code",
            "title",
            "topic",
            "format",
            "partnership",
            "host_organisation",
            "venue",
            "city",
            "online_link",
            "time_zone",
            "start_date",
            "end_date",
            "capacity_per_organisation",
            "description",
            "learning_outcomes",
            "is_public",
            "sessions",
        ]
        read_only_fields = fields


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
