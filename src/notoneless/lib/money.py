"""Money is integer fen; these turn it into yuan (元) and ten-thousands of yuan (万元), exactly, for
files, reports and screens."""

from __future__ import annotations

from decimal import Decimal

CENT = Decimal("0.01")


def yuan(fen: int | None) -> Decimal:
    """Fen as yuan with two decimals: 12345 → Decimal('123.45')."""
    return (Decimal(fen or 0) / 100).quantize(CENT)


def wan(fen: int | None) -> Decimal:
    """Fen as 万元 with two decimals: 123456789 → Decimal('123.46')."""
    return (Decimal(fen or 0) / 1_000_000).quantize(CENT)


def show_yuan(fen: int | None) -> str:
    """``12,345.50``: yuan with two decimals and thousands separated."""
    return f"{yuan(fen):,.2f}"


def show_wan(fen: int | None) -> str:
    return f"{wan(fen):,.2f}"


def yi(fen: int | None) -> Decimal:
    """Fen as 亿元 with two decimals: 48_600_000_000 → Decimal('4.86')."""
    return (Decimal(fen or 0) / 10_000_000_000).quantize(CENT)


def show_large(fen: int | None) -> str:
    """An amount the way Chinese reports write large sums: 4.86亿元 from one hundred million yuan
    up, else 6,921.80万元 (ten thousand yuan up), else 850.00元."""
    value = fen or 0
    if abs(value) >= 10_000_000_000:
        return f"{yi(value):,.2f}亿元"
    if abs(value) >= 1_000_000:
        return f"{wan(value):,.2f}万元"
    return f"{yuan(value):,.2f}元"
