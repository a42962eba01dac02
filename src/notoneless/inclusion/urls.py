"""The inclusion pages, mounted at ``inclusion/``."""

from django.urls import path

from notoneless.inclusion.views import placements, plans, sessions

urlpatterns = [
    path("", placements.index, name="inclusion_index"),
    path("placements/", placements.placement_list, name="inclusion_placements"),
    path("placements/export.xlsx", placements.placement_export, name="inclusion_placements_export"),
    path("placements/review-due/", placements.review_due, name="inclusion_review_due"),
    path("placements/propose-all/", placements.propose_all, name="inclusion_propose_all"),
    path("placements/<int:placement_id>/", placements.placement_detail, name="inclusion_placement"),
    path("placements/<int:placement_id>/decide/", placements.decide, name="inclusion_decide"),
    path("placements/<int:placement_id>/plan/", plans.plan_version, name="inclusion_plan_version"),
    path("children/<int:person_id>/propose/", placements.propose, name="inclusion_propose"),
    path("assess/", placements.assess, name="inclusion_assess"),
    path("plans/<int:plan_id>/", plans.plan_detail, name="inclusion_plan"),
    path("plans/<int:plan_id>/code/", plans.issue_code, name="inclusion_code"),
    path("plans/<int:plan_id>/pauses/", plans.add_pause, name="inclusion_pause"),
    path("plans/<int:plan_id>/sessions/new/", sessions.record_session, name="inclusion_session"),
    path(
        "sessions/<int:session_id>/<str:which>/",
        sessions.session_file,
        name="inclusion_session_file",
    ),
    path("compliance/", sessions.compliance, name="inclusion_compliance"),
]
