"""A setter assigning its own property, a getter returning it and an override calling itself each
raise RecursionError with one line repeated; the snippet's Account and AuditedList do not."""

import traceback

from errata_check import load_snippet, record


class NaiveAccount:
    def __init__(self, owner):
        self.owner = owner

    @property
    def owner(self):
        return self.owner

    @owner.setter
    def owner(self, value):
        self.owner = value.strip()


class NaiveAuditedList(list):
    def append(self, item):
        self.append(item)


def repeated(action) -> int:
    """How many times the traceback says the last line repeated."""
    try:
        action()
    except RecursionError as error:
        assert "maximum recursion depth exceeded" in str(error), error
        text = "".join(traceback.format_exception(error))
        marker = text.rsplit("[Previous line repeated ", 1)
        assert len(marker) == 2, text[-500:]
        return int(marker[1].split()[0])
    raise AssertionError("no RecursionError")


setter_repeats = repeated(lambda: NaiveAccount(" ada "))
getter_repeats = repeated(lambda: NaiveAccount.__new__(NaiveAccount).owner)
override_repeats = repeated(lambda: NaiveAuditedList().append(1))
assert min(setter_repeats, getter_repeats, override_repeats) > 500

ns = load_snippet()
account = ns["Account"]("  Ada ", 10)
assert account.owner == "Ada" and account.balance == 10
account.owner = "Grace  "
assert account.owner == "Grace"
try:
    account.owner = "   "
    raise AssertionError("an empty owner was accepted")
except ValueError:
    pass
assert account.owner == "Grace" and vars(account) == {"_owner": "Grace", "_balance": 10}
items = ns["AuditedList"](1, 2)
for value in range(3, 1003):
    items.append(value)
assert items == list(range(1, 1003)) and items.appends == 1000
record(setter_repeats=setter_repeats, getter_repeats=getter_repeats, override_repeats=override_repeats)
