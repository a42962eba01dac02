"""The special-group frame is read straight from the database cursor (``lib.queryframes``): it must
hold what the ORM would give, booleans included, on SQLite and on PostgreSQL."""

from __future__ import annotations

import polars as pl
import pytest
from django.db.models import Exists, OuterRef

from notoneless.care import groups
from notoneless.lib.queryframes import frame_of
from notoneless.registry.models import DisabilityRecord, School
from notoneless.registry.selectors import current_term

pytestmark = pytest.mark.django_db


def test_the_raw_frame_equals_the_orms_rows(care):
    rows = groups.enrolments(current_term(), School.objects.all())
    person = OuterRef("student__person_id")
    values = (
        rows.annotate(has_record=Exists(DisabilityRecord.objects.filter(person_id=person)))
        .order_by("pk")
        .values_list("pk", "student__person__name", "student__person__orphan", "has_record")
    )
    schema = {"pk": pl.Int64, "name": pl.Utf8, "orphan": pl.Boolean, "has_record": pl.Boolean}
    expected = pl.DataFrame(list(values), schema=schema, orient="row")
    assert expected.height > 0
    assert frame_of(values, schema).equals(expected)
    assert frame_of(values, schema)["orphan"].dtype == pl.Boolean
