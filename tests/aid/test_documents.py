"""The public notice (公示) and the household policy card (明白卡): what each shows, what a notice never
shows, who may print them, and that printing is audited."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from aid.county import (
    CHILDREN,
    EXPECTED,
    S1,
    TERM,
    V1,
    AidCounty,
    Child,
    card_number,
    students_csv,
)
from notoneless.aid import documents
from notoneless.aid.compute import compute_term
from notoneless.aid.errors import AidRefused
from notoneless.aid.policy import load_pack, pack_path
from notoneless.aid.selectors import aid_term_for
from notoneless.aid.workflow import submit_school_list
from notoneless.audit.models import AuditEntry
from notoneless.lib.workdays import notice_ends
from web.county import resident_id

pytestmark = pytest.mark.django_db

POSTED = date(2020, 9, 28)
VILLAGE = "610802100201"
PACK = load_pack(pack_path("shaanxi-2020"))
FULL_NAMES = [p.spec.name for p in PACK.programs]
FAMILY_WORDS = ["建档立卡", "低保", "特困", "困难", "贫困", "残疾", "孤儿"]
S1_CHILDREN = [name for name, child in CHILDREN.items() if child.school == S1]


@pytest.fixture
def county(aid_county: AidCounty) -> AidCounty:
    """The term computed, and the senior and vocational schools' lists submitted on 28 September."""
    compute_term(term_code=TERM, acting_user=aid_county.user("compiler"))
    aid_term = aid_term_for(TERM)
    for school, officer in ((S1, "officer_4"), (V1, "officer_5")):
        submit_school_list(
            aid_term=aid_term,
            school=aid_county.school(school),
            notice_start=POSTED,
            acting_user=aid_county.user(officer),
        )
    return aid_county


def pdf_text(data: bytes) -> str:
    """The text of every page, without the line breaks and spaces extraction puts between characters."""
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def pdf_pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def html_text(html: str) -> str:
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", html))


def notice_texts(county: AidCounty, school: str, persona: str = "compiler") -> list[str]:
    notice = documents.school_notice(
        county.user(persona), aid_term_for(TERM), county.school(school)
    )
    return [pdf_text(documents.notice_pdf(notice)), html_text(documents.notice_html(notice))]


def chinese(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


# --- the notice -------------------------------------------------------------------------------------


def test_the_senior_school_notice_lists_its_students_with_neutral_labels_and_amounts(county):
    last_day = notice_ends(POSTED, 5) - timedelta(days=1)

    for text in notice_texts(county, S1):
        assert "榆阳区第一高级中学2020年秋季学期学生资助公示" in text
        assert "辛高中" in text
        assert "国家助学金" in text
        assert "免学费" in text
        assert "1,250.00" in text
        assert "800.00" in text
        assert f"{chinese(POSTED)}至{chinese(last_day)}（5个工作日）" in text
    assert last_day == date(2020, 10, 10)  # the National Day week off, then a make-up Saturday


def test_the_notice_shows_no_identifier_and_no_word_about_a_familys_circumstances(county):
    forbidden = [*FAMILY_WORDS, *FULL_NAMES]
    for name in S1_CHILDREN:
        child = CHILDREN[name]
        birth = child.birth
        forbidden += [
            child.id_number,
            f"G{child.id_number}",
            child.id_number[-6:],
            birth,
            f"{birth[:4]}-{birth[4:6]}-{birth[6:]}",
            f"{birth[:4]}年{int(birth[4:6])}月{int(birth[6:])}日",
        ]
    forbidden += [card_number(i) for i in range(len(CHILDREN))]

    for text in notice_texts(county, S1):
        assert "辛高中" in text
        assert [word for word in forbidden if word in text] == []


def test_a_pack_whose_notice_label_tells_a_familys_circumstances_is_refused_at_printing():
    from notoneless.aid.policy import parse_pack

    text = PACK.source.replace('notice_label = "免学费"', 'notice_label = "建档立卡免学费"', 1)
    pack = parse_pack(text, "leaky.toml")

    with pytest.raises(AidRefused, match="senior_tuition_waiver"):
        documents._notice_labels(pack, {"senior_grant", "senior_tuition_waiver"})


def test_the_vocational_notice_leaves_out_what_another_agency_pays(county):
    for text in notice_texts(county, V1):
        assert "丑中职" in text
        assert "免学费" in text
        assert "雨露计划" not in text
        assert "1,500.00" not in text  # 丑中职's 雨露计划 amount


def test_the_notice_totals_the_schools_amounts(county):
    notice = documents.school_notice(county.user("compiler"), aid_term_for(TERM), county.school(S1))
    s1_fen = sum(fen for name in S1_CHILDREN for fen in EXPECTED[name].values())
    assert notice.total_fen == s1_fen
    assert notice.students == len(S1_CHILDREN)
    assert [row.number for row in notice.rows] == list(range(1, len(notice.rows) + 1))


def test_a_school_officer_cannot_print_another_schools_notice(county):
    with pytest.raises(AidRefused):
        documents.school_notice(county.user("officer_3"), aid_term_for(TERM), county.school(S1))
    with pytest.raises(AidRefused):
        documents.print_notice(term_code=TERM, school_code=S1, acting_user=county.user("officer_3"))
    assert not AuditEntry.objects.filter(action="aid.notice.print").exists()


def test_a_school_officer_prints_their_own_schools_notice(county):
    texts = notice_texts(county, S1, persona="officer_4")

    assert "辛高中" in texts[0]


def test_a_notice_printed_before_the_list_is_submitted_leaves_the_period_to_fill_in(county):
    notice = documents.school_notice(
        county.user("compiler"), aid_term_for(TERM), county.school("6108021003")
    )

    assert notice.posted_on is None
    assert "公示期：＿" in notice.period_line


def test_printing_a_notice_writes_an_audit_row(county):
    printed = documents.print_notice(
        term_code=TERM, school_code=S1, acting_user=county.user("officer_4")
    )

    entry = AuditEntry.objects.get(action="aid.notice.print")
    assert entry.user == county.user("officer_4")
    assert entry.detail["school"] == S1
    assert entry.detail["pages"] == printed.pages == pdf_pages(printed.pdf)


# --- the aid office's phone -------------------------------------------------------------------------


def test_without_an_aid_office_the_documents_leave_the_phone_blank(county):
    notice = documents.school_notice(county.user("compiler"), aid_term_for(TERM), county.school(S1))
    cards = documents.household_cards(county.user("compiler"), TERM, numbers=["H002"])

    for text in [
        *notice_texts(county, S1),
        pdf_text(documents.cards_pdf(cards)),
        html_text(documents.cards_html(cards)),
    ]:
        assert "资助咨询电话：＿＿＿" in text
        assert not re.search(r"资助咨询电话：\d", text)
    assert notice.office.phone == ""


def test_the_aid_offices_phone_is_printed_once_set(county):
    documents.set_aid_office(
        name="榆阳区学生资助管理中心",
        phone="0912-3281234",
        address="榆阳区新建南路",
        acting_user=county.user("clerk"),
    )
    cards = documents.household_cards(county.user("compiler"), TERM, numbers=["H002"])

    for text in [
        *notice_texts(county, S1),
        pdf_text(documents.cards_pdf(cards)),
        html_text(documents.cards_html(cards)),
    ]:
        assert "资助咨询电话：0912-3281234" in text
        assert "榆阳区学生资助管理中心" in text
    assert AuditEntry.objects.filter(action="aid.office.set").count() == 1


def test_setting_the_aid_office_again_changes_the_one_row(county):
    for phone in ("0912-1111111", "0912-2222222"):
        documents.set_aid_office(name="资助中心", phone=phone, acting_user=county.user("clerk"))

    assert documents.aid_office().phone == "0912-2222222"


def test_the_aid_office_is_set_and_edited_in_the_admin_and_audited(county):
    admin = county.client("clerk")
    url = "/admin/aid/aidoffice/"
    fields = {"name": "榆阳区学生资助管理中心", "address": ""}

    response = admin.post(f"{url}add/", {**fields, "phone": "0912-3281234"})
    assert response.status_code == 302
    assert admin.get(f"{url}add/").status_code == 403  # one office: no second one
    response = admin.post(f"{url}1/change/", {**fields, "phone": "0912-3280000"})
    assert response.status_code == 302

    assert documents.aid_office().phone == "0912-3280000"
    assert AuditEntry.objects.filter(action="aid.office.set").count() == 2
    assert admin.post(f"{url}1/delete/", {"post": "yes"}).status_code == 403


def test_the_admin_refuses_a_phone_that_is_not_a_number(county):
    response = county.client("clerk").post(
        "/admin/aid/aidoffice/add/", {"name": "资助中心", "phone": "请致电学校", "address": ""}
    )

    assert response.status_code == 200  # the form again, with the error
    assert documents.aid_office().phone == ""


# --- the household policy card ----------------------------------------------------------------------


def card_for(county: AidCounty, number: str) -> documents.Card:
    (card,) = documents.household_cards(county.user("compiler"), TERM, numbers=[number])
    return card


def test_the_card_lists_the_child_and_the_terms_aid_and_offers_nothing_already_received(county):
    card = card_for(county, "H002")

    (child,) = card.children
    assert child.name == "辛高中"
    assert child.school == "榆阳区第一高级中学"
    assert {(line.program, line.yuan, line.status) for line in child.lines} == {
        ("普通高中国家助学金", "1,250.00", "待发放"),
        ("普通高中建档立卡等家庭经济困难学生免学费", "800.00", "待发放"),
    }
    assert child.options == []
    for text in (pdf_text(documents.cards_pdf([card])), html_text(documents.cards_html([card]))):
        assert "户主H002" in text
        assert "辛高中" in text
        assert "2020年秋季学期" in text
        assert "1,250.00" in text
        may_apply = text.split("还可以申请的资助", 1)[1]
        assert "普通高中国家助学金" not in may_apply
        assert "免学费" not in may_apply
        assert CHILDREN["辛高中"].id_number not in text


def test_the_card_shows_what_the_poverty_office_pays_as_paid_by_it(county):
    card = card_for(county, "H003")

    (child,) = card.children
    yulu = next(line for line in child.lines if "雨露计划" in line.program)
    assert yulu.status == "由扶贫（乡村振兴）部门发放"
    assert yulu.yuan == "1,500.00"
    text = pdf_text(documents.cards_pdf([card]))
    assert "雨露计划" in text
    assert "由扶贫（乡村振兴）部门发放" in text


def test_a_village_prints_one_page_per_household(county):
    printed = documents.print_cards(
        term_code=TERM, village=VILLAGE, acting_user=county.user("compiler")
    )

    assert pdf_pages(printed.pdf) == printed.pages == 3
    text = pdf_text(printed.pdf)
    for name in ("乙幼儿", "辛高中", "丑中职"):
        assert name in text
    entry = AuditEntry.objects.get(action="aid.cards.print")
    assert entry.detail["households"] == ["H001", "H002", "H003"]
    assert entry.detail["village"] == VILLAGE


def test_a_child_without_the_grant_is_told_it_may_apply(county):
    """A senior student of a household on the edge of poverty (not registered), not identified: no aid
    yet, and the card says where to ask for the national grant."""
    add_household_with_senior_student(county)
    compute_term(term_code=TERM, acting_user=county.user("compiler"))

    card = card_for(county, "H004")

    (child,) = card.children
    assert child.lines == []
    assert [option.text for option in child.options] == [
        "普通高中国家助学金：家庭经济困难学生可向学校申请认定"
    ]
    text = html_text(documents.cards_html([card]))
    assert "本学年暂无资助记录" in text
    assert "卯高中普通高中国家助学金：家庭经济困难学生可向学校申请认定" in text


def test_the_card_lists_a_student_loan_of_the_household(county):
    add_university_student_with_loan(county)

    card = card_for(county, "H002")

    (loan,) = card.loans
    assert (loan.name, loan.university, loan.yuan) == ("辛大学", "西北大学", "6,000.00")
    assert "国家开发银行" in loan.status
    assert "生源地信用助学贷款" in pdf_text(documents.cards_pdf([card]))


def test_cards_are_printed_by_the_county_or_a_township_not_a_school(county):
    with pytest.raises(AidRefused):
        documents.household_cards(county.user("officer_4"), TERM, numbers=["H002"])
    with pytest.raises(AidRefused):
        documents.household_cards(county.user("compiler"), TERM, numbers=["H999"])


# --- the command line -------------------------------------------------------------------------------


def test_the_commands_write_the_pdfs_and_say_how_many_pages(county, tmp_path: Path):
    out = io.StringIO()
    notice = tmp_path / "notice.pdf"
    cards = tmp_path / "cards.pdf"

    notice_args = ["--term", TERM, "--school", S1, "--out", str(notice), "--user", "officer_4"]
    cards_args = ["--village", VILLAGE, "--term", TERM, "--out", str(cards), "--user", "compiler"]
    call_command("aid", "notice", *notice_args, stdout=out)
    call_command("aid", "cards", *cards_args, stdout=out)

    assert "辛高中" in pdf_text(notice.read_bytes())
    assert pdf_pages(cards.read_bytes()) == 3
    assert "共 3 页" in out.getvalue()
    printed = AuditEntry.objects.filter(action__in=["aid.notice.print", "aid.cards.print"])
    assert printed.count() == 2


# --- data for the cases above, through the imports --------------------------------------------------

HOUSEHOLD_HEADER = (
    "户编号,户主姓名,与户主关系,姓名,身份证号,性别,出生日期,乡镇,村,贫困户状态,识别年度,脱贫年度"
)
MAO = Child("131", "20050815", S1, "高二", household="H004")
XIN_UNIVERSITY = resident_id("20010304", "142")


def add_household_with_senior_student(county: AidCounty) -> None:
    head = resident_id("19780101", "155")
    county.import_csv(
        "households",
        f"{HOUSEHOLD_HEADER}\n"
        f"H004,户主H004,户主,户主H004,{head},男,1978-01-01,鱼河镇,王沙沟村,边缘易致贫户,,\n"
        f"H004,户主H004,之子,卯高中,{MAO.id_number},男,2005-08-15,鱼河镇,王沙沟村,边缘易致贫户,,\n",
    )
    county.import_csv("students", students_csv({**CHILDREN, "卯高中": MAO}))


def add_university_student_with_loan(county: AidCounty) -> None:
    head, child = resident_id("19800921", "035"), CHILDREN["辛高中"]
    county.import_csv(
        "households",
        f"{HOUSEHOLD_HEADER}\n"
        f"H002,户主H002,户主,户主H002,{head},男,1980-09-21,鱼河镇,鱼河村,未脱贫,2016,\n"
        f"H002,户主H002,之子,辛高中,{child.id_number},男,2005-05-10,鱼河镇,鱼河村,未脱贫,2016,\n"
        f"H002,户主H002,之女,辛大学,{XIN_UNIVERSITY},女,2001-03-04,鱼河镇,鱼河村,未脱贫,2016,\n",
    )
    county.import_csv(
        "loans",
        f"姓名,身份证号,高校名称,贷款金额,学年\n辛大学,{XIN_UNIVERSITY},西北大学,6000,2020\n",
    )
