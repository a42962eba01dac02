"""``outreach cards``: the policy card (明白卡) of a household and term, from printing to the family's
signature, as the household page does it:

- ``cards print --household NUMBER [...] --term CODE [--pdf FILE] --user U``: mark the cards printed
  (``actions.mark_printed``); with ``--pdf`` print them through the aid office's printing into FILE,
  which marks them printed as well (``actions.print_cards``);
- ``cards deliver --household NUMBER --term CODE --date DATE --by TEXT --user U`` (``record_delivery``);
- ``cards sign --household NUMBER --term CODE --date DATE [--photo FILE] --user U``
  (``record_signature``; a photo that is not a photo or PDF, or too large, is refused, nothing stored);
- ``cards list --term CODE [--township CODE] [--json]``: the term's cards and their state."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from notoneless.outreach import actions, selectors
from notoneless.outreach.cli.common import (
    add_writer,
    household_by_number,
    opened_file,
    term_by_code,
    writer,
)
from notoneless.outreach.cli.reports import reader


def register(sub: Any) -> None:
    p = sub.add_parser("cards", help="policy cards (明白卡): printed, delivered, signed")
    inner = p.add_subparsers(dest="cards_action", required=True, metavar="ACTION")

    listing = inner.add_parser("list", help="the term's cards and their state")
    listing.add_argument("--term", metavar="CODE", help="default: the current term")
    listing.add_argument("--township", metavar="CODE", help="only this township (12-digit code)")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(run=run_list)

    printing = inner.add_parser("print", help="mark the households' cards printed (or print them)")
    printing.add_argument(
        "--household", action="append", required=True, metavar="NUMBER", help="household number"
    )
    printing.add_argument("--term", required=True, metavar="CODE")
    printing.add_argument(
        "--pdf", type=Path, metavar="FILE.pdf", help="print the cards into this file"
    )
    add_writer(printing)
    printing.set_defaults(run=run_print)

    deliver = inner.add_parser("deliver", help="the printed card was handed to the family")
    deliver.add_argument("--household", required=True, metavar="NUMBER")
    deliver.add_argument("--term", required=True, metavar="CODE")
    deliver.add_argument("--date", required=True, type=date.fromisoformat, metavar="DATE")
    deliver.add_argument("--by", required=True, metavar="TEXT", help="who handed it over")
    add_writer(deliver)
    deliver.set_defaults(run=run_deliver)

    sign = inner.add_parser("sign", help="the family signed the delivered card")
    sign.add_argument("--household", required=True, metavar="NUMBER")
    sign.add_argument("--term", required=True, metavar="CODE")
    sign.add_argument("--date", required=True, type=date.fromisoformat, metavar="DATE")
    sign.add_argument("--photo", type=Path, metavar="FILE", help="photo or scan of the signed card")
    add_writer(sign)
    sign.set_defaults(run=run_sign)


def run_print(command: BaseCommand, options: dict[str, Any]) -> None:
    user = writer(options)
    term = term_by_code(options["term"])
    households = [household_by_number(user, n, term) for n in options["household"]]
    out: Path | None = options["pdf"]
    if out is None:
        cards = actions.mark_printed(households=households, term=term, acting_user=user)
        command.stdout.write(f"{len(cards)} cards marked printed for {term.code} / 已印制")
        return
    printed = actions.print_cards(
        term=term, numbers=[h.number for h in households], acting_user=user, client="cli"
    )
    try:
        out.write_bytes(printed.pdf)
    except OSError as exc:
        raise CommandError(f"{out}: {exc.strerror} / 无法写入文件") from None
    command.stdout.write(f"{out}: {printed.pages} pages, cards marked printed / 已印制")


def run_deliver(command: BaseCommand, options: dict[str, Any]) -> None:
    user = writer(options)
    term = term_by_code(options["term"])
    card = actions.record_delivery(
        household=household_by_number(user, options["household"], term),
        term=term,
        delivered_on=options["date"],
        delivered_by=options["by"],
        acting_user=user,
    )
    command.stdout.write(
        f"{options['household']} {term.code}: delivered {card.delivered_on} / 已送达"
    )


def run_sign(command: BaseCommand, options: dict[str, Any]) -> None:
    user = writer(options)
    term = term_by_code(options["term"])
    household = household_by_number(user, options["household"], term)
    with opened_file(options["photo"]) as photo:
        card = actions.record_signature(
            household=household,
            term=term,
            signed_on=options["date"],
            photo=photo,
            acting_user=user,
        )
    kept = f", photo {card.photo_name}" if card.photo_path else ""
    command.stdout.write(f"{household.number} {term.code}: signed {card.signed_on}{kept} / 已签收")


def run_list(command: BaseCommand, options: dict[str, Any]) -> None:
    term = term_by_code(options["term"])
    cards = selectors.cards_for(reader(options), term).order_by("household__number")
    rows = [
        {
            "household": c.household.number,
            "state": c.state,
            "printed_at": c.printed_at.isoformat(),
            "delivered_on": c.delivered_on.isoformat() if c.delivered_on else None,
            "delivered_by": c.delivered_by,
            "signed_on": c.signed_on.isoformat() if c.signed_on else None,
            "photo": bool(c.photo_path),
        }
        for c in cards
    ]
    if options["json"]:
        command.stdout.write(json.dumps({"term": term.code, "cards": rows}, ensure_ascii=False))
        return
    for r in rows:
        command.stdout.write(
            f"{r['household']:<10} {r['state']:<9} {r['delivered_on'] or '—'} {r['signed_on'] or '—'}"
        )
    command.stdout.write(f"{len(rows)} cards in {term.code}")
