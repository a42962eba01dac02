"""The dropout-control pages, mounted at ``retention/``."""

from django.urls import path

from notoneless.retention.views import attendance, cases, risk

urlpatterns = [
    path("", cases.dashboard, name="retention_dashboard"),
    path("cases/", cases.case_list, name="retention_cases"),
    path("cases/export.xlsx", cases.case_export, name="retention_cases_export"),
    path("cases/<int:case_id>/", cases.case_detail, name="retention_case"),
    path("cases/<int:case_id>/steps/<str:kind>/", cases.record_step, name="retention_step"),
    path("cases/<int:case_id>/close/", cases.close, name="retention_close"),
    path("cases/<int:case_id>/notice.pdf", cases.notice, name="retention_notice"),
    path("risk/", risk.ranked_list, name="retention_risk"),
    path("risk/export.xlsx", risk.ranked_export, name="retention_risk_export"),
    path("attendance/", attendance.sheet, name="retention_attendance"),
    path("attendance/mark/", attendance.mark, name="retention_attendance_mark"),
]
