"""Async SQLAlchemy refuses implicit IO: a lazy relationship or an attribute expired by commit,
read as a plain attribute in async code, raises MissingGreenlet even with the session open.
selectinload, `await obj.awaitable_attrs.x` and expire_on_commit=False need no implicit IO.

The sandbox has no SQLAlchemy: a small stand-in over sqlite3, written below as a real package
`sqlalchemy` into a temporary folder first on sys.path, does what AsyncSession does here
(each awaited session call runs the sync ORM where IO is allowed, as greenlet_spawn does; IO
started from a plain attribute read is refused) and raises SQLAlchemy's messages."""

import asyncio
import re
import sqlite3
import sys
import tempfile
import textwrap
from pathlib import Path

from errata_check import load_snippet, record

STANDIN = r'''
"""The stand-in ORM over sqlite3 behind the public modules (sqlalchemy.orm, ...)."""

import asyncio
import contextvars
import sqlite3

BACKGROUND = "(Background on this error at: https://sqlalche.me/e/20/bhk3)"


class DetachedInstanceError(Exception):
    pass


class MissingGreenlet(Exception):
    pass


# SQLAlchemy's async layer runs the sync ORM inside greenlet_spawn() for each awaited call; IO
# started anywhere else (a plain attribute read) finds no greenlet and raises MissingGreenlet.
_IN_GREENLET = contextvars.ContextVar("in_greenlet", default=False)


def _name(obj) -> str:
    return f"<{type(obj).__name__} at {hex(id(obj))}>"


class _State:
    def __init__(self, session) -> None:
        self.session = session
        self.values: dict = {}
        self.expired: set = set()
        self.dirty: set = set()


class Column:
    def __set_name__(self, owner, name) -> None:
        self.name = name
        owner.__columns__ = [*getattr(owner, "__columns__", []), name]

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        state = obj._state
        if self.name in state.expired:  # SQLAlchemy refreshes expired attributes with a SELECT
            if state.session is None:
                raise DetachedInstanceError(
                    f"Instance {_name(obj)} is not bound to a Session; attribute refresh "
                    f"operation cannot proceed {BACKGROUND}"
                )
            state.session._refresh(obj)
        return state.values[self.name]

    def __set__(self, obj, value) -> None:
        obj._state.values[self.name] = value
        obj._state.expired.discard(self.name)
        obj._state.dirty.add(self.name)


class relationship:  # noqa: N801 - the library's name
    """A one-to-many relationship, lazy="select" (SQLAlchemy's default)."""

    def __init__(self, target: str, foreign_key: str) -> None:
        self.target, self.foreign_key = target, foreign_key

    def __set_name__(self, owner, name) -> None:
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        state = obj._state
        if self.name not in state.values:  # not loaded yet: the lazy load needs the session
            if state.session is None:
                raise DetachedInstanceError(
                    f"Parent instance {_name(obj)} is not bound to a Session; lazy load "
                    f"operation of attribute '{self.name}' cannot proceed {BACKGROUND}"
                )
            state.values[self.name] = state.session._load_related(obj, self)
        return state.values[self.name]


MODELS: dict = {}


class Base:
    def __init_subclass__(cls) -> None:
        MODELS[cls.__name__] = cls


class _SelectInLoad:
    def __init__(self, rel: relationship) -> None:
        self.rel = rel


def selectinload(attr) -> _SelectInLoad:
    return _SelectInLoad(attr)


class Session:
    def __init__(self, bind=None, expire_on_commit: bool = True, is_async: bool = False) -> None:
        self.is_async = is_async
        self.conn = sqlite3.connect(bind, check_same_thread=False)
        self.expire_on_commit = expire_on_commit
        self.identity: dict = {}
        self.closed = False

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _select(self, sql: str, params: tuple) -> list:
        if self.is_async and not _IN_GREENLET.get():
            raise MissingGreenlet(
                "greenlet_spawn has not been called; can't call await_only() here. Was IO "
                "attempted in an unexpected place? (Background on this error at: "
                "https://sqlalche.me/e/20/xd2s)"
            )
        QUERIES.append(sql)
        return self.conn.execute(sql, params).fetchall()

    def _row_to(self, cls, row):
        key = (cls, row[0])
        obj = self.identity.get(key)
        if obj is None:
            obj = cls.__new__(cls)
            obj._state = _State(self)
            self.identity[key] = obj
        obj._state.values.update(zip(cls.__columns__, row, strict=True))
        obj._state.expired.clear()
        return obj

    def get(self, cls, pk, options=()):
        rows = self._select(
            f"SELECT {', '.join(cls.__columns__)} FROM {cls.__tablename__} WHERE id = ?", (pk,)
        )
        if not rows:
            return None
        obj = self._row_to(cls, rows[0])
        for option in options:  # selectinload: one SELECT ... WHERE fk IN (...) now
            obj._state.values[option.rel.name] = self._load_related(obj, option.rel)
        return obj

    def _load_related(self, obj, rel: relationship) -> list:
        target = MODELS[rel.target]
        rows = self._select(
            f"SELECT {', '.join(target.__columns__)} FROM {target.__tablename__} "
            f"WHERE {rel.foreign_key} IN (?) ORDER BY id",
            (obj._state.values["id"],),
        )
        return [self._row_to(target, row) for row in rows]

    def _refresh(self, obj) -> None:
        cls = type(obj)
        row = self._select(
            f"SELECT {', '.join(cls.__columns__)} FROM {cls.__tablename__} WHERE id = ?",
            (obj._state.values["id"],),
        )[0]
        self._row_to(cls, row)

    def commit(self) -> None:
        for obj in self.identity.values():
            state = obj._state
            for column in sorted(state.dirty):
                self.conn.execute(
                    f"UPDATE {type(obj).__tablename__} SET {column} = ? WHERE id = ?",
                    (state.values[column], state.values["id"]),
                )
            state.dirty.clear()
        self.conn.commit()
        if self.expire_on_commit:  # every loaded attribute will be read again from the database
            for obj in self.identity.values():
                rels = [k for k in obj._state.values if k not in type(obj).__columns__]
                for key in rels:
                    del obj._state.values[key]
                obj._state.expired = set(type(obj).__columns__)

    def close(self) -> None:  # objects stay usable for what they loaded, and are detached
        for obj in self.identity.values():
            obj._state.session = None
        self.identity.clear()
        self.conn.close()
        self.closed = True


def sessionmaker(bind=None, expire_on_commit: bool = True):
    return lambda: Session(bind, expire_on_commit=expire_on_commit)


def _spawn(fn, *args, **kwargs):
    token = _IN_GREENLET.set(True)
    try:
        return fn(*args, **kwargs)
    finally:
        _IN_GREENLET.reset(token)


class AsyncSession:
    def __init__(self, bind=None, expire_on_commit: bool = True) -> None:
        self.sync_session = Session(bind, expire_on_commit=expire_on_commit, is_async=True)

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    async def get(self, cls, pk, options=()):
        await asyncio.sleep(0)
        return _spawn(self.sync_session.get, cls, pk, options=options)

    async def commit(self) -> None:
        await asyncio.sleep(0)
        _spawn(self.sync_session.commit)

    async def close(self) -> None:
        _spawn(self.sync_session.close)


def async_sessionmaker(bind=None, expire_on_commit: bool = True):
    return lambda: AsyncSession(bind, expire_on_commit=expire_on_commit)


class _AwaitableAttrs:
    def __init__(self, obj) -> None:
        self._obj = obj

    def __getattr__(self, name: str):
        async def load():
            await asyncio.sleep(0)
            return _spawn(getattr, self._obj, name)

        return load()


class AsyncAttrs:
    @property
    def awaitable_attrs(self) -> _AwaitableAttrs:
        return _AwaitableAttrs(self)


QUERIES: list = []  # every SELECT the session runs
'''

PACKAGE = {
    "sqlalchemy/__init__.py": "from . import exc, ext, orm\n",
    "sqlalchemy/_standin.py": STANDIN,
    "sqlalchemy/exc.py": "from sqlalchemy._standin import MissingGreenlet\n",
    "sqlalchemy/orm/__init__.py": """
        from sqlalchemy._standin import Session, relationship, selectinload, sessionmaker

        from . import exc
    """,
    "sqlalchemy/orm/exc.py": "from sqlalchemy._standin import DetachedInstanceError\n",
    "sqlalchemy/ext/__init__.py": "from . import asyncio\n",
    "sqlalchemy/ext/asyncio.py": """
        from sqlalchemy._standin import AsyncAttrs, AsyncSession, async_sessionmaker
    """,
}


def install_package(files: dict) -> None:
    """Write the stand-in library as real module files into a fresh folder and put that folder
    first on sys.path: the snippet's plain `import sqlalchemy...` finds it there."""
    root = Path(tempfile.mkdtemp())
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source).lstrip(), encoding="utf-8")
    sys.path.insert(0, str(root))


install_package(PACKAGE)

from sqlalchemy._standin import QUERIES, Base, Column  # noqa: E402 - the stand-in's own parts
from sqlalchemy.exc import MissingGreenlet  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncAttrs, AsyncSession  # noqa: E402
from sqlalchemy.orm import Session, relationship  # noqa: E402


# The application: its database and models (Base with the AsyncAttrs mixin).
class User(Base, AsyncAttrs):
    __tablename__ = "users"
    id = Column()
    name = Column()
    items = relationship("Item", "user_id")


class Item(Base, AsyncAttrs):
    __tablename__ = "items"
    id = Column()
    user_id = Column()
    title = Column()


engine = "app.db"
with sqlite3.connect(engine) as db:
    db.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
    db.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, user_id INTEGER, title TEXT)")
    db.executemany("INSERT INTO users VALUES (?, ?)", [(1, "ada"), (2, "bob")])
    db.executemany(
        "INSERT INTO items VALUES (?, ?, ?)", [(1, 1, "pen"), (2, 1, "ink"), (3, 2, "cup")]
    )

GREENLET = (
    "greenlet_spawn has not been called; can't call await_only() here. "
    "Was IO attempted in an unexpected place?"
)


def error_of(action) -> str:
    try:
        action()
    except MissingGreenlet as exc:
        return str(exc)
    return ""


async def wrong() -> tuple:
    async with AsyncSession(engine) as session:
        user = await session.get(User, 1)
        lazy = error_of(lambda: user.items)  # WRONG 1: a lazy load with the session open
        user.name = "Ada"
        await session.commit()  # expire_on_commit=True
        refresh = error_of(lambda: user.name)  # WRONG 2: the refresh after commit
    # the same code with a sync Session works: only the implicit IO in async code is refused
    with Session(engine) as sync_session:
        sync_titles = [i.title for i in sync_session.get(User, 1).items]
    return lazy, refresh, sync_titles


wrong_lazy, wrong_refresh, sync_titles = asyncio.run(wrong())
assert wrong_lazy.startswith(GREENLET), wrong_lazy
assert wrong_refresh.startswith(GREENLET), wrong_refresh
assert sync_titles == ["pen", "ink"], sync_titles

ns = load_snippet({"engine": engine, "User": User})


async def fixed() -> tuple:
    QUERIES.clear()
    eager = await ns["get_user_with_items"](1)
    titles = [item.title for item in eager.items]  # after the session closed: no IO needed
    queries = len(QUERIES)
    awaited = await ns["item_titles"](2)
    renamed = await ns["rename_user"](2, "Bob")
    return titles, queries, awaited, renamed


eager_titles, eager_queries, awaited_titles, renamed = asyncio.run(fixed())
assert eager_titles == ["pen", "ink"] and eager_queries == 2, (eager_titles, eager_queries)
assert awaited_titles == ["cup"], awaited_titles
assert renamed == {"id": 2, "name": "Bob"}, renamed
with sqlite3.connect(engine) as db:
    assert db.execute("SELECT name FROM users ORDER BY id").fetchall() == [("Ada",), ("Bob",)]

record(
    wrong_lazy_load=wrong_lazy,
    wrong_after_commit=wrong_refresh,
    sync_session_same_read=sync_titles,
    fixed_eager_titles=eager_titles,
    fixed_eager_queries=eager_queries,
    fixed_awaitable_attrs=awaited_titles,
    fixed_after_commit=renamed,
)
