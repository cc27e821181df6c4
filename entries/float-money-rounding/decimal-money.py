"""Money as Decimal built from strings (or integer cents), rounded once, half-up, to the cent."""

from decimal import ROUND_HALF_UP, Decimal

# WRONG: price = 0.1 + 0.2 (0.30000000000000004); round(2.675, 2) -> 2.67;
#        total = sum(float(p) for p in prices) * 1.2 and comparing totals with ==.
CENT = Decimal("0.01")


def money(value: str | int | Decimal) -> Decimal:
    """An exact amount; floats are refused because their error is already in them."""
    if isinstance(value, float):
        raise TypeError("build money from a str, int or Decimal, not a float")
    return Decimal(value)


def to_cents(amount: Decimal) -> Decimal:
    """Round once, at the end, the way invoices do (half up), not banker's rounding."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def allocate(total: Decimal, parts: int) -> list[Decimal]:
    """Split an amount into cent-exact shares that add up to the total (first shares get the rest)."""
    cents = int(to_cents(total) / CENT)
    base, rest = divmod(cents, parts)
    return [(base + (1 if i < rest else 0)) * CENT for i in range(parts)]
