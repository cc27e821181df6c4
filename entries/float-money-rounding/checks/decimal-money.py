"""Floats drift and round 2.675 down; Decimal from strings stays exact and rounds half up."""

from errata_check import load_snippet, record

floats = sum([0.1] * 10)
assert floats != 1.0 and 0.1 + 0.2 == 0.30000000000000004
assert round(2.675, 2) == 2.67  # 2.675 is stored as 2.67499999...
prices = ["19.99", "5.01", "0.10", "0.20"] * 25
float_total = sum(float(p) for p in prices)
assert float_total != 632.5, float_total

ns = load_snippet()
money, to_cents, allocate = ns["money"], ns["to_cents"], ns["allocate"]
exact = sum(money(p) for p in prices)
assert exact == money("632.50"), exact
assert sum([money("0.1")] * 10) == money("1.0") and money("0.1") + money("0.2") == money("0.3")
assert to_cents(money("2.675")) == money("2.68") and to_cents(money("0.125")) == money("0.13")
assert to_cents(money("19.99") * money("1.0825")) == money("21.64")  # 21.639175 -> 21.64
shares = allocate(money("100.00"), 3)
assert shares == [money("33.34"), money("33.33"), money("33.33")] and sum(shares) == money("100.00")
try:
    money(0.1)
    raise AssertionError("a float was accepted")
except TypeError:
    pass
record(float_sum_of_tenths=repr(floats), float_round_2_675=round(2.675, 2), float_total=repr(float_total), exact_total=str(exact))
