"""factory_boy factories for the ecvet app."""

from decimal import Decimal

import factory

from ecvet.models import Qualification, Unit

from .factories import OrganisationFactory


class QualificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Qualification

    organisation = factory.SubFactory(OrganisationFactory)
    title_original = "Kosmetikas"
    title_en = "Beauty therapist"
    country = "LT"
    eqf_level = 4
    nqf_level = "4"
    sector = "Beauty"
    is_example = True


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    qualification = factory.SubFactory(QualificationFactory)
    reference = factory.Sequence(lambda n: f"BT-{n:02d}")
    title = factory.Sequence(lambda n: f"Facial treatments {n}")
    skills = "Analyses the client's skin type\nPerforms a deep-cleansing facial"
    knowledge = "Knows skin anatomy"
    ecvet_points = Decimal("6")
