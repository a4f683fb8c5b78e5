"""Shared steps of the workflow tests (issue 13): posting a move through the Django admin as a browser does."""

from __future__ import annotations

from django.urls import reverse


def admin_form_data(response) -> dict:
    """The admin change form as the browser posts it unchanged: its fields and every inline's forms."""
    data = {}

    def add(form):
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


def change_url(obj) -> str:
    """The record's admin change page."""
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def post_move(client, obj, name):
    """Press the admin's button for move `name` on the record's change page (the form posted unchanged)."""
    page = client.get(change_url(obj))
    return client.post(change_url(obj), {**admin_form_data(page), "_fsm_transition_to": name}, follow=True)
