"""API v1: read endpoints (list + detail) and the two write endpoints (new learner, new mobility).

Every queryset starts from `Model.objects.visible_to(request.user)`: exactly the portal's scope, so an
object outside it answers 404. Writes go through the portal's own forms and services, so the API accepts
exactly what the pages accept (400 with field errors otherwise) and leaves the same audit rows.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from documents import services as document_services
from documents.models import RenderedDocument
from mobility.access import home_organisation_choices, organisations_with_right
from mobility.forms.learners import LearnerForm
from mobility.forms.mobilities import MobilityForm
from mobility.models import Learner, Mobility
from mobility.services.mobilities import create_mobility
from partners import audit
from partners.models import AuditEntry, Organisation, Partnership, PartnershipMember
from partners.services import save_with_audit
from training_events.models import Session, TrainingEvent

from . import filters
from . import serializers as s
from .pagination import Pagination

# Anything up to the next slash: a malformed code reaches the view and gets a JSON 404, not an HTML page.
ANY_PATH = "[^/]+"

ERROR_RESPONSES = {
    401: OpenApiResponse(s.ErrorSerializer, description=_("No or an invalid, expired or revoked token.")),
    403: OpenApiResponse(s.ErrorSerializer, description=_("Signed in, but without the right for this.")),
}
BAD_QUERY = {400: OpenApiResponse(OpenApiTypes.OBJECT, description=_("A malformed filter or page parameter."))}
NOT_FOUND = {404: OpenApiResponse(s.ErrorSerializer, description=_("Unknown, or outside your scope."))}


def read_schema(tag: str, serializer, description: str):
    """The schema of a read-only viewset: list and detail with their error answers."""
    return extend_schema_view(
        list=extend_schema(
            tags=[tag], description=description, responses={200: serializer(many=True), **BAD_QUERY, **ERROR_RESPONSES}
        ),
        retrieve=extend_schema(tags=[tag], responses={200: serializer, **ERROR_RESPONSES, **NOT_FOUND}),
    )


class ScopedViewSet(viewsets.ReadOnlyModelViewSet):
    """Starts every query from the caller's visible set."""

    model = None
    lookup_field = "code"
    lookup_value_regex = ANY_PATH
    filter_backends = [DjangoFilterBackend, filters.StableOrderingFilter]
    pagination_class = Pagination

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user)


@read_schema("organisations", s.OrganisationSerializer, _("Organisations whose profile you may read."))
class OrganisationViewSet(ScopedViewSet):
    model = Organisation
    serializer_class = s.OrganisationSerializer
    lookup_field = "slug"
    filterset_class = filters.OrganisationFilter
    ordering_fields = ["short_name", "city", "country"]
    ordering = ["short_name"]


@read_schema("partnerships", s.PartnershipSerializer, _("Partnerships your organisation belongs to."))
class PartnershipViewSet(ScopedViewSet):
    model = Partnership
    serializer_class = s.PartnershipSerializer
    lookup_field = "slug"
    filterset_class = filters.PartnershipFilter
    ordering_fields = ["start_date", "end_date", "acronym", "call_year"]
    ordering = ["-start_date", "acronym"]

    def get_queryset(self):
        members = PartnershipMember.objects.select_related("organisation")
        return super().get_queryset().prefetch_related(Prefetch("members", queryset=members))


class CreateMixin:
    """POST through a portal form: 403 without the right anywhere, 400 with field errors, 201 with the
    object as the read endpoint shows it."""

    read_serializer = None

    def create(self, request, *args, **kwargs):
        incoming = self.get_serializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        obj = self.perform_create_from(incoming.validated_data)
        out = self.read_serializer(obj, context=self.get_serializer_context())
        return Response(out.data, status=status.HTTP_201_CREATED)


def form_errors(form) -> dict:
    errors = {}
    for field, messages in form.errors.items():
        errors["non_field_errors" if field == "__all__" else field] = list(messages)
    return errors


def service_errors(error: ValidationError, known) -> dict:
    errors: dict[str, list] = {}
    for field, messages in error.message_dict.items():
        key = field if field in known else "non_field_errors"
        errors.setdefault(key, []).extend(messages)
    return errors


def with_model_defaults(form_data: dict, form, given: dict) -> None:
    """A field left out of the request keeps the model's default, as the portal's form pre-fills it
    (a bound form would otherwise save it blank)."""
    model = form._meta.model
    for name in form.fields:
        if name in form_data or name in given:
            continue
        try:
            field = model._meta.get_field(name)
        except Exception:  # noqa: BLE001, S112 — a form-only field has no model default
            continue
        if field.has_default():
            form_data[name] = field.get_default()


WRITE_ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description=_("Field → list of messages.")),
    **ERROR_RESPONSES,
}


@extend_schema_view(
    list=extend_schema(
        tags=["learners"],
        description=_(
            "Learners you may see: your organisations' learners, the learners of the mobilities you see "
            "(coordinators, mentors) or yourself (learners). Personal details only where the portal shows them."
        ),
        responses={200: s.LearnerSerializer(many=True), **BAD_QUERY, **ERROR_RESPONSES},
    ),
    retrieve=extend_schema(
        tags=["learners"],
        description=_("Reading another person's record is recorded in the audit log."),
        responses={200: s.LearnerSerializer, **ERROR_RESPONSES, **NOT_FOUND},
    ),
    create=extend_schema(
        tags=["learners"],
        description=_("Enrol a learner at an organisation you manage mobilities for."),
        request=s.LearnerCreateSerializer,
        responses={201: s.LearnerSerializer, **WRITE_ERRORS},
    ),
)
class LearnerViewSet(CreateMixin, ScopedViewSet):
    model = Learner
    serializer_class = s.LearnerSerializer
    read_serializer = s.LearnerSerializer
    filterset_class = filters.LearnerFilter
    ordering_fields = ["last_name", "first_name", "created_at"]
    ordering = ["last_name", "first_name", "pk"]
    http_method_names = ["get", "post", "head", "options"]

    def get_serializer_class(self):
        return s.LearnerCreateSerializer if self.action == "create" else s.LearnerSerializer

    def get_queryset(self):
        return super().get_queryset().select_related("home_organisation")

    def retrieve(self, request, *args, **kwargs):
        learner = self.get_object()
        if learner.user_id != request.user.pk:
            # As the learner's page: reading a person's record is recorded.
            audit.record(
                actor=request.user,
                verb=AuditEntry.Verb.VIEWED,
                obj=learner,
                request=request,
                organisation=learner.home_organisation,
                details={"via": "api"},
            )
        return Response(self.get_serializer(learner).data)

    def perform_create_from(self, data):
        request = self.request
        organisations = home_organisation_choices(request.user)
        if not organisations.exists():
            raise PermissionDenied
        home = organisations.filter(slug=data["home_organisation"]).first()
        if home is None:
            raise serializers.ValidationError(
                {"home_organisation": [_("Unknown organisation, or you may not enrol learners there.")]}
            )
        form_data = {key: value for key, value in data.items() if value is not None}
        form_data["home_organisation"] = home.pk
        with_model_defaults(form_data, LearnerForm(organisations=organisations), data)
        form = LearnerForm(form_data, organisations=organisations)
        if not form.is_valid():
            raise serializers.ValidationError(form_errors(form))
        with transaction.atomic():
            return save_with_audit(form=form, by=request.user, request=request, organisation=home)


@extend_schema_view(
    list=extend_schema(
        tags=["mobilities"],
        description=_(
            "Mobilities you may see: your organisations' outgoing and incoming ones, every mobility of the "
            "partnerships you coordinate, those you mentor or tutor, your own."
        ),
        responses={200: s.MobilitySerializer(many=True), **BAD_QUERY, **ERROR_RESPONSES},
    ),
    retrieve=extend_schema(tags=["mobilities"], responses={200: s.MobilitySerializer, **ERROR_RESPONSES, **NOT_FOUND}),
    create=extend_schema(
        tags=["mobilities"],
        description=_(
            "Plan a mobility (created as a draft with its quality checklist) for a learner of an organisation "
            "you manage mobilities for."
        ),
        request=s.MobilityCreateSerializer,
        responses={201: s.MobilitySerializer, **WRITE_ERRORS},
    ),
)
class MobilityViewSet(CreateMixin, ScopedViewSet):
    model = Mobility
    serializer_class = s.MobilitySerializer
    read_serializer = s.MobilitySerializer
    filterset_class = filters.MobilityFilter
    ordering_fields = ["start_date", "end_date", "created_at", "status"]
    ordering = ["-start_date", "pk"]
    http_method_names = ["get", "post", "head", "options"]

    def get_serializer_class(self):
        return s.MobilityCreateSerializer if self.action == "create" else s.MobilitySerializer

    def get_queryset(self):
        return super().get_queryset().with_list_related()

    def perform_create_from(self, data):
        request = self.request
        sending_ids = list(organisations_with_right(request.user).values_list("pk", flat=True))
        if not sending_ids:
            raise PermissionDenied
        learners = Learner.objects.visible_to(request.user).filter(
            home_organisation_id__in=sending_ids, anonymised_at__isnull=True
        )
        learner = learners.filter(code=data["learner"]).select_related("home_organisation").first()
        if learner is None:
            raise serializers.ValidationError(
                {"learner": [_("Unknown learner, or not a learner of an organisation you send learners from.")]}
            )
        form = MobilityForm(
            None,
            user=request.user,
            learners=learners.filter(pk=learner.pk),
            sending_organisation_ids=[learner.home_organisation_id],
        )
        errors: dict[str, list] = {}
        lookups = {
            "partnership": ("slug", _("Unknown partnership, or not one of the learner's organisation.")),
            "receiving_organisation": ("slug", _("Unknown organisation, or not a member of your partnerships.")),
            "mentor": ("email__iexact", _("No portal user with this email may mentor at the receiving side.")),
            "tutor": ("email__iexact", _("No member of staff of the sending organisation has this email.")),
        }
        form_data = {key: value for key, value in data.items() if value not in (None, "") and key not in lookups}
        form_data["learner"] = learner.pk
        with_model_defaults(form_data, form, data)
        for field, (lookup, message) in lookups.items():
            value = data.get(field)
            if value in (None, ""):
                continue
            found = form.fields[field].queryset.filter(**{lookup: value}).values_list("pk", flat=True).first()
            if found is None:
                errors[field] = [message]
            else:
                form_data[field] = found
        if errors:
            raise serializers.ValidationError(errors)
        if "uses_ecvet" not in data and "partnership" in form_data:
            # Left out: the partnership's setting, as the portal's form pre-fills it.
            form_data["uses_ecvet"] = (
                Partnership.objects.filter(pk=form_data["partnership"]).values_list("uses_ecvet", flat=True).first()
            )
        form = MobilityForm(
            form_data,
            user=request.user,
            learners=learners.filter(pk=learner.pk),
            sending_organisation_ids=[learner.home_organisation_id],
        )
        if not form.is_valid():
            raise serializers.ValidationError(form_errors(form))
        try:
            mobility = create_mobility(mobility=form.instance, by=request.user, request=request)
        except ValidationError as error:
            raise serializers.ValidationError(service_errors(error, form.fields)) from None
        return self.get_queryset().get(pk=mobility.pk)


@read_schema(
    "documents",
    s.DocumentSerializer,
    _(
        "Sealed PDFs of the documents you may read: state (queued, rendering, ready, failed), hashes, the "
        "download link (the portal's own download, which may still answer 403 where the portal withholds "
        "the file, e.g. from a mentor) and the public verification page."
    ),
)
class DocumentViewSet(ScopedViewSet):
    model = RenderedDocument
    serializer_class = s.DocumentSerializer
    filterset_class = filters.DocumentFilter
    ordering_fields = ["created_at", "finished_at", "status"]
    ordering = ["-created_at", "pk"]

    @extend_schema(
        tags=["documents"],
        description=_(
            "The sealed PDF itself (ready PDFs only), through the portal's own download view: same scope, "
            "same 403 where the portal withholds the file, same audit row."
        ),
        filters=False,
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
            **ERROR_RESPONSES,
            **NOT_FOUND,
        },
    )
    @action(detail=True, methods=["get"], url_path="download", pagination_class=None)
    def download(self, request, code=None):
        try:
            uuid.UUID(str(code))
        except ValueError:
            raise Http404 from None
        # The portal's view, given the user the token authenticated (it is a plain Django view).
        request._request.user = request.user
        return document_services.serve_pdf(request._request, code)

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("content_type", "partnership", "mobility")
            .prefetch_related("document")
        )


@read_schema(
    "training-events",
    s.TrainingEventSerializer,
    _("Training events of your partnerships and those you are registered for, with their agenda."),
)
class TrainingEventViewSet(ScopedViewSet):
    model = TrainingEvent
    serializer_class = s.TrainingEventSerializer
    filterset_class = filters.TrainingEventFilter
    ordering_fields = ["start_date", "end_date", "title"]
    ordering = ["start_date", "title", "pk"]

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("partnership", "host_organisation")
            .prefetch_related(Prefetch("sessions", queryset=Session.objects.order_by("day", "start_time", "pk")))
        )
