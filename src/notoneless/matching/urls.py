"""The matching pages, mounted at ``matching/``."""

from django.urls import path

from notoneless.matching import views

urlpatterns = [
    path("", views.index, name="matching_index"),
    path("run/", views.run_view, name="matching_run"),
    path("review/", views.queue, name="matching_review"),
    path("review/<int:pair_id>/decide/", views.decide, name="matching_decide"),
    path("review/<int:pair_id>/undo/", views.undo, name="matching_undo"),
    path("findings/<str:kind>/", views.findings, name="matching_findings"),
    path("findings/<str:kind>/export.xlsx", views.findings_xlsx, name="matching_findings_xlsx"),
    path("verify/<int:finding_id>/", views.verify, name="matching_verify"),
]
