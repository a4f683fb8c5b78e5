"""factory_boy factories for the mobility app."""

from datetime import date, timedelta

import factory

from mobility.models import (
    AssessmentItem,
    ChecklistItem,
    Learner,
    LearnerReport,
    MentorAssessment,
    Mobility,
    SurveyQuestion,
)

from .factories import OrganisationFactory, PartnershipFactory


class LearnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Learner

    home_organisation = factory.SubFactory(OrganisationFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = date(2001, 5, 17)
    gender = Learner.Gender.FEMALE
    nationality = "LT"
    email = factory.Sequence(lambda n: f"learner{n}@example.org")
    qualification_title = "Beauty therapist"
    eqf_level = 4
    consent_given_on = date(2020, 9, 1)


class MobilityFactory(factory.django.DjangoModelFactory):
    """A mobility inside the default partnership period (2019-10-01 – 2022-06-30)."""

    class Meta:
        model = Mobility

    learner = factory.SubFactory(LearnerFactory)
    partnership = factory.SubFactory(PartnershipFactory)
    sending_organisation = factory.LazyAttribute(lambda o: o.learner.home_organisation)
    receiving_organisation = factory.SubFactory(OrganisationFactory)
    kind = Mobility.Kind.SHORT_TERM
    start_date = date(2021, 4, 12)
    end_date = factory.LazyAttribute(lambda o: o.start_date + timedelta(days=27))
    travel_days = 2
    host_company = "Salon Bella"
    host_sector = "Beauty salon"
    planned_activities = "Skin care treatments under supervision."


class ChecklistItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChecklistItem

    mobility = factory.SubFactory(MobilityFactory)
    title = factory.Sequence(lambda n: f"Checklist item {n}")
    category = "preparation"
    responsible = "sending"
    due_date = date(2021, 4, 1)


class AssessmentItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssessmentItem

    mobility = factory.SubFactory(MobilityFactory)
    text = factory.Sequence(lambda n: f"Performs facial treatment step {n} safely")


class MentorAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentorAssessment

    mobility = factory.SubFactory(MobilityFactory)


class SurveyQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyQuestion

    partnership = factory.SubFactory(PartnershipFactory)
    text = factory.Sequence(lambda n: f"How satisfied were you with aspect {n}?")


class LearnerReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearnerReport

    mobility = factory.SubFactory(MobilityFactory)
