"""``notoneless demo``: orchestration with the generator and the importer stubbed.

The stubs stand in for ``generate`` and ``import`` (other parts of the foundation); everything else
(migrate, markers, accounts, collectstatic, the refusal to touch foreign data) runs for real.
"""

import json
import stat
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core import management
from django.core.management import CommandError, call_command
from django.utils import timezone

from notoneless.accounts.models import Role, User
from notoneless.audit.models import AuditEntry
from notoneless.demo.management.commands import demo
from notoneless.registry.models import Division, Enrollment, ImportRun, School, Student
from notoneless.retention.models import Absence

pytestmark = pytest.mark.django_db

REAL_CALL_COMMAND = management.call_command


class Stubs:
    """Records generate/import calls; imports write an ImportRun and, for schools, a school."""

    def __init__(self, fail_on: str = "") -> None:
        self.calls: list[tuple[str, ...]] = []
        self.fail_on = fail_on

    def __call__(self, name, *args, **kwargs):
        if name == "generate":
            self.calls.append((name, *args))
            out = Path(args[args.index("--out") + 1])
            for path in demo.expected_files(out).values():
                path.write_text("stub")
            return None
        if name == "import":
            self.calls.append((name, *args))
            kind = args[0]
            if kind == self.fail_on:
                error = {
                    "row": 3,
                    "column": "身份证号",
                    "reason_en": "check character wrong",
                    "severity": "error",
                }
                kwargs["stdout"].write(
                    json.dumps({"kind": kind, "outcome": "refused", "issues": [error]})
                )
                raise SystemExit(1)
            if kind == "schools":
                make_school()
            ImportRun.objects.create(
                kind=kind,
                file_name=Path(args[1]).name,
                file_sha256="0" * 64,
                started_at=timezone.now(),
                outcome=ImportRun.Outcome.IMPORTED,
            )
            report = {
                "kind": kind,
                "outcome": "imported",
                "rows": 1201,
                "created": 1201,
                "warnings": 2,
            }
            kwargs["stdout"].write(json.dumps(report))
            return None
        return REAL_CALL_COMMAND(name, *args, **kwargs)

    def names(self, name: str) -> list[tuple[str, ...]]:
        return [call[1:] for call in self.calls if call[0] == name]


def make_school() -> School:
    county, _ = Division.objects.get_or_create(code="610802", name="榆阳区", level="county")
    township, _ = Division.objects.get_or_create(
        code="610802100000", name="鱼河镇", level="township", parent=county
    )
    school, _ = School.objects.get_or_create(
        code="2161000001",
        name="鱼河镇中心小学",
        school_type="primary",
        stages="primary",
        township=township,
        locality="rural",
    )
    return school


@pytest.fixture
def stubs(monkeypatch, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.STATIC_ROOT = tmp_path / "static"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
    recorder = Stubs()
    monkeypatch.setattr(demo, "call_command", recorder)
    return recorder


def run_demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", "--scale", "tiny", "--no-serve", *args, stdout=out)
    return out.getvalue()


def test_first_start_generates_and_imports_every_kind_in_dependency_order(stubs, tmp_path):
    output = run_demo()
    folder = tmp_path / "demo" / "tiny-1"
    assert stubs.names("generate") == [
        ("--scale", "tiny", "--seed", "1", "--out", str(folder) + ".partial")
    ]
    imports = stubs.names("import")
    assert [call[0] for call in imports] == list(demo.KINDS)
    issues = folder / "import-issues"
    assert next(call for call in imports if call[0] == "students") == (
        "students",
        str(folder / "students.xlsx"),
        "--term",
        "2020-autumn",
        "--json",
        "--errors",
        str(issues / "students.xlsx"),
    )
    attendance = next(call for call in imports if call[0] == "attendance")
    assert attendance[:2] == ("attendance", str(folder / "attendance-2020-11.csv"))
    assert folder.is_dir() and not (tmp_path / "demo" / "tiny-1.partial").exists()
    assert AuditEntry.objects.get(action=demo.LOADED).detail == {"scale": "tiny", "seed": 1}
    assert "import attendance" in output and "done in" in output
    summary = "1,201 rows: 1,201 created, 0 updated, 0 unchanged, 2 warnings"
    assert f"{summary} (see import-issues/students.xlsx)" in output
    assert (tmp_path / "static" / "admin" / "css" / "base.css").exists()  # collectstatic ran


def test_first_start_creates_one_account_per_role_with_scope_and_a_printed_password(
    stubs, tmp_path
):
    output = run_demo()
    password_file = tmp_path / "demo" / demo.PASSWORD_FILE
    password = password_file.read_text().strip()
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    assert password in output
    assert "http://127.0.0.1:8000/" in output
    users = {user.username: user for user in User.objects.all()}
    assert {name: user.role for name, user in users.items()} == {
        "admin": Role.COUNTY_ADMIN,
        "aid": Role.AID_OFFICER,
        "school": Role.SCHOOL_OFFICER,
        "township": Role.TOWNSHIP_OFFICER,
        "teacher": Role.TEACHER,
        "auditor": Role.AUDITOR,
    }
    school = School.objects.get()
    assert users["school"].school == users["teacher"].school == school
    assert users["township"].township == school.township
    assert users["admin"].is_superuser and not users["aid"].is_staff
    assert all(user.check_password(password) for user in users.values())
    assert AuditEntry.objects.filter(action="account.demo_setup").count() == 6


def test_a_later_start_skips_generate_and_import_and_keeps_accounts(stubs):
    first = run_demo()
    stubs.calls.clear()
    password = User.objects.get(username="aid").password
    second = run_demo()
    assert stubs.calls == []
    assert "already loaded" in second
    assert User.objects.count() == 6
    assert User.objects.get(username="aid").password == password
    printed = [line for line in first.splitlines() if "password" in line]
    assert printed and printed[-1] in second


def test_an_account_that_existed_before_the_demo_is_left_unchanged(stubs):
    make_school()
    own = User.objects.create_user("admin", password="the-owners-own-1", role=Role.AUDITOR)
    output = run_demo()
    own.refresh_from_db()
    assert own.check_password("the-owners-own-1")
    assert own.role == Role.AUDITOR and not own.is_superuser
    assert "admin existed before the demo" in output
    assert User.objects.count() == 6


def test_a_lost_password_file_gives_the_demo_accounts_a_new_password(stubs, tmp_path):
    run_demo()
    (tmp_path / "demo" / demo.PASSWORD_FILE).unlink()
    run_demo()
    password = (tmp_path / "demo" / demo.PASSWORD_FILE).read_text().strip()
    assert all(user.check_password(password) for user in User.objects.all())


def test_generated_files_are_reused_when_complete(stubs, tmp_path):
    folder = tmp_path / "demo" / "tiny-1"
    folder.mkdir(parents=True)
    for path in demo.expected_files(folder).values():
        path.write_text("made earlier")
    run_demo()
    assert stubs.names("generate") == []
    assert len(stubs.names("import")) == len(demo.KINDS)


def test_a_failed_import_stops_the_demo_naming_the_file_and_leaves_it_unmarked(stubs):
    stubs.fail_on = "households"
    with pytest.raises(
        CommandError, match=r"households\.xlsx as households failed: row 3, 身份证号"
    ):
        run_demo()
    assert [call[0] for call in stubs.names("import")][-1] == "households"
    assert not AuditEntry.objects.filter(action=demo.LOADED).exists()
    stubs.fail_on = ""
    stubs.calls.clear()
    run_demo()  # the next start finishes the job: imports are idempotent
    assert len(stubs.names("import")) == len(demo.KINDS)
    assert AuditEntry.objects.filter(action=demo.LOADED).exists()


def test_the_demo_refuses_a_database_with_imports_it_did_not_make(stubs):
    make_school()
    ImportRun.objects.create(
        kind="schools",
        file_name="real.xlsx",
        file_sha256="1" * 64,
        started_at=timezone.now(),
        outcome=ImportRun.Outcome.IMPORTED,
    )
    for args in [(), ("--reset",)]:
        with pytest.raises(CommandError, match="did not load"):
            run_demo(*args)
    assert stubs.calls == []
    assert School.objects.count() == 1
    assert not User.objects.exists()


# flush truncates, which PostgreSQL refuses inside the test transaction; rows made by data
# migrations are put back afterwards for the tests that follow.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reset_empties_the_demo_database_and_loads_again(stubs, tmp_path):
    run_demo()
    (tmp_path / "demo" / "tiny-1" / "schools.xlsx").write_text("stale")
    stubs.calls.clear()
    run_demo("--reset")
    assert len(stubs.names("generate")) == 1
    assert len(stubs.names("import")) == len(demo.KINDS)
    assert School.objects.count() == 1
    assert (tmp_path / "demo" / "tiny-1" / "schools.xlsx").read_text() == "stub"
    assert AuditEntry.objects.filter(action=demo.LOADED).count() == 1
    assert User.objects.count() == 6


def test_serving_uses_waitress_on_the_given_address_with_threads_for_two_cores(stubs, monkeypatch):
    served = {}

    def fake_serve(app, **kwargs):
        served.update(kwargs, app=app)

    monkeypatch.setattr("waitress.serve", fake_serve)
    monkeypatch.setattr(demo.os, "cpu_count", lambda: 2)
    call_command(
        "demo", "--scale", "tiny", "--host", "127.0.0.2", "--port", "8123", stdout=StringIO()
    )
    assert served["host"] == "127.0.0.2"
    assert served["port"] == 8123
    assert served["threads"] == 4
    assert callable(served["app"])


@pytest.mark.slow
def test_a_tiny_demo_end_to_end_generates_imports_and_restarts_in_seconds(settings, tmp_path):
    """No stubs: the real generator and the real import command, as a user runs them."""
    settings.DATA_DIR = tmp_path
    settings.STATIC_ROOT = tmp_path / "static"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    output = run_demo()
    folder = tmp_path / "demo" / "tiny-1"
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    assert Student.objects.count() == truth["counts"]["students"] > 0
    assert School.objects.count() == truth["counts"]["schools"]
    assert Absence.objects.count() == truth["counts"]["attendance-2020-11"]
    from notoneless.aid.models import AidOffice, Entitlement

    due = truth["eligible"]["compulsory_boarding"]["count"]
    assert 0.85 * due <= Entitlement.objects.filter(program="compulsory_boarding").count() <= due
    assert AidOffice.objects.get().phone == demo.DEMO_AID_PHONE
    runs = ImportRun.objects.filter(outcome=ImportRun.Outcome.IMPORTED)
    assert {run.kind for run in runs} == set(demo.KINDS)
    school_officer = User.objects.get(username="school")
    assert school_officer.school is not None
    assert Enrollment.objects.filter(
        school=school_officer.school, term__code="2020-autumn"
    ).exists()
    assert f"{truth['counts']['students']:,} rows" in output
    teacher = User.objects.select_related("teacher").get(username="teacher")
    assert teacher.teacher is not None and teacher.teacher.school_id == teacher.school_id
    from notoneless.care.models import Pairing
    from notoneless.retention.models import ScanRun

    assert Pairing.objects.exists() and ScanRun.objects.exists()
    for step in ("care:", "inclusion:", "outreach:", "dropout control:"):
        assert step in output

    started = time.monotonic()
    again = run_demo()
    assert "already loaded" in again
    assert time.monotonic() - started < 10
    assert Student.objects.count() == truth["counts"]["students"]
