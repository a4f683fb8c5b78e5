from django.urls import path

from . import views

app_name = "placements"

urlpatterns = [
    path("", views.index, name="index"),
    path("catalogue/<slug:slug>/", views.catalogue, name="catalogue"),
    path("hosts/", views.host_list, name="host_list"),
    path("hosts/new/", views.host_create, name="host_create"),
    path("hosts/<uuid:code>/", views.host_detail, name="host_detail"),
    path("hosts/<uuid:code>/edit/", views.host_edit, name="host_edit"),
    path("hosts/<uuid:code>/placements/new/", views.placement_create, name="placement_create"),
    path("<uuid:code>/", views.placement_detail, name="placement_detail"),
    path("<uuid:code>/edit/", views.placement_edit, name="placement_edit"),
    path("<uuid:code>/move/", views.placement_move, name="placement_move"),
    path("<uuid:code>/place/", views.place_learner, name="place_learner"),
]
