"""The matching pages: the review queue (masked, side by side), decisions by POST, read-only auditors,
findings with filters and their Excel export, the verification form, the navigation."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from matching.findings_county import HUKOU, SUN, load
from notoneless.audit.models import AuditEntry
from notoneless.matching.findings import compute_findings
from notoneless.matching.models import CandidatePair, Finding, MatchRun, RecordKind
from notoneless.registry.models import DisabilityRecord, HukouRecord, StudyElsewhereRecord
from web.county import TERM, TOWNSHIP_A, TOWNSHIP_B

pytestmark = pytest.mark.django_db

DISABILITY = """残疾证号,姓名,性别,出生日期,残疾类别,残疾等级,乡镇,村
D0001,刘阳,男,2012-08-08,肢体,三级,鱼河镇,鱼河村
"""


@pytest.fixture
def candidate(county, tmp_path) -> CandidatePair:
    """A pending pair; the engine normally writes these, the test writes one directly."""
    load(tmp_path, "disability", DISABILITY)
    record = DisabilityRecord.objects.get(name="刘阳")
    run = MatchRun.objects.create(started_at=timezone.now())
    return CandidatePair.objects.create(
        run=run,
        record_kind=RecordKind.DISABILITY,
        record_id=record.pk,
        person=county.person("刘洋"),
        match_probability=0.71,
        match_weight=1.9,
        evidence={"name": "pinyin equal", "birth_date": "exact"},
        status=CandidatePair.Status.PENDING,
    )


@pytest.fixture
def leads(county, tmp_path) -> MatchRun:
    load(tmp_path, "hukou", HUKOU)
    run = MatchRun.objects.create(started_at=timezone.now())
    compute_findings(run=run, term_code=TERM, acting_user=county.user("county_admin"))
    return run


def html(response) -> str:
    return response.content.decode()


def test_the_queue_shows_a_pair_side_by_side_with_masked_ids(county, candidate):
    response = county.client("county_admin").get(reverse("matching_review"))

    assert response.status_code == 200
    page = html(response)
    assert "刘阳" in page and "刘洋" in page
    full = county.id_number("刘洋")
    assert full not in page
    assert county.person("刘洋").id_number_masked in page
    assert "pinyin equal" in page
    assert f'action="{reverse("matching_decide", args=[candidate.pk])}"' in page


def test_accepting_by_post_links_the_record(county, candidate):
    client = county.client("aid_officer")

    response = client.post(
        reverse("matching_decide", args=[candidate.pk]), {"decision": "accept", "note": "同一人"}
    )

    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.status == CandidatePair.Status.ACCEPTED
    assert DisabilityRecord.objects.get(pk=candidate.record_id).person_id == candidate.person_id
    assert "刘阳" not in html(client.get(reverse("matching_review")))


def test_an_auditor_reads_the_queue_but_a_post_is_refused(county, candidate):
    client = county.client("auditor")

    assert client.get(reverse("matching_review")).status_code == 200
    response = client.post(reverse("matching_decide", args=[candidate.pk]), {"decision": "accept"})

    assert response.status_code == 403
    candidate.refresh_from_db()
    assert candidate.status == CandidatePair.Status.PENDING


def test_a_pair_out_of_scope_is_not_found_and_a_refusal_is_a_message(county, candidate):
    # officer_a (school A) does not see 刘洋, who studies at school B
    response = county.client("officer_a").post(
        reverse("matching_decide", args=[candidate.pk]), {"decision": "accept"}
    )
    assert response.status_code == 404

    client = county.client("county_admin")
    client.post(reverse("matching_decide", args=[candidate.pk]), {"decision": "reject"})
    response = client.post(
        reverse("matching_decide", args=[candidate.pk]), {"decision": "accept"}, follow=True
    )
    assert response.status_code == 200
    assert 'role="alert"' in html(response)


def test_a_teacher_has_no_matching_pages(county, candidate):
    client = county.client("teacher_a")
    assert client.get(reverse("matching_review")).status_code == 403
    assert client.get(reverse("matching_index")).status_code == 403


def test_undoing_an_automatic_link_from_the_page(county, candidate):
    from notoneless.matching.review import apply_link

    apply_link(candidate.record_kind, candidate.record_id, candidate.person_id, "probabilistic")
    CandidatePair.objects.filter(pk=candidate.pk).update(status=CandidatePair.Status.AUTO_LINKED)
    client = county.client("county_admin")
    assert "刘阳" in html(client.get(reverse("matching_review") + "?show=auto"))

    client.post(reverse("matching_undo", args=[candidate.pk]), {"note": "错配"})

    candidate.refresh_from_db()
    assert candidate.status == CandidatePair.Status.UNDONE
    assert DisabilityRecord.objects.get(pk=candidate.record_id).person_id is None


# --- findings ------------------------------------------------------------------------------------


def test_findings_list_with_reasons_and_township_filter(county, leads):
    client = county.client("county_admin")
    url = reverse("matching_findings", args=["out-of-school"])

    page = html(client.get(url))
    assert "孙小明" in page and "郑小花" in page
    assert SUN not in page

    page = html(client.get(url, {"township": TOWNSHIP_B}))
    assert "郑小花" in page and "孙小明" not in page


def test_a_township_officer_sees_only_the_townships_leads(county, leads):
    page = html(
        county.client("township_a").get(reverse("matching_findings", args=["out-of-school"]))
    )

    assert "孙小明" in page
    assert "郑小花" not in page


def test_findings_download_as_excel_with_masked_ids(county, leads):
    response = county.client("county_admin").get(
        reverse("matching_findings_xlsx", args=["out-of-school"]), {"township": TOWNSHIP_A}
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    names = [r[0] for r in rows[1:]]
    assert "孙小明" in names and "郑小花" not in names
    cells = {str(c) for r in rows for c in r if c}
    assert SUN not in cells
    assert HukouRecord.objects.get(name="孙小明").id_number_masked in cells
    entry = AuditEntry.objects.get(action="export.findings_out-of-school")
    assert entry.detail == {"filters": {"township": TOWNSHIP_A}, "rows": len(names)}


def test_an_unknown_kind_is_not_found(county):
    assert county.client("county_admin").get("/matching/findings/nonsense/").status_code == 404


def test_the_verification_form_records_studying_elsewhere(county, leads):
    sun = HukouRecord.objects.get(name="孙小明")
    lead = Finding.objects.get(
        run=leads, kind=Finding.Kind.OUT_OF_SCHOOL, record_kind=RecordKind.HUKOU, record_id=sun.pk
    )
    client = county.client("township_a")
    url = reverse("matching_verify", args=[lead.pk])
    assert client.get(url).status_code == 200

    refused = client.post(url, {"outcome": "studying_elsewhere", "school": "某校"})
    assert refused.status_code == 400 and 'role="alert"' in html(refused)

    response = client.post(
        url,
        {
            "outcome": "studying_elsewhere",
            "school": "神木市第一小学",
            "place": "神木市",
            "evidence": "学籍证明",
        },
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.verification == Finding.Verification.STUDYING_ELSEWHERE
    assert StudyElsewhereRecord.objects.filter(name="孙小明").exists()


def test_an_auditor_may_not_verify(county, leads):
    lead = Finding.objects.filter(run=leads, kind=Finding.Kind.OUT_OF_SCHOOL).first()
    response = county.client("auditor").post(
        reverse("matching_verify", args=[lead.pk]), {"outcome": "moved_away"}
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    "persona", ["county_admin", "aid_officer", "auditor", "township_a", "officer_a"]
)
def test_the_reviewing_roles_find_matching_in_the_navigation(county, persona):
    response = county.client(persona).get(reverse("matching_index"))
    assert response.status_code == 200
    assert f'href="{reverse("matching_index")}"' in html(response)
