from django.contrib.auth import views as auth_views
from django.urls import path

from notoneless.web import views

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="web/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.overview, name="overview"),
    path("schools/", views.school_list, name="school_list"),
    path("schools/export.xlsx", views.school_export, name="school_export"),
    path("schools/<int:school_id>/", views.school_detail, name="school_detail"),
    path("students/", views.student_search, name="student_search"),
    path("students/export.xlsx", views.student_export, name="student_export"),
    path("students/<int:student_id>/", views.student_detail, name="student_detail"),
    path(
        "persons/<int:person_id>/reveal-id/",
        views.reveal_id_number_view,
        name="reveal_id_number",
    ),
    path("imports/", views.import_upload, name="import_upload"),
    path("imports/history/", views.import_history, name="import_history"),
    path("imports/<int:run_id>/issues.xlsx", views.import_workbook, name="import_workbook"),
]
