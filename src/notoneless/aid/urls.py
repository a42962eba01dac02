"""The aid pages, mounted at ``aid/``. A term in a path is its code, e.g. ``2020-autumn``."""

from django.urls import path, register_converter

from notoneless.aid.views import ledger, packs, schools, students, terms


class TermCodeConverter:
    regex = r"\d{4}-(?:autumn|spring)"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(TermCodeConverter, "aid_term")

urlpatterns = [
    path("", terms.overview, name="aid_overview"),
    path("<aid_term:term>/compute/", terms.compute_view, name="aid_compute"),
    path("<aid_term:term>/compile/", terms.compile_view, name="aid_compile"),
    path("<aid_term:term>/approve/", terms.approve_view, name="aid_approve"),
    path("<aid_term:term>/reopen/", terms.reopen_view, name="aid_reopen"),
    path("<aid_term:term>/schools/", schools.schools, name="aid_schools"),
    path(
        "<aid_term:term>/schools/<int:school_id>/",
        schools.school_list,
        name="aid_school_list",
    ),
    path(
        "<aid_term:term>/schools/<int:school_id>/submit/",
        schools.submit_list,
        name="aid_submit_list",
    ),
    path(
        "<aid_term:term>/schools/<int:school_id>/return/",
        schools.return_list,
        name="aid_return_list",
    ),
    path(
        "<aid_term:term>/students/<int:student_id>/explain/",
        students.explain,
        name="aid_explain",
    ),
    path("<aid_term:term>/gaps/", students.gaps, name="aid_gaps"),
    path("packs/", packs.packs, name="aid_packs"),
    path("packs/preview/", packs.preview_pack, name="aid_pack_preview"),
    path("packs/install/", packs.install_pack, name="aid_pack_install"),
    path("ledger/", ledger.ledger, name="aid_ledger"),
    path("ledger.csv", ledger.ledger_csv, name="aid_ledger_csv"),
    path("ledger.xlsx", ledger.ledger_xlsx, name="aid_ledger_xlsx"),
]
