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
