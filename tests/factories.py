"""factory_boy factories for the partners app (later apps add their own modules)."""

from datetime import date, timedelta
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from partners.models import (
    AuditEntry,
    ContactPerson,
    Indicator,
    InternationalisationStrategy,
    Invitation,
    Membership,
    Organisation,
    Partnership,
    PartnershipMember,
    StrategyGoal,
    Topic,
    User,
)
from partners.models.people import Role

PASSWORD = "a-long-test-password-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """Save the password; give the user a verified primary address unless verified=False."""
        if not create:
            return
        self.save()
        if extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    slug = factory.Sequence(lambda n: f"org-{n}")
    short_name = factory.Sequence(lambda n: f"Org {n}")
    legal_name = factory.LazyAttribute(lambda o: f"{o.short_name} Vocational School")
    country = "LT"
    city = "Kaunas"


class ContactPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactPerson

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Faker("name")


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Topic {n}")


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"project-{n}")
    acronym = factory.Sequence(lambda n: f"PRJ{n}")
    title = factory.LazyAttribute(lambda o: f"Project {o.acronym}")
    project_number = factory.Sequence(lambda n: f"2019-1-LT01-KA202-{n:06d}")
    key_action = Partnership.KeyAction.KA2
    action = Partnership.Action.KA202  # as its project number says
    action_type = "Strategic Partnerships for vocational education and training (KA202)"
    call_year = 2019
    start_date = date(2019, 10, 1)
    end_date = date(2022, 6, 30)
    eu_grant = Decimal("136836.00")

    @factory.post_generation
    def coordinator(self, create, extracted, **kwargs):
        if create and extracted is not None:
            PartnershipMember.objects.create(
                partnership=self, organisation=extracted, role=PartnershipMember.Role.COORDINATOR
            )

    @factory.post_generation
    def partners(self, create, extracted, **kwargs):
        for org in extracted or []:
            PartnershipMember.objects.create(partnership=self, organisation=org, role=PartnershipMember.Role.PARTNER)


class MembershipFactory(factory.django.DjangoModelFactory):
    """A membership with the role's default rights unless rights are passed explicitly."""

    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.PARTNER_COORDINATOR

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        membership = model_class(*args, **{k: v for k, v in kwargs.items() if not k.startswith("can_")})
        membership.apply_default_rights()
        for key, value in kwargs.items():
            if key.startswith("can_"):
                setattr(membership, key, value)
        membership.save()
        return membership


class StrategyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InternationalisationStrategy

    partnership = factory.SubFactory(PartnershipFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    summary = "Internationalise the school."


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StrategyGoal

    strategy = factory.SubFactory(StrategyFactory)
    title = factory.Sequence(lambda n: f"Goal {n}")


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    goal = factory.SubFactory(GoalFactory)
    name = factory.Sequence(lambda n: f"Indicator {n}")
    unit = "learners"
    baseline_value = Decimal("0")
    target_value = Decimal("10")
    current_value = Decimal("4")
    due_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=90))


class InvitationFactory(factory.django.DjangoModelFactory):
    """An invitation; the plain token is left on the instance as `.token`."""

    class Meta:
        model = Invitation

    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.MENTOR
    invited_by = factory.SubFactory(UserFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        invitation = model_class(*args, **kwargs)
        invitation.token = invitation.new_token()
        invitation.save()
        return invitation


class AuditEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditEntry

    verb = AuditEntry.Verb.UPDATED
    object_type = "partners.organisation"
    object_code = factory.Sequence(str)
    object_repr = factory.Sequence(lambda n: f"Object {n}")
