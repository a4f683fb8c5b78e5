"""Evaluation (questions, answers, results) and certificates of attendance; mounted at /training/."""

from django.urls import path

from ..views import evaluation as views

urlpatterns = [
    path("events/<uuid:code>/questions/", views.question_list, name="question_list"),
    path("events/<uuid:code>/questions/<uuid:question_code>/", views.question_edit, name="question_edit"),
    path("events/<uuid:code>/questions/<uuid:question_code>/delete/", views.question_delete, name="question_delete"),
    path("events/<uuid:code>/evaluation/", views.evaluation_answer, name="evaluation_answer"),
    path("events/<uuid:code>/evaluation/results/", views.evaluation_results, name="evaluation_results"),
    path("events/<uuid:code>/certificates/", views.certificate_list, name="certificate_list"),
    path("certificates/<uuid:code>/", views.certificate_detail, name="certificate_detail"),
    path("certificates/", views.my_certificates, name="my_certificates"),
]
