"""The schools pages by role and scope: what each persona sees and cannot, exports that open, forms
that refuse bad or stale input next to the field and change nothing, and query counts that do not
grow with the data."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jobs.helpers import finish
from notoneless.audit.models import AuditEntry
from notoneless.schools import frames
from notoneless.schools.itinerant.plan import make_plan
from notoneless.schools.models import Conditions, ItinerantPlan, Project
from schools.county import P1, P2, County

pytestmark = pytest.mark.django_db
PAGES = [
    "/balance/",
    "/balance/indicators/",
    "/balance/projects/",
    "/balance/staffing/",
    "/balance/training/",
    "/balance/itinerant/",
]


@pytest.mark.parametrize("persona", ["county_admin", "auditor", "officer_p1", "township_a"])
def test_readers_open_every_page(county: County, persona: str) -> None:
    client = county.client(persona)
    for url in PAGES:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("persona", ["aid_officer", "walking_teacher"])
def test_roles_without_the_pages_are_refused(county: County, persona: str) -> None:
    client = county.client(persona)
    for url in PAGES:
        assert client.get(url).status_code == 403, url


def test_the_navigation_shows_the_pages_only_to_readers(county: County) -> None:
    assert "/balance/" in county.client("county_admin").get("/").content.decode()
    assert 'href="/balance/"' not in county.client("aid_officer").get("/").content.decode()
    teacher = county.client("walking_teacher").get("/").content.decode()
    assert "/balance/my-week/" in teacher and 'href="/balance/"' not in teacher


def test_a_school_officer_sees_their_school_only(county: County) -> None:
    client = county.client("officer_p1")
    html = client.get("/balance/indicators/").content.decode()
    assert f'data-school="{P1}"' in html and f'data-school="{P2}"' not in html
    assert client.get(f"/balance/schools/{county.school(P2).pk}/").status_code == 404
    assert client.get(f"/balance/schools/{county.school(P1).pk}/").status_code == 200
    # the county's spread is the county's: shown whole
    assert "data-cv=" in client.get("/balance/").content.decode()


@pytest.mark.parametrize("persona", ["county_admin", "officer_p1", "township_a"])
def test_every_school_the_spread_links_to_opens(county: County, persona: str) -> None:
    """The county's CVs name the schools that pull them up, county-wide; a name links to the
    school's page only when the user may open it."""
    client = county.client(persona)
    html = client.get("/balance/").content.decode()
    links = set(re.findall(r'href="(/balance/schools/\d+/)\?year=\d+"', html))
    for url in links:
        assert client.get(url).status_code == 200, (persona, url)
    if persona == "county_admin":
        assert links, "the demo county's spread names schools"


def test_the_balance_sheet_explains_each_indicator(county: County) -> None:
    html = (
        county.client("county_admin")
        .get(f"/balance/schools/{county.school(P1).pk}/")
        .content.decode()
    )
    assert 'data-indicator="sports_ground" data-status="short"' in html
    assert 'data-indicator="equipment_value" data-status="met"' in html
    assert "6.00" in html  # the sports ground per pupil


def test_the_indicators_export_opens_as_a_workbook_and_is_audited(county: County) -> None:
    response = county.client("county_admin").get("/balance/indicators.xlsx?stage=primary")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book["学校指标"]
    assert "资源配置指标" in sheet["A1"].value
    codes = [row[0].value for row in sheet.iter_rows(min_row=4)]
    assert P1 in codes and all(c is None or c.startswith("61") for c in codes)
    assert "校际差异系数" in book.sheetnames
    entry = AuditEntry.objects.get(action="export.balance")
    assert entry.detail["filters"] == {"stage": "primary"} and entry.detail["rows"] > 0


def test_every_export_opens(county: County) -> None:
    make_plan(term=frames.autumn_term(2020), acting_user=county.user("county_admin"), time_limit=5)
    client = county.client("county_admin")
    plan = ItinerantPlan.objects.get()
    for url in (
        "/balance/projects.xlsx",
        "/balance/staffing.xlsx",
        "/balance/training.xlsx",
        f"/balance/itinerant/{plan.pk}.xlsx",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert openpyxl.load_workbook(io.BytesIO(response.content)).sheetnames, url


def test_conditions_are_edited_with_errors_next_to_the_field(county: County) -> None:
    client = county.client("officer_p1")
    url = f"/balance/schools/{county.school(P1).pk}/conditions/2020/"
    form = client.get(url)
    assert 'name="version" value="1"' in form.content.decode()
    bad = client.post(
        url,
        {
            "version": 1,
            "teaching_floor_m2": "-3",
            "sports_ground_m2": "600",
            "equipment_value_yuan": "250000",
            "multimedia_classrooms": "3",
        },
    )
    assert bad.status_code == 400
    assert 'id="id_teaching_floor_m2_error"' in bad.content.decode()
    assert Conditions.objects.get(school__code=P1, year=2020).teaching_floor_m2 == 520
    good = client.post(
        url,
        {
            "version": 1,
            "teaching_floor_m2": "540",
            "sports_ground_m2": "600",
            "equipment_value_yuan": "250000",
            "multimedia_classrooms": "3",
        },
    )
    assert good.status_code == 302
    saved = Conditions.objects.get(school__code=P1, year=2020)
    assert saved.teaching_floor_m2 == 540 and saved.version == 2
    entry = AuditEntry.objects.get(action="schools.conditions")
    assert entry.detail["before"]["teaching_floor_m2"] == "520.00"


def test_a_stale_form_is_refused_with_who_saved_it(county: County) -> None:
    url = f"/balance/schools/{county.school(P1).pk}/conditions/2020/"
    data = {
        "teaching_floor_m2": "540",
        "sports_ground_m2": "600",
        "equipment_value_yuan": "250000",
        "multimedia_classrooms": "3",
    }
    assert county.client("county_admin").post(url, {**data, "version": 1}).status_code == 302
    stale = county.client("officer_p1").post(
        url, {**data, "version": 1, "teaching_floor_m2": "999"}
    )
    assert stale.status_code == 409
    assert "county_admin" in stale.content.decode()
    assert Conditions.objects.get(school__code=P1, year=2020).teaching_floor_m2 == 540


def test_an_officer_cannot_edit_another_schools_conditions(county: County) -> None:
    url = f"/balance/schools/{county.school(P2).pk}/conditions/2020/"
    assert county.client("officer_p1").get(url).status_code == 404
    assert county.client("township_a").get(url).status_code == 403


def test_projects_are_created_and_edited_by_the_county_administrator(county: County) -> None:
    client = county.client("county_admin")
    data = {
        "code": "YY-9",
        "name": "教学楼改造",
        "kind": "renovation",
        "school": county.school(P1).pk,
        "funding_source": "county",
        "year": 2020,
        "budget_yuan": "1000000",
        "spent_yuan": "250000.50",
        "status": "in_progress",
        "start_date": "2020-04-01",
    }
    assert client.post("/balance/projects/new/", data).status_code == 302
    project = Project.objects.get(code="YY-9")
    assert project.spent_fen == 25_000_050 and project.version == 1
    html = client.get("/balance/projects/").content.decode()
    assert 'data-project="YY-9"' in html and "100.00" in html
    edit = client.post(
        f"/balance/projects/{project.pk}/",
        {**data, "version": 1, "status": "completed", "end_date": "2020-03-01"},
    )
    assert edit.status_code == 400 and 'id="id_end_date_error"' in edit.content.decode()
    assert (
        client.post(
            f"/balance/projects/{project.pk}/", {**data, "version": 1, "status": "completed"}
        ).status_code
        == 302
    )
    stale = client.post(f"/balance/projects/{project.pk}/", {**data, "version": 1})
    assert stale.status_code == 409
    assert Project.objects.get(pk=project.pk).status == "completed"
    assert county.client("officer_p1").get("/balance/projects/new/").status_code == 403


def test_a_plan_is_made_from_the_page_and_a_teacher_sees_their_week(county: County) -> None:
    client = county.client("county_admin")
    assert (
        county.client("officer_p1").post("/balance/itinerant/new/", {"time_limit": 5}).status_code
        == 403
    )
    job_page = finish(client, client.post("/balance/itinerant/new/", {"time_limit": 5}))
    plan = ItinerantPlan.objects.get()
    link = f"/balance/itinerant/{plan.pk}/"
    assert job_page.status_code == 200 and f'href="{link}"' in job_page.content.decode()
    html = client.get(link).content.decode()
    assert 'data-township="鱼河镇"' in html and 'data-reason="no_teacher"' in html
    week = county.client("walking_teacher").get("/balance/my-week/").content.decode()
    assert week.count("data-period=") == 12  # the art teacher's twelve lessons
    teacher = county.teacher("p1_walk").pk
    assert (
        county.client("township_a")
        .get(f"/balance/itinerant/{plan.pk}/teachers/{teacher}/")
        .status_code
        == 200
    )


def test_page_queries_do_not_grow_with_the_data(county: County) -> None:
    make_plan(term=frames.autumn_term(2020), acting_user=county.user("county_admin"), time_limit=5)
    client = county.client("county_admin")
    plan = ItinerantPlan.objects.get()
    urls = [*PAGES, f"/balance/itinerant/{plan.pk}/", f"/balance/schools/{county.school(P1).pk}/"]
    counts = {}
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[url] = len(queries)
    assert max(counts.values()) <= 25, counts
