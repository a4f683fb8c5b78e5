"""Django admin: every registered model's list, add and change pages work for an administrator."""

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

READ_ONLY = {"partners.auditentry", "ecvet.approval", "documents.rendereddocument", "ecvet.grantagreement"}


def registered():
    return sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.mark.parametrize("model", registered(), ids=lambda m: m._meta.label_lower)
def test_admin_pages_render_for_every_model(world, client_for, model):
    client = client_for(world.admin)
    meta = model._meta
    changelist = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"), {"q": "a"})
    assert changelist.status_code == 200
    add = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
    assert add.status_code == (403 if meta.label_lower in READ_ONLY else 200)
    obj = model._default_manager.first()
    if obj is not None:
        change = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk]))
        assert change.status_code == 200
        assert str(obj)[:20] in change.content.decode() or meta.label_lower in READ_ONLY


def test_partner_coordinator_is_refused_by_the_admin(world, client_for):
    response = client_for(world.partner_b).get(reverse("admin:partners_organisation_changelist"))
    assert response.status_code in (302, 403)
    assert b"Beta College" not in response.content


def test_the_mobility_list_filters_by_start_year_offered_from_the_first_to_the_last(world, client_for):
    from datetime import date

    from tests.factories_mobility import MobilityFactory

    early = MobilityFactory(partnership=world.p1, start_date=date(2022, 3, 1), end_date=date(2022, 3, 20))
    late = MobilityFactory(partnership=world.p1, start_date=date(2024, 10, 1), end_date=date(2024, 10, 20))
    client = client_for(world.admin)
    url = reverse("admin:mobility_mobility_changelist")
    page = client.get(url)
    years = [choice["display"] for choice in page.context["cl"].filter_specs[2].choices(page.context["cl"])]
    # After "All": every year from the last start to the first, newest first, 2023 (no stay) included.
    assert years[0] != "2024" and {"2024", "2023", "2022"} <= set(years[1:])
    assert [int(y) for y in years[1:]] == list(range(int(years[1]), int(years[-1]) - 1, -1))
    listed = client.get(url, {"start_year": "2022"}).context["cl"].result_list
    assert early in listed and late not in listed
