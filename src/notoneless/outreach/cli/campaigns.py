"""``outreach campaigns add --title TEXT --kind KIND --date DATE (--township CODE | --village CODE |
--place TEXT) [--material TYPE=COUNT ...] [--audience N] [--notes TEXT] [--term CODE] --user U``: a
campaign with the materials it handed out (``actions.record_campaign``). The listing,
``outreach campaigns [--term] [--json]``, is in ``reports``."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from notoneless.outreach import actions
from notoneless.outreach.cli.common import add_writer, pairs, term_by_code, writer
from notoneless.outreach.models import Campaign, Material
from notoneless.registry.models import Division


def register_writes(campaigns: Any) -> None:
    """``add`` under the ``campaigns`` listing (which runs when no action is given)."""
    inner = campaigns.add_subparsers(dest="campaigns_action", required=False, metavar="ACTION")
    p = inner.add_parser("add", help="record a campaign and the materials it handed out")
    p.add_argument("--title", required=True, metavar="TEXT")
    p.add_argument("--kind", required=True, choices=Campaign.Kind.values)
    p.add_argument("--date", required=True, type=date.fromisoformat, metavar="DATE")
    p.add_argument("--township", metavar="CODE", help="12-digit township code")
    p.add_argument("--village", metavar="CODE", help="12-digit village code")
    p.add_argument("--place", default="", metavar="TEXT", help="the venue")
    p.add_argument("--audience", type=int, metavar="N", help="people reached")
    p.add_argument("--notes", default="", metavar="TEXT")
    p.add_argument(
        "--material",
        action="append",
        default=[],
        metavar="TYPE=COUNT",
        help=f"handed out, e.g. brochure=200 (types: {', '.join(Material.values)})",
    )
    p.add_argument("--term", metavar="CODE", help="default: the term holding the date")
    add_writer(p)
    p.set_defaults(run=run_add)


def _division(code: str | None, level: str) -> Division | None:
    if not code:
        return None
    found = Division.objects.filter(code=code, level=level).first()
    if found is None:
        raise CommandError(f"没有此区划 / no {level} {code}")
    return found


def _counts(values: list[str]) -> dict[str, int]:
    counts = {}
    for material, count in pairs(values, "--material").items():
        try:
            counts[material] = int(count)
        except ValueError:
            raise CommandError(
                f"--material: the count of {material} must be a whole number / 数量应为整数"
            ) from None
    return counts


def run_add(command: BaseCommand, options: dict[str, Any]) -> None:
    user = writer(options)
    campaign = actions.record_campaign(
        term=term_by_code(options["term"], options["date"]),
        title=options["title"],
        kind=options["kind"],
        held_on=options["date"],
        township=_division(options["township"], Division.Level.TOWNSHIP),
        village=_division(options["village"], Division.Level.VILLAGE),
        place=options["place"],
        audience=options["audience"],
        notes=options["notes"],
        materials=_counts(options["material"]),
        acting_user=user,
    )
    handed = sum(m.count for m in campaign.materials.all())
    command.stdout.write(
        f"campaign {campaign.pk} recorded: {campaign.held_on} {campaign.title}"
        f" ({campaign.term.code}, {handed} materials) / 已登记"
    )
