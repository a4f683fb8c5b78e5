"""A change to any row of a rule set moves the rule set's `updated_at` on, so cached rows are read again
(funding.pricing.Rules.load). Rows changed with QuerySet.update() bypass this: change them one by one (the
admin and the services do)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from .models import CountryGroup, DailyRate, OrganisationalSupportRate, RuleSet, TravelBand

ROW_MODELS = (TravelBand, CountryGroup, DailyRate, OrganisationalSupportRate)


def touch(rule_set_id: int) -> None:
    """Mark the rule set changed (after rows were written in bulk)."""
    RuleSet.objects.filter(pk=rule_set_id).update(updated_at=timezone.now())


@receiver(post_save)
@receiver(post_delete)
def touch_rule_set(sender, instance, **kwargs):
    if sender in ROW_MODELS:
        touch(instance.rule_set_id)
