"""factory_boy factories for the selection app (calls, criteria, applications, panel, scores)."""

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from selection.models import Application, ApplicationDocument, Call, Criterion, PanelMember, Score

from .factories import OrganisationFactory, PartnershipFactory, UserFactory

# Smallest files the upload checks accept (type by extension and leading bytes).
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class CallFactory(factory.django.DjangoModelFactory):
    """A call of `organisation` in a partnership it coordinates. Pass status=Call.Status.PUBLISHED (etc.) to
    start in another state (no history row: tests of the moves use `partners.workflow.move`)."""

    class Meta:
        model = Call
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    partnership = factory.LazyAttribute(lambda o: PartnershipFactory(coordinator=o.organisation))
    title = factory.Sequence(lambda n: f"Beauty placements abroad {n}")
    text = "Three weeks in a salon or spa of a partner country."
    title_local = factory.Sequence(lambda n: f"Praktika užsienyje {n}")
    text_local = "Trys savaitės grožio salone."
    destinations = "Beauty salons in Italy and Finland"
    places = 3
    qualification_title = ""
    eqf_min = 3
    eqf_max = 4
    age_min = 16
    age_max = 30
    study_years = factory.LazyFunction(lambda: [2, 3])
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=7))
    deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    fewer_opportunities_points = Decimal("5")

    @factory.post_generation
    def criteria(self, create, extracted, **kwargs):
        """Two criteria unless criteria=[] or a list of (name, weight, max_points) is given."""
        if not create:
            return
        specs = extracted if extracted is not None else [("Motivation", "2", 10), ("Professional skills", "1", 10)]
        for order, (name, weight, max_points) in enumerate(specs):
            Criterion.objects.create(
                call=self, name=name, weight=Decimal(str(weight)), max_points=max_points, order=order
            )


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    call = factory.SubFactory(CallFactory, criteria=[])
    name = factory.Sequence(lambda n: f"Criterion {n}")
    weight = Decimal("1")
    max_points = 10
    order = factory.Sequence(lambda n: n)


class ApplicationFactory(factory.django.DjangoModelFactory):
    """An application (status `submitted` and e-mail confirmed unless told otherwise) by an adult of EQF 4 in
    year 2 who gave consent; pass documents=True for a motivation letter and CV."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    call = factory.SubFactory(CallFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"applicant{n}@example.org")
    date_of_birth = date(2005, 3, 14)
    qualification_title = "Beautician"
    eqf_level = 4
    study_year = 2
    language = "lt"
    status = Application.Status.SUBMITTED
    email_verified_at = factory.LazyFunction(timezone.now)
    submitted_at = factory.LazyFunction(timezone.now)
    consent_at = factory.LazyFunction(timezone.now)
    privacy_notice_version = "2026-12"

    @factory.post_generation
    def documents(self, create, extracted, **kwargs):
        if create and extracted:
            for kind in (ApplicationDocument.Kind.MOTIVATION, ApplicationDocument.Kind.CV):
                ApplicationDocumentFactory(application=self, kind=kind)


class ApplicationDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicationDocument

    application = factory.SubFactory(ApplicationFactory)
    kind = ApplicationDocument.Kind.MOTIVATION
    file = factory.LazyAttribute(lambda o: ContentFile(PDF_BYTES, name=f"{o.kind}.pdf"))
    size = len(PDF_BYTES)


class PanelMemberFactory(factory.django.DjangoModelFactory):
    """A panel seat (no conflict declared unless declared=True)."""

    class Meta:
        model = PanelMember
        skip_postgeneration_save = True

    call = factory.SubFactory(CallFactory)
    user = factory.SubFactory(UserFactory)

    @factory.post_generation
    def declared(self, create, extracted, **kwargs):
        if create and extracted:
            self.declared_no_conflict_at = timezone.now()
            self.declaration = "I have no conflict of interest with any applicant."
            self.save(update_fields=["declared_no_conflict_at", "declaration"])


class ScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Score

    application = factory.SubFactory(ApplicationFactory)
    criterion = factory.LazyAttribute(lambda o: o.application.call.criteria.first())
    assessor = factory.SubFactory(UserFactory)
    points = Decimal("7")
