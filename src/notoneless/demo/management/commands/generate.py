"""``notoneless generate``: synthetic registers of a demo county (see docs/demo-data.md)."""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table

from notoneless.demo.generator import SCALES, NoiseRates, Summary, generate


def parse_noise(items: list[str]) -> dict[str, float]:
    """``typed_digit=0.03`` (repeatable, or comma-separated) to {"typed_digit": 0.03}."""
    out: dict[str, float] = {}
    for item in items:
        for part in filter(None, item.split(",")):
            name, sep, value = part.partition("=")
            if not sep:
                raise CommandError(f"--noise expects KIND=RATE, got '{part}'")
            try:
                out[name.strip()] = float(value)
            except ValueError as exc:
                raise CommandError(f"--noise {name}: '{value}' is not a number") from exc
    return out


class Command(BaseCommand):
    help = (
        "Write the synthetic registers of a demo county, calibrated to Yuyang District (357 schools, "
        "173,958 students), with truth.json. Same seed, same bytes. 生成演示县数据。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            choices=list(SCALES),
            default="tiny",
            help="tiny (~1,200 students), small (~12,000), yuyang (173,958), province (~7 million)",
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--out", required=True, type=Path, help="folder for the files (created)"
        )
        parser.add_argument(
            "--noise",
            action="append",
            default=[],
            metavar="KIND=RATE",
            help="override a noise rate, e.g. --noise missing_id=0.1 (kinds: "
            + ", ".join(NoiseRates().as_dict())
            + ")",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            noise = NoiseRates().with_overrides(parse_noise(options["noise"]))
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        console = Console(file=cast(IO[str], self.stdout), highlight=False)
        with console.status(f"generating {options['scale']} (seed {options['seed']})…") as status:
            summary = generate(
                options["scale"],
                options["seed"],
                options["out"],
                noise,
                progress=lambda step: status.update(f"generating: {step}"),
            )
        print_summary(console, summary)


def print_summary(console: Console, summary: Summary) -> None:
    console.print(
        f"[bold]{summary.scale}[/] seed {summary.seed}: wrote {summary.out} in {summary.seconds:.1f} s"
        + (f" ({summary.counties} counties)" if summary.counties > 1 else "")
    )
    files = Table("file", "rows", title="Files")
    for name, rows in summary.counts.items():
        files.add_row(name, f"{rows:,}")
    console.print(files)
    programs = Table("program", "eligible", "万元 this term", title="Eligible, autumn 2020 (truth)")
    for code, value in summary.eligible.items():
        programs.add_row(code, f"{value['count']:,}", f"{value['fen'] / 1_000_000:,.2f}")
    console.print(programs)
    seed = Table(
        "seed figure", "target", "eligible", "off", title="Against the seed's figures (scaled)"
    )
    for code, value in summary.seed_comparison.items():
        off = (value["eligible"] - value["target"]) / value["target"] if value["target"] else 0.0
        seed.add_row(code, f"{value['target']:,}", f"{value['eligible']:,}", f"{off:+.1%}")
    console.print(seed)
