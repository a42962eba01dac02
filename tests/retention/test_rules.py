from __future__ import annotations

from pathlib import Path

import pytest

from notoneless.retention.dropout_rules import RulesError, default_rules, load_rules


def test_the_shipped_rules_hold_the_default_thresholds():
    rules = default_rules()
    assert rules.consecutive_unexcused_days == 3
    assert rules.unexcused_days_in_month == 10
    assert rules.transfer_grace_days == 15
    assert rules.suspected_to_dropout_days == 30


GOOD = (
    'version = "t"\nconsecutive_unexcused_days = 3\nunexcused_days_in_month = 10\n'
    "transfer_grace_days = 15\nsuspected_to_dropout_days = 30\nfollow_up_days = 90\n"
    "notice_return_days = 7\nescalate_after_days = 7\n"
    '[[steps]]\nkind = "home_visit"\ndue_days = 0\n'
)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        (GOOD + "grace = 1\n", "grace"),
        (GOOD.replace("= 10", "= 0"), "unexcused_days_in_month"),
        (GOOD.replace("= 15", "= -2"), "transfer_grace_days"),
        (GOOD.replace("days = 3\n", 'days = "3"\n'), "consecutive_unexcused_days"),
        (GOOD.replace("suspected_to_dropout_days = 30\n", ""), "suspected_to_dropout_days"),
        (GOOD.replace('"home_visit"', '"tea"'), "steps.0.kind"),
        (GOOD + '[[steps]]\nkind = "home_visit"\ndue_days = 2\n', "each kind of step"),
    ],
)
def test_a_bad_rules_file_is_refused_naming_the_key(tmp_path: Path, text: str, named: str):
    path = tmp_path / "dropout.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulesError, match=named):
        load_rules(path)
