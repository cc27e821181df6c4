"""A __getattr__ that cannot recurse: read own state via __dict__, raise AttributeError."""

# WRONG: when _wrapped is missing (pickle, copy, before __init__), self._wrapped calls
# __getattr__ again, forever:
#     def __getattr__(self, name):
#         return getattr(self._wrapped, name)   -> RecursionError


class Proxy:
    def __init__(self, wrapped: object) -> None:
        self._wrapped = wrapped

    def __getattr__(self, name: str):
        wrapped = self.__dict__.get("_wrapped")
        if wrapped is None or name.startswith("__"):
            raise AttributeError(f"{type(self).__name__!s} has no attribute {name!r}")
        return getattr(wrapped, name)
