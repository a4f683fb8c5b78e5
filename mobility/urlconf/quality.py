"""Quality area: checklists, mentor assessments, learner reports."""

from django.urls import path

from ..views import assessments, checklists, reports

urlpatterns = [
    path("mobilities/<uuid:code>/checklist/", checklists.checklist, name="checklist"),
    path("checklist-items/<uuid:code>/", checklists.checklist_item, name="checklist_item"),
    path("checklist-items/<uuid:code>/evidence/", checklists.evidence_download, name="evidence_download"),
    path("partnerships/<slug:slug>/checklist-template/", checklists.checklist_template, name="checklist_template"),
    path("mobilities/<uuid:code>/assessment/", assessments.assessment, name="assessment"),
    path("mobilities/<uuid:code>/assessment/outcomes/", assessments.assessment_items, name="assessment_items"),
    path("mobilities/<uuid:code>/assessment/correct/", assessments.assessment_correct, name="assessment_correct"),
    path("assessments/<uuid:code>/", assessments.assessment_version, name="assessment_version"),
    path("mobilities/<uuid:code>/report/", reports.report, name="report"),
    path("partnerships/<slug:slug>/survey-questions/", reports.survey_questions, name="survey_questions"),
    path("partnerships/<slug:slug>/report-aggregates/", reports.report_aggregates, name="report_aggregates"),
]
