"""The policy packs page: the packs loaded, a candidate previewed against the registers, installed."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from aid.county import TERM, AidCounty
from notoneless.aid.compute import compute_term
from notoneless.aid.models import PolicyPack
from notoneless.aid.policy import DEFAULT_PACK, pack_path
from notoneless.aid.views.packs import SESSION_KEY

pytestmark = pytest.mark.django_db

SHIPPED = pack_path(DEFAULT_PACK).read_text(encoding="utf-8")
LIVING = "amount = { yuan_per_year = 750 }"


def zh(message: str) -> str:
    with translation.override("zh-hans"):
        return gettext(message)


def raised_living_allowance() -> str:
    """Version 2 of the shipped pack: the preschool living allowance up from 750 to 1,000 yuan a year."""
    assert SHIPPED.count(LIVING) == 1
    text = SHIPPED.replace(LIVING, "amount = { yuan_per_year = 1000 }")
    return text.replace("version = 1\n", "version = 2\n", 1)


def upload(text: str | bytes, name: str = "pack.toml") -> SimpleUploadedFile:
    data = text.encode() if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="text/plain")


def preview(client: Client, text: str | bytes, name: str = "pack.toml"):
    return client.post(reverse("aid_pack_preview"), {"file": upload(text, name), "term": TERM})


def computed(county: AidCounty) -> None:
    compute_term(term_code=TERM, acting_user=county.user("compiler"))


def test_the_packs_page_lists_the_packs_loaded(aid_county):
    computed(aid_county)

    response = aid_county.client("auditor").get(reverse("aid_packs"))

    assert response.status_code == 200
    assert "shaanxi-2020" in response.content.decode()
    assert "陕西省学生资助政策" in response.content.decode()


def test_a_school_officer_has_no_packs_page(aid_county):
    assert aid_county.client("officer_1").get(reverse("aid_packs")).status_code == 403


def test_a_broken_pack_shows_each_problem_where_it_is_and_stores_nothing(aid_county):
    computed(aid_county)
    client = aid_county.client("compiler")
    broken = SHIPPED.replace(LIVING, "amount = { yuan_per_year = 750, per = 'month' }").replace(
        'payee = "family"', 'payee = "bank"', 1
    )

    response = preview(client, broken, "broken.toml")

    page = response.content.decode()
    assert response.status_code == 400
    assert "broken.toml" in page
    assert "programs.0.payee" in page  # located
    assert "programs.0.amount.per" in page
    assert PolicyPack.objects.count() == 1
    assert SESSION_KEY not in client.session


def test_a_file_that_is_not_toml_is_refused_with_the_reason(aid_county):
    response = preview(aid_county.client("compiler"), "code = \n", "notes.toml")

    assert response.status_code == 400
    assert "not valid TOML" in response.content.decode()
    assert not PolicyPack.objects.exists()


def test_a_file_that_is_not_utf8_is_refused(aid_county):
    response = preview(aid_county.client("compiler"), "标题 = 1".encode("gbk"))

    assert response.status_code == 400
    assert zh("The file is not UTF-8 text; save the pack as UTF-8 and upload it again.") in (
        response.content.decode()
    )


def test_a_changed_pack_shows_the_difference_per_program(aid_county):
    computed(aid_county)

    response = preview(aid_county.client("compiler"), raised_living_allowance())

    page = response.content.decode()
    assert response.status_code == 200
    row = page.split("学前教育家庭经济困难幼儿生活补助", 1)[1].split("</tr>", 1)[0]
    assert "750.00" in row and "1,000.00" in row  # two children: 2 × 375 now, 2 × 500 with the pack
    assert reverse("aid_pack_install") in page
    assert PolicyPack.objects.count() == 1  # nothing stored by a preview


def test_installing_the_previewed_pack_switches_it_on(aid_county):
    computed(aid_county)
    client = aid_county.client("compiler")
    preview(client, raised_living_allowance())
    sha256 = client.session[SESSION_KEY]["sha256"]

    response = client.post(reverse("aid_pack_install"), {"sha256": sha256}, follow=True)

    assert response.status_code == 200
    active = PolicyPack.objects.get(active=True)
    assert (active.code, active.version, active.loaded_by) == (
        "shaanxi-2020",
        2,
        aid_county.user("compiler"),
    )
    assert SESSION_KEY not in client.session


def test_installing_without_a_preview_is_refused(aid_county):
    computed(aid_county)

    response = aid_county.client("compiler").post(reverse("aid_pack_install"), {"sha256": "0" * 64})

    assert response.status_code == 400
    assert PolicyPack.objects.count() == 1


def test_installing_a_version_already_loaded_with_other_content_shows_the_problem(aid_county):
    computed(aid_county)
    client = aid_county.client("compiler")
    preview(client, raised_living_allowance().replace("version = 2\n", "version = 1\n", 1))

    response = client.post(
        reverse("aid_pack_install"), {"sha256": client.session[SESSION_KEY]["sha256"]}
    )

    assert response.status_code == 400
    assert "already loaded with different content" in response.content.decode()
    assert PolicyPack.objects.get().version == 1


def test_the_auditor_may_preview_but_not_install(aid_county):
    computed(aid_county)
    client = aid_county.client("auditor")

    response = preview(client, raised_living_allowance())
    assert response.status_code == 200
    assert reverse("aid_pack_install") not in response.content.decode()

    sha256 = client.session[SESSION_KEY]["sha256"]
    response = client.post(reverse("aid_pack_install"), {"sha256": sha256})

    assert response.status_code == 403
    assert zh("Only the county aid office may do this.") in response.content.decode()
    assert PolicyPack.objects.count() == 1
