from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("aid/", include("notoneless.aid.urls")),
    path("matching/", include("notoneless.matching.urls")),
    path("retention/", include("notoneless.retention.urls")),
    path("care/", include("notoneless.care.urls")),
    path("inclusion/", include("notoneless.inclusion.urls")),
    path("outreach/", include("notoneless.outreach.urls")),
    path("balance/", include("notoneless.schools.urls")),
    path("jobs/", include("notoneless.jobs.urls")),
    path("", include("notoneless.web.urls")),
]
