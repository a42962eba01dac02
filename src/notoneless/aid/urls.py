"""The aid pages, mounted at ``aid/``. A term in a path is its code, e.g. ``2020-autumn``; an
identification term is its school year and season, e.g. ``identification/2020/autumn/``."""

from django.urls import path, register_converter

from notoneless.aid.views import (
    documents,
    identification,
    ledger,
    packs,
    payments,
    schools,
    students,
    terms,
)


class TermCodeConverter:
    regex = r"\d{4}-(?:autumn|spring)"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class SeasonConverter:
    regex = r"autumn|spring"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(TermCodeConverter, "aid_term")
register_converter(SeasonConverter, "aid_season")

IDENTIFICATION_TERM = "identification/<int:school_year>/<aid_season:season>/"

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
    # 资金发放: batches, the bank file and its return, the schools' accounts
    path("<aid_term:term>/payments/", payments.payments_page, name="aid_payments"),
    path("<aid_term:term>/payments/create/", payments.create_batch, name="aid_batch_create"),
    path(
        "<aid_term:term>/payments/accounts/",
        payments.school_accounts,
        name="aid_school_accounts",
    ),
    path(
        "<aid_term:term>/payments/accounts/<int:school_id>/",
        payments.set_school_account,
        name="aid_school_account_set",
    ),
    path("<aid_term:term>/payments/<str:number>/", payments.batch_page, name="aid_batch"),
    path(
        "<aid_term:term>/payments/<str:number>/export/",
        payments.export_batch,
        name="aid_batch_export",
    ),
    path(
        "<aid_term:term>/payments/<str:number>/return/",
        payments.reconcile_batch,
        name="aid_batch_return",
    ),
    path(
        "<aid_term:term>/payments/<str:number>/discard/",
        payments.discard_batch,
        name="aid_batch_discard",
    ),
    # 资助认定
    path("identification/", identification.current, name="aid_identification_current"),
    path(IDENTIFICATION_TERM, identification.identifications, name="aid_identification"),
    path(f"{IDENTIFICATION_TERM}apply/", identification.apply, name="aid_identification_apply"),
    path(f"{IDENTIFICATION_TERM}post/", identification.post, name="aid_identification_post"),
    path(
        f"{IDENTIFICATION_TERM}posting/",
        identification.posting,
        name="aid_identification_posting",
    ),
    path(
        f"{IDENTIFICATION_TERM}confirm/<int:school_id>/",
        identification.confirm,
        name="aid_identification_confirm",
    ),
    path(
        f"{IDENTIFICATION_TERM}automatic/",
        identification.automatic,
        name="aid_identification_automatic",
    ),
    path(
        "identification/<int:identification_id>/",
        identification.history,
        name="aid_identification_history",
    ),
    path(
        "identification/<int:identification_id>/review/",
        identification.review,
        name="aid_identification_review",
    ),
    path(
        "identification/<int:identification_id>/grade/",
        identification.grade,
        name="aid_identification_grade",
    ),
    path(
        "identification/<int:identification_id>/reject/",
        identification.reject,
        name="aid_identification_reject",
    ),
    # printed documents: the school's notice, the households' policy cards, the aid office
    path(
        "<aid_term:term>/schools/<int:school_id>/notice/",
        documents.notice,
        name="aid_notice",
    ),
    path(
        "<aid_term:term>/schools/<int:school_id>/notice.pdf",
        documents.notice_pdf,
        name="aid_notice_pdf",
    ),
    path("cards/", documents.cards_current, name="aid_cards_current"),
    path("<aid_term:term>/cards/", documents.cards, name="aid_cards"),
    path("<aid_term:term>/cards/print/", documents.cards_print, name="aid_cards_print"),
    path("<aid_term:term>/cards.pdf", documents.cards_pdf, name="aid_cards_pdf"),
    path("office/", documents.office, name="aid_office"),
]
