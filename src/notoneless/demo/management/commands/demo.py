"""``notoneless demo``: a demo county, loaded through the users' import path, served by waitress.

First start: migrate, generate the county's registers (or reuse generated files), import every
file with ``notoneless import`` in dependency order, create one account per role, collect static
files and serve. Later starts find the county loaded and are ready in seconds.

The demo never mixes its invented children into a database that holds imported data of its own: it
refuses to load (or ``--reset``) a database with imports it did not make.
"""

from __future__ import annotations

import io
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Count, Exists, OuterRef

from notoneless.accounts.models import Role, User
from notoneless.audit import actions as audit
from notoneless.audit.models import AuditEntry
from notoneless.registry.imports import KINDS as IMPORT_KINDS
from notoneless.registry.models import Enrollment, ImportRun, School, Teacher

SCALES = ("tiny", "small", "yuyang")
TERM = "2020-autumn"
ATTENDANCE_FILE = "attendance-2020-11.csv"
SCAN_DAY = "2020-11-30"  # the last day of the demo's attendance
# each app's demo set-up, run through its own actions as its users would
APP_SETUPS = (
    (
        "care: pair the special-group children of the demo township with helpers, log support",
        "notoneless.care.demo",
    ),
    (
        "inclusion: placements decided, plans and home-teaching sessions",
        "notoneless.inclusion.demo",
    ),
    (
        "outreach: campaigns, household visits with the survey, policy cards",
        "notoneless.outreach.demo",
    ),
    ("school balance: plan the week of itinerant teaching", "notoneless.schools.demo"),
)
# The import's own dependency order, less what the generator does not write (national lists).
KINDS = tuple(kind for kind in IMPORT_KINDS if kind != "hardship-list")
EXTRA_ARGS = {"students": ("--term", TERM)}
DEMO_AID_OFFICE = "榆阳区学生资助管理中心（演示）"
DEMO_AID_PHONE = "0912-0000000"
LOAD_STARTED, LOADED = "demo.load_started", "demo.loaded"
PASSWORD_FILE = "demo-password.txt"
ACCOUNT_SETUP = "account.demo_setup"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    description: str


ACCOUNTS = (
    DemoAccount("admin", Role.COUNTY_ADMIN, "county administrator 县教体局管理员 (+ Django admin)"),
    DemoAccount("aid", Role.AID_OFFICER, "aid officer 资助专干"),
    DemoAccount("school", Role.SCHOOL_OFFICER, "school officer 学校管理员"),
    DemoAccount("township", Role.TOWNSHIP_OFFICER, "township officer 乡镇教育专干"),
    DemoAccount("teacher", Role.TEACHER, "teacher 教师"),
    DemoAccount("auditor", Role.AUDITOR, "auditor (read-only) 审计员"),
)


class Command(BaseCommand):
    help = (
        "Set up and serve a demo county: migrate, generate and import the registers (first start "
        "only), create one account per role, serve with waitress. 演示县一键启动。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=SCALES, default="yuyang", help="default: yuyang")
        parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="stop after setting up")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="empty the demo database and regenerate the files before loading",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        scale, seed = options["scale"], options["seed"]
        with self.step("migrate the database"):
            call_command("migrate", interactive=False, verbosity=0)
        folder = Path(settings.DATA_DIR) / "demo" / f"{scale}-{seed}"
        if options["reset"]:
            self.reset(folder)
        self.load(scale, seed, folder)
        with self.step("demo accounts"):
            password, not_ours = ensure_accounts(Path(settings.DATA_DIR) / "demo")
            for username in not_ours:
                message = f"  account {username} existed before the demo: left unchanged"
                self.stdout.write(self.style.WARNING(message))
        with self.step("collect static files"):
            call_command("collectstatic", interactive=False, verbosity=0)
        url = f"http://{options['host']}:{options['port']}/"
        self.print_accounts(password, not_ours, url)
        self.stdout.write(f"Ready in {time.monotonic() - started:.1f} s.")
        if not options["no_serve"]:
            self.serve(options["host"], options["port"])

    # --- steps -----------------------------------------------------------------------------

    @contextmanager
    def step(self, title: str) -> Iterator[None]:
        self.stdout.write(self.style.MIGRATE_HEADING(f"▶ {title}"))
        begun = time.monotonic()
        yield
        self.stdout.write(f"  done in {time.monotonic() - begun:.1f} s")

    def reset(self, folder: Path) -> None:
        if load_state()["foreign"]:
            raise CommandError(REFUSE_FOREIGN)
        with self.step("reset: empty the database and remove generated files"):
            call_command("flush", interactive=False, verbosity=0)
            shutil.rmtree(folder, ignore_errors=True)

    def load(self, scale: str, seed: int, folder: Path) -> None:
        state = load_state()
        if state["loaded"]:
            loaded = state["loaded"]
            what = f"{loaded.get('scale')}, seed {loaded.get('seed')}"
            self.stdout.write(f"Demo county already loaded ({what}): no generate, no import.")
            if loaded != {"scale": scale, "seed": seed}:
                self.stdout.write(self.style.WARNING("Use --reset to load another scale or seed."))
            return
        if state["foreign"]:
            raise CommandError(REFUSE_FOREIGN)
        with self.step(f"generate the {scale} county (seed {seed}) in {folder}"):
            files, generated = ensure_files(folder, scale, seed, self)
            if not generated:
                self.stdout.write("  reusing the files generated earlier")
        mark(LOAD_STARTED, scale, seed)
        issues = folder / "import-issues"
        issues.mkdir(exist_ok=True)
        for kind in KINDS:
            with self.step(f"import {kind} from {files[kind].name}"):
                report = run_import(kind, files[kind], issues)
                self.stdout.write(import_summary(kind, report, issues))
        with self.step("match the registers to the students"):
            self.stdout.write(match_registers())
        with self.step(f"student aid: compute {TERM}"):
            self.stdout.write(setup_aid())
        with self.step(f"dropout control: scan the absences as of {SCAN_DAY}"):
            self.stdout.write(setup_retention())
        for title, setup in APP_SETUPS:
            with self.step(title):
                self.stdout.write("  " + import_module(setup).setup(**setup_options(setup)).strip())
        mark(LOADED, scale, seed)

    def print_accounts(self, password: str, not_ours: list[str], url: str) -> None:
        self.stdout.write(self.style.SUCCESS("\nDemo accounts 演示账号 (one password for all):"))
        users = User.objects.select_related("school", "township").in_bulk(
            [a.username for a in ACCOUNTS], field_name="username"
        )
        for account in ACCOUNTS:
            user = users.get(account.username)
            scope = user and (user.school or user.township)
            where = f": {scope}" if scope else ""
            if account.username in not_ours:
                where += " (an existing account: its own password)"
            self.stdout.write(f"  {account.username:<10} {account.description}{where}")
        self.stdout.write(f"  password 密码: {password}")
        self.stdout.write(self.style.SUCCESS(f"\nOpen {url}"))

    def serve(self, host: str, port: int) -> None:
        from django.core.wsgi import get_wsgi_application
        from waitress import serve

        allow_host(host)
        if host in ("0.0.0.0", "::"):
            self.stdout.write("Other machines need this host in NOTONELESS_ALLOWED_HOSTS.")
        threads = waitress_threads()
        worker = start_worker()
        self.stdout.write(f"Background jobs: a worker runs beside the server (pid {worker.pid}).")
        self.stdout.write(f"Serving with waitress ({threads} threads); press Ctrl-C to stop.")
        try:
            with suppress(KeyboardInterrupt):  # waitress usually handles Ctrl-C itself and returns
                serve(
                    get_wsgi_application(),
                    host=host,
                    port=port,
                    threads=threads,
                    ident="notoneless",
                )
        finally:
            stop_worker(worker)
        self.stdout.write("Stopped.")


def start_worker() -> subprocess.Popen[bytes]:
    """``notoneless worker`` in a process of its own, with this process's settings and data folder."""
    return subprocess.Popen([sys.executable, "-m", "notoneless", "worker"], env=dict(os.environ))


def stop_worker(worker: subprocess.Popen[bytes]) -> None:
    """Ask the worker to stop (it finishes the job under way), then wait for it."""
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()


REFUSE_FOREIGN = (
    "This database holds imported registers that the demo did not load; the demo will not mix "
    "invented children into it (nor empty it). Point NOTONELESS_DATA_DIR or "
    "NOTONELESS_DATABASE_URL at an empty database. 此数据库已有真实导入数据，演示数据不会写入。"
)


def load_state() -> dict[str, Any]:
    """The demo's ``loaded`` marker (scale and seed), and whether the database has other imports."""
    loaded = AuditEntry.objects.filter(action=LOADED).order_by("-at", "-id").first()
    demo_started = AuditEntry.objects.filter(action=LOAD_STARTED).exists()
    foreign = ImportRun.objects.exists() and not demo_started
    return {"loaded": loaded.detail if loaded else None, "foreign": foreign}


def mark(action: str, scale: str, seed: int) -> None:
    audit.record(action, acting_user=None, detail={"scale": scale, "seed": seed}, client="cli")


def expected_files(folder: Path) -> dict[str, Path]:
    files = {}
    for kind in KINDS:
        if kind == "attendance":
            files[kind] = folder / ATTENDANCE_FILE
            continue
        candidates = [folder / f"{kind}.{ext}" for ext in ("xlsx", "csv", "xls")]
        files[kind] = next((c for c in candidates if c.exists()), candidates[0])
    return files


def ensure_files(
    folder: Path, scale: str, seed: int, command: BaseCommand
) -> tuple[dict[str, Path], bool]:
    """The generated registers: reused when complete, else generated afresh (into a side folder
    first, so an interrupted run never leaves a half-written county that looks complete)."""
    files = expected_files(folder)
    if all(path.exists() for path in files.values()):
        return files, False
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    args = ["--scale", scale, "--seed", str(seed), "--out", str(partial)]
    call_command("generate", *args, stdout=command.stdout, stderr=command.stderr)
    shutil.rmtree(folder, ignore_errors=True)
    partial.rename(folder)
    files = expected_files(folder)
    missing = [path.name for path in files.values() if not path.exists()]
    if missing:
        raise CommandError(f"generate did not write {', '.join(missing)} in {folder}")
    return files, True


def match_registers() -> str:
    """Link the register rows the imports could not link by ID, as a clerk would with ``match run``,
    and list the findings of the term."""
    from notoneless.matching.actions import run_matching
    from notoneless.matching.findings import compute_findings
    from notoneless.registry.models import Term

    run = run_matching(acting_user=None)
    counts = run.counts
    text = (
        f"  {counts.get('probabilistic', 0):,} links by the model, "
        f"{counts.get('review', 0):,} pairs for review"
    )
    if Term.objects.filter(code=TERM).exists():
        findings = compute_findings(run=run, term_code=TERM, acting_user=None)
        text += "; findings: " + ", ".join(f"{k} {n:,}" for k, n in findings.items())
    return text


def setup_aid() -> str:
    """The demo aid office (a made-up number) and the term's entitlements, computed as an aid officer
    would with ``aid compute``; the lists are left for the schools to check and submit."""
    from notoneless.aid.compute import compute_term
    from notoneless.aid.documents import set_aid_office
    from notoneless.registry.models import Term

    set_aid_office(name=DEMO_AID_OFFICE, phone=DEMO_AID_PHONE, acting_user=None)
    if not Term.objects.filter(code=TERM).exists():
        return "  no student roster for the term: nothing to compute"
    outcome = compute_term(term_code=TERM, acting_user=None)
    return f"  {outcome.added + outcome.unchanged:,} entitlements for {outcome.students:,} students"


def setup_retention() -> str:
    """The dropout scan over the imported absences, as the bureau runs it with ``retention scan``."""
    from datetime import date

    from notoneless.retention.actions import NoTerm, scan

    try:
        result = scan(as_of=date.fromisoformat(SCAN_DAY), acting_user=None)
    except NoTerm:
        return "  no term holds the scan day: nothing to scan"
    return f"  {result.opened:,} cases opened (suspected dropouts)"


def run_import(kind: str, path: Path, issues: Path) -> dict[str, Any]:
    """One file through ``notoneless import``, the same path a clerk's file takes; returns its
    JSON report. Row problems go to ``issues/<kind>.xlsx`` rather than filling the screen."""
    errors_file = issues / f"{kind}.xlsx"
    args = [kind, str(path), *EXTRA_ARGS.get(kind, ()), "--json", "--errors", str(errors_file)]
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import", *args, stdout=out, stderr=err)
    except (CommandError, SystemExit) as exc:
        report = _json(out.getvalue())
        problems = "; ".join(
            _issue(i) for i in report.get("issues", []) if i.get("severity") == "error"
        )
        detail = problems or err.getvalue().strip() or str(exc)
        raise CommandError(f"demo: importing {path} as {kind} failed: {detail[:1000]}") from exc
    return _json(out.getvalue())


def _json(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _issue(issue: dict[str, Any]) -> str:
    return f"row {issue.get('row')}, {issue.get('column')}: {issue.get('reason_en')}"


def import_summary(kind: str, report: dict[str, Any], issues: Path) -> str:
    counts = ", ".join(
        f"{report.get(key, 0):,} {key}" for key in ("created", "updated", "unchanged", "warnings")
    )
    line = f"  {report.get('rows', 0):,} rows: {counts}"
    if report.get("warnings"):
        line += f" (see {issues.name}/{kind}.xlsx)"
    return line


def setup_options(module: str) -> dict[str, Any]:
    """Care is set up in the demo school's township only, as a pilot: every pairing and log entry goes
    through the actions one by one, which at the yuyang scale (some 18,000 pairs) would take minutes."""
    if module == "notoneless.care.demo":
        township = demo_school().township
        return {"schools": School.objects.filter(township=township).order_by("code")}
    return {}


def demo_school() -> School:
    """A school with students, preferably a central school with teaching points."""
    schools = School.objects.select_related("township").filter(
        Exists(Enrollment.objects.filter(school=OuterRef("pk")))
    )
    school = (
        schools.filter(Exists(School.objects.filter(central_school=OuterRef("pk")))).first()
        or schools.first()
        or School.objects.select_related("township").first()
    )
    if school is None:
        raise CommandError("no school in the database: the demo accounts need one")
    return school


def demo_teacher(school: School) -> Teacher | None:
    """The teacher of the demo school the account acts as: one who teaches a disabled child at home
    if the school has one, then the one who helps the most children (care pairings)."""
    teachers = Teacher.objects.filter(school=school, account__isnull=True).annotate(
        plans=Count("inclusion_plan_versions", distinct=True),
        helped=Count("pairings", distinct=True),
    )
    return teachers.order_by("-plans", "-helped", "pk").first()


def ensure_accounts(folder: Path) -> tuple[str, list[str]]:
    """One account per role, created once with a shared password (kept in a 600 file).

    Returns the password and the demo user names that already belonged to someone else: those
    accounts are left exactly as they are.
    """
    password, fresh = demo_password(folder)
    school = demo_school()
    scope: dict[str, dict[str, object]] = {
        Role.SCHOOL_OFFICER: {"school": school},
        Role.TEACHER: {"school": school, "teacher": demo_teacher(school)},
        Role.TOWNSHIP_OFFICER: {"township": school.township},
        Role.COUNTY_ADMIN: {"is_staff": True, "is_superuser": True},
    }
    made_by_demo = set(
        AuditEntry.objects.filter(action=ACCOUNT_SETUP).values_list("object_id", flat=True)
    )
    not_ours = []
    with transaction.atomic():
        for account in ACCOUNTS:
            user = User.objects.filter(username=account.username).first()
            if user is None:
                user = User(username=account.username, role=account.role)
                for name, value in scope.get(account.role, {}).items():
                    setattr(user, name, value)
            elif str(user.pk) not in made_by_demo:
                not_ours.append(user.username)
                continue
            elif not fresh:
                continue
            user.set_password(password)
            user.save()
            audit.record(
                ACCOUNT_SETUP,
                acting_user=None,
                object_type="user",
                object_id=user.pk,
                detail={"username": user.username, "role": user.role},
                client="cli",
            )
    return password, not_ours


def demo_password(folder: Path) -> tuple[str, bool]:
    """(password, newly made): read from the data folder, or made and stored there (mode 600)."""
    path = folder / PASSWORD_FILE
    if path.exists():
        return path.read_text(encoding="utf-8").strip(), False
    folder.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(9)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(password + "\n")
    return password, True


def waitress_threads() -> int:
    """One process (the database is the shared state); threads mostly wait on the database and the
    network, so two per core, at least 4 (2 cores) and at most 8 (SQLite has one writer)."""
    return min(8, max(4, 2 * (os.cpu_count() or 1)))


def allow_host(host: str) -> None:
    """Let the address the demo was asked to listen on through ALLOWED_HOSTS."""
    if host not in ("0.0.0.0", "::") and host not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS.append(host)
