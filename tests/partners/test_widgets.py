"""partners.widgets.FastSelect writes the markup Django's Select writes, without a template per option."""

from __future__ import annotations

import re

import pytest
from django import forms

from partners.models import User
from partners.widgets import FastSelect

CHOICES = [("", "---------"), (1, "Anna <b>“Ő”</b>"), ("Group & co", [(2, "Two"), (3, "Three")])]
ATTRS = {"id": "id_mentor", "class": "form-select", "required": True, "disabled": False, "aria-describedby": 'a"b'}


def normalised(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()


@pytest.mark.parametrize("value", [None, "", 1, "3", 9])
def test_it_writes_what_djangos_select_writes(value):
    django = forms.Select(choices=CHOICES).render("mentor", value, dict(ATTRS))
    fast = FastSelect(choices=CHOICES).render("mentor", value, dict(ATTRS))
    assert normalised(fast) == normalised(django)
    assert "&lt;b&gt;" in fast and 'aria-describedby="a&quot;b"' in fast and "disabled" not in fast


def test_a_model_choice_field_renders_alike_with_its_label_and_the_chosen_person(world):
    field = forms.ModelChoiceField(queryset=User.objects.order_by("pk"))
    chosen = world.mentor_b.pk
    django = forms.Select(choices=field.choices).render("mentor", chosen, {"id": "id_mentor"})
    fast = FastSelect(choices=field.choices).render("mentor", chosen, {"id": "id_mentor"})
    assert normalised(fast) == normalised(django)
    assert f'<option value="{chosen}" selected>' in fast
