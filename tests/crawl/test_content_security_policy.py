"""The demo's public and printable pages keep to the Content Security Policy (issue 17, point 3): the enforced
header, and no inline script, style or event handler without the response's nonce.

test_links.py checks the same of every page the crawl reaches from each demo account's dashboard; these are the
pages it does not start from: the ones a visitor opens without signing in, and the error pages.
"""

import pytest
from django.test import Client
from django.urls import reverse

from .accounts import ADMIN
from .pages import policy_problems


def problems(client: Client, url: str, status: int = 200) -> list[str]:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    assert "text/html" in response["Content-Type"], url
    return [f"{url}: {p}" for p in policy_problems(response, response.content.decode())]


def test_public_pages_keep_to_the_policy(demo_world, db):
    from documents.models import RenderedDocument

    sealed = RenderedDocument.objects.filter(status=RenderedDocument.Status.READY).order_by("pk").first()
    client = Client()
    found = []
    for url in [
        reverse("account_login"),
        reverse("account_signup"),
        reverse("account_reset_password"),
        reverse("dissemination:public_page", kwargs={"slug": "vision"}),
        reverse("documents:verify", kwargs={"token": sealed.verify_token}),
    ]:
        found += problems(client, url)
    found += problems(client, "/no-such-page/", status=404)
    assert found == []


@pytest.mark.parametrize(
    ("name", "model"),
    [
        ("ecvet:agreement_print", "LearningAgreementVersion"),
        ("ecvet:memorandum_print", "Memorandum"),
        ("ecvet:grant_print", "GrantAgreement"),
        ("ecvet:transcript_print", "Transcript"),
        ("ecvet:europass_print", "EuropassMobility"),
    ],
)
def test_print_views_keep_to_the_policy(demo_world, db, name, model):
    from ecvet import models

    document = getattr(models, model).objects.order_by("pk").first()
    client = Client()
    client.force_login(demo_world.user(ADMIN))
    assert problems(client, reverse(name, kwargs={"code": document.code})) == []
