"""The schools pages (精准补短), mounted at ``balance/``."""

from django.urls import path

from notoneless.schools.views import balance, itinerant, projects, staffing

urlpatterns = [
    path("", balance.index, name="schools_index"),
    path("indicators/", balance.indicators, name="schools_indicators"),
    path("indicators.xlsx", balance.indicators_xlsx, name="schools_indicators_xlsx"),
    path("schools/<int:school_id>/", balance.school, name="schools_school"),
    path(
        "schools/<int:school_id>/conditions/<int:year>/",
        balance.edit_conditions,
        name="schools_conditions",
    ),
    path("projects/", projects.project_list, name="schools_projects"),
    path("projects.xlsx", projects.projects_xlsx, name="schools_projects_xlsx"),
    path("projects/new/", projects.edit_project, name="schools_project_new"),
    path("projects/<int:project_id>/", projects.edit_project, name="schools_project"),
    path("staffing/", staffing.staffing, name="schools_staffing"),
    path("staffing.xlsx", staffing.staffing_xlsx, name="schools_staffing_xlsx"),
    path("training/", staffing.training, name="schools_training"),
    path("training.xlsx", staffing.training_xlsx, name="schools_training_xlsx"),
    path("itinerant/", itinerant.plan, name="schools_plan"),
    path("itinerant/new/", itinerant.make, name="schools_plan_make"),
    path("itinerant/<int:plan_id>/", itinerant.plan, name="schools_plan_detail"),
    path("itinerant/<int:plan_id>.xlsx", itinerant.plan_xlsx, name="schools_plan_xlsx"),
    path(
        "itinerant/<int:plan_id>/teachers/<int:teacher_id>/",
        itinerant.teacher_week,
        name="schools_teacher_week",
    ),
    path("my-week/", itinerant.my_week, name="schools_my_week"),
]
