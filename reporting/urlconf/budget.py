"""The budget of a partnership: the grant against committed and spent, its CSV, recorded costs, the grant
split. Included under "reports/" by reporting/urls.py."""

from django.urls import path

from ..views import budget

urlpatterns = [
    path("<slug:slug>/budget/", budget.budget, name="budget"),
    path("<slug:slug>/budget.csv", budget.budget_csv, name="budget_csv"),
    path("<slug:slug>/budget/costs/", budget.cost_list, name="cost_list"),
    path("<slug:slug>/budget/costs/new/", budget.cost_create, name="cost_create"),
    path("<slug:slug>/budget/costs/<uuid:code>/edit/", budget.cost_edit, name="cost_edit"),
    path("<slug:slug>/budget/costs/<uuid:code>/delete/", budget.cost_delete, name="cost_delete"),
    path("<slug:slug>/budget/allocations/", budget.allocations, name="allocations"),
]
