"""factory_boy factories for the placements app."""

from datetime import date, timedelta

import factory

from partners.models import PartnershipMember
from partners.models.people import Role
from placements.models import HostCompany, Placement, Sector

from .factories import MembershipFactory, OrganisationFactory, PartnershipFactory


class HostCompanyFactory(factory.django.DjangoModelFactory):
    """A beauty salon kept by an organisation; `mentors=[user, …]` adds mentors (they must hold a mentor
    membership at the organisation: see `mentor_at`)."""

    class Meta:
        model = HostCompany
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Salon Bella {n}")
    street = "Laisvės al. 10"
    postcode = "44240"
    city = factory.LazyAttribute(lambda o: o.organisation.city or "Kaunas")
    country = factory.LazyAttribute(lambda o: o.organisation.country or "LT")
    sector = Sector.BEAUTY_CARE
    occupations = "Beautician, nail technician"
    languages = "English"
    contact_name = factory.Faker("name")
    contact_email = factory.Sequence(lambda n: f"host{n}@example.com")
    accessibility = "Step-free entrance."
    insurance_notes = "Liability insurance covers trainees."

    @factory.post_generation
    def mentors(self, create, extracted, **kwargs):
        if create and extracted:
            self.mentors.add(*extracted)


def mentor_at(organisation, **kwargs):
    """A user with an active mentor membership at `organisation`."""
    return MembershipFactory(organisation=organisation, role=Role.MENTOR, **kwargs).user


class PlacementFactory(factory.django.DjangoModelFactory):
    """A published placement with one mentor of its host, in a partnership the host's organisation belongs to
    (a new partnership with it as a partner unless one is given)."""

    class Meta:
        model = Placement

    host = factory.SubFactory(HostCompanyFactory)
    partnership = factory.LazyAttribute(lambda o: PartnershipFactory(partners=[o.host.organisation]))
    title = factory.Sequence(lambda n: f"Beauty care placement {n}")
    occupation = "Beautician"
    eqf_level = 4
    start_date = date(2021, 4, 12)
    end_date = factory.LazyAttribute(lambda o: o.start_date + timedelta(days=27))
    places = 2
    languages = "English"
    conditions = "Monday to Friday, 8 hours a day."
    mentor = factory.LazyAttribute(lambda o: _host_mentor(o.host))
    status = Placement.Status.PUBLISHED

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # The status is protected (moved only by partners.workflow.move): a factory sets it on a new row.
        placement = model_class(*args, **kwargs)
        placement.save()
        member = PartnershipMember.objects.filter(
            partnership=placement.partnership, organisation=placement.host.organisation
        )
        if not member.exists():
            PartnershipMember.objects.create(
                partnership=placement.partnership,
                organisation=placement.host.organisation,
                role=PartnershipMember.Role.PARTNER,
            )
        return placement


def _host_mentor(host):
    mentor = host.mentors.first()
    if mentor is None:
        mentor = mentor_at(host.organisation)
        host.mentors.add(mentor)
    return mentor
