"""Budgets (travel grant and individual support) and bulk import of learners and mobilities."""

from django.urls import path

from ..views import budget, imports

urlpatterns = [
    path("partnerships/<slug:slug>/budget/", budget.partnership_budget, name="partnership_budget"),
    path("partnerships/<slug:slug>/budget.csv", budget.partnership_budget_csv, name="partnership_budget_csv"),
    path("organisations/<slug:slug>/budget/", budget.organisation_budget, name="organisation_budget"),
    path("organisations/<slug:slug>/budget.csv", budget.organisation_budget_csv, name="organisation_budget_csv"),
    path("imports/", imports.import_upload, name="import"),
    path("imports/confirm/", imports.import_confirm, name="import_confirm"),
    path(
        "imports/templates/<str:kind>.<str:fmt>",
        imports.import_template,
        name="import_template",
    ),
]
