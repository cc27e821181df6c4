"""An ORM object read after its session closed: a lazy relationship or an attribute expired by
commit needs the session, which is gone (DetachedInstanceError), also in a background thread.
Eager loading, expire_on_commit=False, plain dicts and ids for threads need no session later.

The sandbox has no SQLAlchemy: a small stand-in over sqlite3, written below as a real package
`sqlalchemy` into a temporary folder first on sys.path, does what SQLAlchemy's Session does
for these cases (lazy relationships loaded through the session, commit expiring attributes,
close detaching objects, selectinload) and raises its messages."""

import re
import sqlite3
import sys
import tempfile
import textwrap
import threading
from pathlib import Path

from errata_check import load_snippet, record

STANDIN = r'''
"""The stand-in ORM over sqlite3 behind the public modules (sqlalchemy.orm, ...)."""

import sqlite3

BACKGROUND = "(Background on this error at: https://sqlalche.me/e/20/bhk3)"


class DetachedInstanceError(Exception):
    pass


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
    def __init__(self, bind=None, expire_on_commit: bool = True) -> None:
        self.conn = sqlite3.connect(bind, check_same_thread=False)
        self.expire_on_commit = expire_on_commit
        self.identity: dict = {}
        self.closed = False

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _select(self, sql: str, params: tuple) -> list:
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


QUERIES: list = []  # every SELECT the session runs
'''

PACKAGE = {
    "sqlalchemy/__init__.py": "from . import orm\n",
    "sqlalchemy/_standin.py": STANDIN,
    "sqlalchemy/orm/__init__.py": """
        from sqlalchemy._standin import Session, relationship, selectinload, sessionmaker

        from . import exc
    """,
    "sqlalchemy/orm/exc.py": "from sqlalchemy._standin import DetachedInstanceError\n",
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
from sqlalchemy.orm import Session, relationship  # noqa: E402
from sqlalchemy.orm.exc import DetachedInstanceError  # noqa: E402


# The application: its database and models.
class User(Base):
    __tablename__ = "users"
    id = Column()
    name = Column()
    items = relationship("Item", "user_id")


class Item(Base):
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


def error_of(action) -> str:
    try:
        action()
    except DetachedInstanceError as exc:
        return str(exc)
    return ""


LAZY = r"Parent instance <User at 0x[0-9a-f]+> is not bound to a Session; lazy load operation of attribute 'items' cannot proceed"
REFRESH = r"Instance <User at 0x[0-9a-f]+> is not bound to a Session; attribute refresh operation cannot proceed"


# WRONG 1: the function returns the object and closes its session; the caller reads .items.
def get_user(user_id):
    with Session(engine) as session:
        user = session.get(User, user_id)
        assert [i.title for i in session.get(User, 2).items] == ["cup"]  # inside: lazy load works
        return user


user = get_user(1)
assert user.name == "ada"  # what was loaded is still there
wrong_lazy = error_of(lambda: user.items)
assert re.match(LAZY, wrong_lazy), wrong_lazy

# WRONG 2: commit (expire_on_commit=True, the default) expires everything; after close the
# next read needs a refresh that has no session.
with Session(engine) as session:
    renamed = session.get(User, 2)
    renamed.name = "Bob"
    session.commit()
wrong_refresh = error_of(lambda: renamed.name)
assert re.match(REFRESH, wrong_refresh), wrong_refresh

# WRONG 3: the request's object handed to a background thread after the request ended.
errors: list = []
request_user = get_user(1)
worker = threading.Thread(target=lambda: errors.append(error_of(lambda: request_user.items)))
worker.start()
worker.join(timeout=30)
assert len(errors) == 1 and re.match(LAZY, errors[0]), errors

ns = load_snippet({"engine": engine, "User": User})

# FIXED 1: selectinload inside the session; readable after close, in two SELECTs.
QUERIES.clear()
eager = ns["get_user_with_items"](1)
eager_titles = [item.title for item in eager.items]
assert eager_titles == ["pen", "ink"], eager_titles
assert eager.items[0].title == "pen" and len(QUERIES) == 2, QUERIES  # no query after close

# FIXED 2: a plain dict built in the session.
as_dict = ns["user_as_dict"](2)
assert as_dict == {"id": 2, "name": "Bob", "items": ["cup"]}, as_dict
assert ns["user_as_dict"](99) is None

# FIXED 3: expire_on_commit=False: the committed object stays readable after close.
kept = ns["rename_user"](1, "Ada")
assert kept.name == "Ada" and [i.title for i in kept.items] == ["pen", "ink"]
with sqlite3.connect(engine) as db:
    assert db.execute("SELECT name FROM users WHERE id = 1").fetchone() == ("Ada",)

# FIXED 4: the background thread gets the id and opens its own session.
delivered: list = []
ns["report_in_background"](1, delivered.append).join(timeout=30)
assert delivered == [{"id": 1, "name": "Ada", "items": ["pen", "ink"]}], delivered

record(
    wrong_lazy_load=re.sub(r"0x[0-9a-f]+", "0x...", wrong_lazy),
    wrong_after_commit=re.sub(r"0x[0-9a-f]+", "0x...", wrong_refresh),
    wrong_in_thread=bool(errors[0]),
    fixed_eager_titles=eager_titles,
    fixed_eager_queries=2,
    fixed_dict=as_dict,
)
