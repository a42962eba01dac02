"""The care pages: scope (another school's children and pairs are not found), roles (the aid officer
has no care pages, the auditor only reads), suggestion → confirmation, a helper's log with an
attachment served only through the scoped view, and the pairing CLI."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from notoneless.care.actions import log_support, pair
from notoneless.care.models import GroupOverride, Pairing, SupportEntry
from notoneless.registry.models import School
from web.county import SCHOOL_A, SCHOOL_B

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def school_a() -> School:
    return School.objects.get(code=SCHOOL_A)


def test_another_schools_officer_does_not_find_school_as_children_or_pairs(care):
    made = pair(
        person=care.person("张伟"),
        teacher=care.teacher("王老师"),
        acting_user=care.user("officer_a"),
        started_on=date(2020, 9, 1),
    )
    officer_b = care.county.client("officer_b")
    assert officer_b.get(reverse("care_school", args=[school_a().pk])).status_code == 404
    assert officer_b.get(reverse("care_suggest", args=[school_a().pk])).status_code == 404
    assert officer_b.get(reverse("care_pair", args=[made.pk])).status_code == 404
    response = care.county.client("officer_a").get(reverse("care_school", args=[school_a().pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "张伟" in html and "王老师" in html and "郑小刚" not in html
    assert "张伟" not in officer_b.get(reverse("care_index")).content.decode()


def test_the_aid_officer_has_no_care_pages_and_the_auditor_only_reads(care):
    assert care.county.client("aid_officer").get(reverse("care_index")).status_code == 403
    auditor = care.county.client("auditor")
    assert auditor.get(reverse("care_school", args=[school_a().pk])).status_code == 200
    posted = auditor.post(
        reverse("care_group", args=[school_a().pk]),
        {"person": care.person("郑小刚").pk, "group": "disabled", "decision": "add", "reason": "x"},
    )
    assert posted.status_code == 403
    assert not GroupOverride.objects.exists()


def test_the_officer_confirms_the_suggestion_in_the_pages(care):
    client = care.county.client("officer_a")
    url = reverse("care_suggest", args=[school_a().pk])
    html = client.get(url).content.decode()
    picks = [
        line.split('value="')[1].split('"')[0] for line in html.split("\n") if 'name="pick"' in line
    ]
    assert len(picks) == 5
    response = client.post(url, {"pick": picks[:3]}, follow=True)
    assert response.status_code == 200
    assert Pairing.objects.count() == 3
    assert {f"{p.person_id}:{p.teacher_id}" for p in Pairing.objects.all()} == set(picks[:3])


def test_the_officer_corrects_a_group_and_a_missing_reason_is_named(care):
    client = care.county.client("officer_a")
    url = reverse("care_group", args=[school_a().pk])
    person = care.person("郑小刚").pk
    refused = client.post(
        url, {"person": person, "group": "disabled", "decision": "add", "reason": ""}, follow=True
    )
    assert "reason" in refused.content.decode() or "理由" in refused.content.decode()
    assert not GroupOverride.objects.exists()
    client.post(
        url, {"person": person, "group": "disabled", "decision": "add", "reason": "残疾证已核"}
    )
    assert GroupOverride.objects.get().reason == "残疾证已核"


def test_the_helper_logs_a_visit_with_a_photo_and_only_those_in_scope_open_it(care, media):
    made = pair(
        person=care.person("张伟"),
        teacher=care.teacher("王老师"),
        acting_user=care.user("officer_a"),
        started_on=date(2020, 9, 1),
    )
    helper = care.county.client("teacher_a")
    page = helper.get(reverse("care_pair", args=[made.pk])).content.decode()
    assert 'enctype="multipart/form-data"' in page
    response = helper.post(
        reverse("care_log", args=[made.pk]),
        {
            "kind": "home_visit",
            "on": "2020-10-12",
            "notes": "家访",
            "attachments": [SimpleUploadedFile("a.png", PNG)],
        },
    )
    assert response.status_code == 302
    entry = SupportEntry.objects.get()
    attachment = entry.attachments.get()
    url = reverse("care_attachment", args=[attachment.pk])
    opened = care.county.client("officer_a").get(url)
    assert opened.status_code == 200 and opened["Content-Type"] == "image/png"
    assert b"".join(opened.streaming_content) == PNG
    assert care.county.client("officer_b").get(url).status_code == 404
    other_teacher = care.county.client("officer_b")
    assert other_teacher.get(reverse("care_pair", args=[made.pk])).status_code == 404


def test_a_refused_upload_in_the_pages_stores_nothing(care, media):
    made = pair(
        person=care.person("张伟"),
        teacher=care.teacher("王老师"),
        acting_user=care.user("officer_a"),
        started_on=date(2020, 9, 1),
    )
    response = care.county.client("teacher_a").post(
        reverse("care_log", args=[made.pk]),
        {
            "kind": "home_visit",
            "on": "2020-10-12",
            "attachments": [SimpleUploadedFile("a.exe", b"MZ\x90\x00" * 20)],
        },
        follow=True,
    )
    assert "only photos" in response.content.decode() or "只接受" in response.content.decode()
    assert not SupportEntry.objects.exists()
    assert not media.exists() or not [p for p in media.rglob("*") if p.is_file()]


def test_a_teacher_sees_my_pairs_with_the_overdue_flag(care):
    made = pair(
        person=care.person("张伟"),
        teacher=care.teacher("王老师"),
        acting_user=care.user("officer_a"),
        started_on=date(2020, 9, 1),
    )
    log_support(
        pairing=made,
        kind="motivation",
        on=date(2020, 9, 10),
        notes="",
        acting_user=care.user("teacher_a"),
    )
    html = (
        care.county.client("teacher_a")
        .get(reverse("care_index"), {"as_of": "2020-11-30"})
        .content.decode()
    )
    assert f'data-pair="{made.pk}" data-late="1"' in html


def test_the_pairing_cli_suggests_and_applies(care):
    out = StringIO()
    call_command("care", "pairing", "suggest", "--school", SCHOOL_A, "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert len(data["proposals"]) == 5 and data["applied"] == 0 and data["limit"] == 5
    assert not Pairing.objects.exists()
    out = StringIO()
    call_command(
        "care",
        "pairing",
        "suggest",
        "--school",
        SCHOOL_A,
        "--apply",
        "--started-on",
        "2020-09-01",
        "--json",
        stdout=out,
    )
    assert json.loads(out.getvalue())["applied"] == 5 == Pairing.objects.count()
    out = StringIO()
    call_command("care", "log", "--school", SCHOOL_A, "--as-of", "2020-11-30", "--json", stdout=out)
    rows = json.loads(out.getvalue())["pairs"]
    assert len(rows) == 5 and all(r["overdue"] == ["contact"] for r in rows)
    out = StringIO()
    call_command("care", "groups", "--school", SCHOOL_B, "--json", stdout=out)
    assert {c["name"] for c in json.loads(out.getvalue())["children"]} == {"王芳", "赵磊"}


def test_the_care_ledger_lists_the_pairs_in_scope_flags_the_late_and_exports(care):
    import io

    from openpyxl import load_workbook

    from notoneless.audit.models import AuditEntry

    pair(
        person=care.person("张伟"),
        teacher=care.teacher("王老师"),
        acting_user=care.user("officer_a"),
        started_on=date(2020, 9, 1),
    )
    as_of = {"as_of": "2020-11-30"}
    officer_a = care.county.client("officer_a")
    html = officer_a.get(reverse("care_pairs"), as_of).content.decode()
    assert "张伟" in html and "王老师" in html
    late = officer_a.get(reverse("care_pairs"), {**as_of, "late": "1"}).content.decode()
    assert "张伟" in late, "no contact logged since September: the pair is overdue"
    assert (
        "张伟"
        not in care.county.client("officer_b").get(reverse("care_pairs"), as_of).content.decode()
    )

    response = officer_a.get(reverse("care_pairs_export"), as_of)
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[3:] if r[0]] == ["张伟"]
    assert AuditEntry.objects.get(action="export.care_pairs").detail["rows"] == 1
