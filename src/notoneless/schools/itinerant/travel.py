"""Road minutes between schools: the travel table where it has the pair, else an estimate from the
schools' coordinates (straight-line distance × a road factor at a speed, both data), else unknown."""

from __future__ import annotations

import math
from collections.abc import Mapping

import polars as pl

from notoneless.schools.rules_data import TravelEstimate

EARTH_RADIUS_KM = 6371.0


def great_circle_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Haversine distance between two points given in degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


class Travel:
    """``minutes(a, b)``: road minutes between schools ``a`` and ``b`` (ids), or None when neither the
    table nor coordinates give it."""

    def __init__(
        self,
        table: pl.DataFrame,
        coordinates: Mapping[int, tuple[float, float]],
        estimate: TravelEstimate,
    ) -> None:
        self._table = {
            (a, b): m
            for a, b, m in table.select("school_a_id", "school_b_id", "minutes").iter_rows()
        }
        self._coordinates = dict(coordinates)
        self._estimate = estimate
        self._cache: dict[tuple[int, int], int | None] = {}

    def source(self, a: int, b: int) -> str:
        key = (min(a, b), max(a, b))
        if a == b or key in self._table:
            return "table"
        if a in self._coordinates and b in self._coordinates:
            return "coordinates"
        return "unknown"

    def minutes(self, a: int, b: int) -> int | None:
        if a == b:
            return 0
        key = (min(a, b), max(a, b))
        if key not in self._cache:
            self._cache[key] = self._look_up(key)
        return self._cache[key]

    def _look_up(self, key: tuple[int, int]) -> int | None:
        if key in self._table:
            return self._table[key]
        a, b = key
        if a not in self._coordinates or b not in self._coordinates:
            return None
        (lon1, lat1), (lon2, lat2) = self._coordinates[a], self._coordinates[b]
        km = great_circle_km(lon1, lat1, lon2, lat2) * self._estimate.road_factor
        return math.ceil(km / self._estimate.speed_kmh * 60)
