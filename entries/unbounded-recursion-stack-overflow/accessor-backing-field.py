"""A property whose setter assigns the property itself (or whose getter returns it) calls itself
until Python stops it:

WRONG:
    @owner.setter
    def owner(self, value):
        self.owner = value.strip()      # runs this setter again
    RecursionError: maximum recursion depth exceeded
    (the traceback shows `self.owner = value` then "[Previous line repeated 996 more times]")

RIGHT: store the value in a differently named attribute (_owner) that only the property touches.
The same goes for a method that calls itself by mistake where it meant the parent's method:
call super().method(...), not self.method(...).
"""


class Account:
    """An account whose owner is validated on every assignment, including in __init__."""

    def __init__(self, owner: str, balance: int = 0) -> None:
        self.owner = owner  # runs the setter once
        self._balance = balance

    @property
    def owner(self) -> str:
        return self._owner

    @owner.setter
    def owner(self, value: str) -> None:
        value = value.strip()
        if not value:
            raise ValueError("owner must not be empty")
        self._owner = value  # the backing attribute, not the property

    @property
    def balance(self) -> int:
        return self._balance


class AuditedList(list):
    """A list that counts appends: the override calls the parent's append, not itself."""

    def __init__(self, *items: object) -> None:
        super().__init__(items)
        self.appends = 0

    def append(self, item: object) -> None:
        self.appends += 1
        super().append(item)  # WRONG: self.append(item) would call this method again
