"""``notoneless check-id``: a table or JSON per number, exit code 1 when any number is unusable."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from notoneless.cli import command_argv

GOOD = "610802201003050013"
LATE_REGISTRATION = "370116201501010014"
TYPO = "610802201003050014"


def run(*args: str) -> str:
    out = StringIO()
    call_command("check_id", *args, stdout=out)
    return out.getvalue()


def run_console(*args: str, module: bool = False) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("notoneless")
    argv = [sys.executable, "-m", "notoneless"] if module else [str(script)]
    return subprocess.run(
        [*argv, *args], capture_output=True, text=True, timeout=60, env=os.environ.copy()
    )


def test_json_gives_every_field_for_each_number():
    data = json.loads(run(GOOD, "６１０８０２２０１００３０５００２１", "--json"))
    assert [item["status"] for item in data] == ["ok", "ok"]
    assert data[0] == {
        "input": GOOD,
        "normalised": GOOD,
        "status": "ok",
        "reasons": [],
        "birth_date": "2010-03-05",
        "sex": "M",
        "region_code": "610802",
        "region": "陕西省榆林市榆阳区",
    }
    assert data[1]["normalised"] == "610802201003050021"
    assert data[1]["sex"] == "F"


def test_warnings_are_usable_and_exit_zero():
    data = json.loads(run(LATE_REGISTRATION, "--json"))
    assert data[0]["status"] == "warning"
    assert "2018" in data[0]["reasons"][0]


def test_any_error_raises_with_exit_code_one_after_printing_all_numbers():
    out = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("check_id", GOOD, TYPO, "--json", stdout=out)
    assert raised.value.returncode == 1
    assert "1 of 2" in str(raised.value)
    statuses = [item["status"] for item in json.loads(out.getvalue())]
    assert statuses == ["ok", "error"]


def test_table_shows_normalised_value_status_birth_date_and_region():
    table = run(GOOD, LATE_REGISTRATION)
    assert "610802 陕西省榆林市榆阳区" in table
    assert "2010-03-05" in table
    assert "warning" in table
    assert "\x1b[" not in table  # no colour codes when not on a terminal


def test_input_with_brackets_prints_as_typed():
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check_id", "[bold]123", stdout=out)
    assert "[bold]123" in out.getvalue()


def test_console_script_accepts_the_hyphenated_name_and_prints_json():
    done = run_console("check-id", GOOD, "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[0]["status"] == "ok"


def test_console_script_exits_one_on_an_error():
    done = run_console("check-id", GOOD, TYPO, "--json", module=True)
    assert done.returncode == 1
    assert [item["status"] for item in json.loads(done.stdout)] == ["ok", "error"]
    assert "1 of 2" in done.stderr


def test_only_the_command_name_is_translated():
    assert command_argv(["check-id", "a-b"]) == ["check_id", "a-b"]
    assert command_argv(["import", "enrolled-elsewhere", "f.xlsx"]) == [
        "import",
        "enrolled-elsewhere",
        "f.xlsx",
    ]
    assert command_argv(["help", "check-id"]) == ["help", "check_id"]
    assert command_argv(["--version"]) == ["--version"]
    assert command_argv([]) == []
