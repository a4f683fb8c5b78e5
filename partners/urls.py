from django.urls import path

from .views import organisations, partnerships, people, strategy, waiting

app_name = "partners"

urlpatterns = [
    path("organisations/", organisations.organisation_list, name="organisation_list"),
    path("organisations/<slug:slug>/", organisations.organisation_detail, name="organisation_detail"),
    path("organisations/<slug:slug>/edit/", organisations.organisation_edit, name="organisation_edit"),
    path("organisations/<slug:slug>/people/", organisations.organisation_people, name="organisation_people"),
    path("organisations/<slug:slug>/audit/", partnerships.organisation_audit, name="organisation_audit"),
    path("partnerships/", partnerships.partnership_list, name="partnership_list"),
    path("partnerships/new/", partnerships.partnership_create, name="partnership_create"),
    path("partnerships/<slug:slug>/", partnerships.partnership_detail, name="partnership_detail"),
    path("partnerships/<slug:slug>/edit/", partnerships.partnership_edit, name="partnership_edit"),
    path("partnerships/<slug:slug>/members/add/", partnerships.partnership_add_member, name="partnership_add_member"),
    path("partnerships/<slug:slug>/strategies/", partnerships.partnership_strategies, name="partnership_strategies"),
    path(
        "partnerships/<slug:slug>/strategies/<slug:org_slug>/start/", partnerships.strategy_start, name="strategy_start"
    ),
    path("partnerships/<slug:slug>/audit/", partnerships.partnership_audit, name="partnership_audit"),
    path("strategies/<uuid:code>/", strategy.strategy_detail, name="strategy_detail"),
    path("strategies/<uuid:code>/edit/", strategy.strategy_edit, name="strategy_edit"),
    path("strategies/<uuid:code>/goals/new/", strategy.goal_form, name="goal_create"),
    path("strategies/<uuid:code>/goals/<uuid:goal_code>/", strategy.goal_form, name="goal_edit"),
    path("goals/<uuid:goal_code>/indicators/new/", strategy.indicator_form, name="indicator_create"),
    path("goals/<uuid:goal_code>/indicators/<uuid:code>/", strategy.indicator_form, name="indicator_edit"),
    path("indicators/<uuid:code>/value/", strategy.indicator_value, name="indicator_value"),
    path("invitations/", people.invitation_list, name="invitation_list"),
    path("invitations/new/", people.invitation_create, name="invitation_create"),
    path("invitations/<uuid:code>/resend/", people.invitation_resend, name="invitation_resend"),
    path("invitations/<uuid:code>/revoke/", people.invitation_revoke, name="invitation_revoke"),
    path("invitations/accept/<str:token>/", people.invitation_accept, name="invitation_accept"),
    path("people/<uuid:code>/", people.membership_edit, name="membership_edit"),
    path("profile/", people.profile, name="profile"),
    path("waiting/", waiting.waiting, name="waiting"),
]
