"""Django refuses its sync ORM where an event loop runs in the thread (SynchronousOnlyOperation);
the async API (aget, async for, acount, acreate) runs the same queries in a worker thread and
the event loop keeps serving.

The sandbox has no Django: a small stand-in over sqlite3 does what Django does here (its
async_unsafe guard on the connection, lazy QuerySets, the a-prefixed methods as sync_to_async
wrappers run in one shared thread) and raises Django's message. It is written as module files
into a temporary directory put first on sys.path, so the snippet's own imports load it."""

import asyncio
import os
import sqlite3
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from errata_check import load_snippet, record, scaled

MESSAGE = "You cannot call this from an async context - use a thread or sync_to_async."
QUERY_S = scaled(5000)  # a 5 s query in the story, 50 ms here


# The stand-in, written as real module files: django (core.exceptions, utils.asyncio, db,
# db.models, http), asgiref.sync and channels.db. The snippet's own imports find them first on
# sys.path; the check imports the same modules, so both share one connection and one thread.
STANDIN = {
    "django/__init__.py": "",
    "django/core/__init__.py": "",
    "django/core/exceptions.py": '''
        class SynchronousOnlyOperation(Exception):
            pass


        class ObjectDoesNotExist(Exception):
            pass
    ''',
    "django/utils/__init__.py": "",
    "django/utils/asyncio.py": '''
        """django/utils/asyncio.py: refuse when an event loop runs in this thread."""

        import asyncio
        import functools
        import os

        from django.core.exceptions import SynchronousOnlyOperation

        MESSAGE = "You cannot call this from an async context - use a thread or sync_to_async."


        def async_unsafe(message):
            def decorator(func):
                @functools.wraps(func)
                def inner(*args, **kwargs):
                    try:
                        asyncio.get_running_loop()
                    except RuntimeError:
                        pass
                    else:
                        if not os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE"):
                            raise SynchronousOnlyOperation(message)
                    return func(*args, **kwargs)

                return inner

            if callable(message):  # used as @async_unsafe without arguments
                func, message = message, MESSAGE
                return decorator(func)
            return decorator
    ''',
    "asgiref/__init__.py": "",
    "asgiref/sync.py": '''
        """asgiref's sync_to_async: thread_sensitive=True (the default) runs every call in one
        shared thread, one after the other, as Django needs for its per-thread connections."""

        import asyncio
        import functools
        import threading
        from concurrent.futures import ThreadPoolExecutor

        _SENSITIVE = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync_to_async")
        _THREADS: set = set()


        def sync_to_async(func=None, *, thread_sensitive=True):
            if func is None:
                return lambda f: sync_to_async(f, thread_sensitive=thread_sensitive)

            @functools.wraps(func)
            async def wrapper(*args, **kwargs):
                loop = asyncio.get_running_loop()
                executor = _SENSITIVE if thread_sensitive else None

                def run():
                    _THREADS.add(threading.current_thread().name)
                    return func(*args, **kwargs)

                return await loop.run_in_executor(executor, run)

            return wrapper
    ''',
    "channels/__init__.py": "",
    "channels/db.py": '''
        from asgiref.sync import sync_to_async as database_sync_to_async
    ''',
    "django/db/__init__.py": '''
        import sqlite3
        import threading
        import time

        from django.utils.asyncio import async_unsafe

        DB_FILE = "app.sqlite3"
        QUERY_S = @QUERY_S@  # the database's time for one query
        QUERIES: list = []


        class DatabaseWrapper:
            """Django's connection: one sqlite3 connection per thread; cursor() is async-unsafe."""

            def __init__(self) -> None:
                self._local = threading.local()

            @async_unsafe
            def cursor(self):
                conn = getattr(self._local, "conn", None)
                if conn is None:
                    conn = self._local.conn = sqlite3.connect(DB_FILE)
                return conn.cursor()

            def execute(self, sql: str, params=()) -> list:
                cursor = self.cursor()
                QUERIES.append(sql)
                time.sleep(QUERY_S)  # the database's time; the calling thread waits
                rows = cursor.execute(sql, params).fetchall()
                cursor.connection.commit()
                return rows


        connection = DatabaseWrapper()
    ''',
    "django/db/models.py": '''
        from asgiref.sync import sync_to_async
        from django.core.exceptions import ObjectDoesNotExist
        from django.db import connection


        class QuerySet:
            """Lazy like Django's: filter() and order_by() run nothing; evaluating runs SQL."""

            def __init__(self, model, where=(), order="id") -> None:
                self.model, self.where, self.order = model, tuple(where), order
                self._result_cache = None

            def _clone(self, **changes):
                return QuerySet(
                    changes.get("model", self.model),
                    changes.get("where", self.where),
                    changes.get("order", self.order),
                )

            def filter(self, **kwargs):
                kwargs = {("id" if k == "pk" else k): v for k, v in kwargs.items()}
                return self._clone(where=self.where + tuple(sorted(kwargs.items())))

            def all(self):
                return self._clone()

            def order_by(self, field):
                return self._clone(order=field)

            def _sql(self, what: str):
                sql = f"SELECT {what} FROM {self.model.table}"
                if self.where:
                    sql += " WHERE " + " AND ".join(f"{k} = ?" for k, _ in self.where)
                return sql, tuple(v for _, v in self.where)

            def _fetch_all(self) -> None:
                if self._result_cache is None:
                    sql, params = self._sql(", ".join(self.model.fields))
                    rows = connection.execute(f"{sql} ORDER BY {self.order}", params)
                    self._result_cache = [
                        self.model(**dict(zip(self.model.fields, r))) for r in rows
                    ]

            def __iter__(self):
                self._fetch_all()
                return iter(self._result_cache)

            def __len__(self):
                self._fetch_all()
                return len(self._result_cache)

            def __repr__(self):
                self._fetch_all()
                return f"<QuerySet {self._result_cache!r}>"

            def count(self) -> int:
                sql, params = self._sql("COUNT(*)")
                return connection.execute(sql, params)[0][0]

            def get(self, **kwargs):
                found = list(self.filter(**kwargs))
                if not found:
                    name = self.model.__name__
                    raise self.model.DoesNotExist(f"{name} matching query does not exist.")
                return found[0]

            def create(self, **kwargs):
                names = [f for f in self.model.fields if f in kwargs]
                marks = ", ".join("?" * len(names))
                sql = f"INSERT INTO {self.model.table} ({', '.join(names)}) VALUES ({marks})"
                connection.execute(sql, tuple(kwargs[n] for n in names))
                new_id = connection.execute(f"SELECT MAX(id) FROM {self.model.table}")[0][0]
                return self.model(**{**kwargs, "id": new_id})

            # Django 4.1+: the async API, each a sync_to_async wrapper around the sync method
            async def aget(self, **kwargs):
                return await sync_to_async(self.get)(**kwargs)

            async def acount(self) -> int:
                return await sync_to_async(self.count)()

            async def acreate(self, **kwargs):
                return await sync_to_async(self.create)(**kwargs)

            def __aiter__(self):
                async def rows():
                    await sync_to_async(self._fetch_all)()
                    for obj in self._result_cache:
                        yield obj

                return rows()


        class Manager:
            def __init__(self, model) -> None:
                self.model = model

            def __getattr__(self, name):
                return getattr(QuerySet(self.model), name)

            def __aiter__(self):
                return QuerySet(self.model).__aiter__()


        class Model:
            fields: tuple = ()
            table = ""

            def __init__(self, **values) -> None:
                self.__dict__.update(values)

            def __init_subclass__(cls) -> None:
                cls.objects = Manager(cls)
                cls.DoesNotExist = type("DoesNotExist", (ObjectDoesNotExist,), {})

            def __repr__(self) -> str:
                return f"<{type(self).__name__}: {self.title}>"
    ''',
    "django/http.py": '''
        class JsonResponse:
            def __init__(self, data) -> None:
                self.data = data
    ''',
}

SITE = Path(tempfile.mkdtemp(prefix="standin-site-"))
for relative, source in STANDIN.items():
    path = SITE / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        textwrap.dedent(source).lstrip().replace("@QUERY_S@", repr(QUERY_S)), encoding="utf-8"
    )
sys.path.insert(0, str(SITE))  # first on the path: the snippet's `import django` finds these

from asgiref.sync import _THREADS  # noqa: E402
from django.core.exceptions import SynchronousOnlyOperation  # noqa: E402
from django.db import DB_FILE, QUERIES  # noqa: E402
from django.db.models import Model  # noqa: E402
from django.http import JsonResponse  # noqa: E402


# The application: its model and data.
class Article(Model):
    table = "articles"
    fields = ("id", "author", "title")


with sqlite3.connect(DB_FILE) as db:
    db.execute("CREATE TABLE articles (id INTEGER PRIMARY KEY, author TEXT, title TEXT)")
    db.executemany(
        "INSERT INTO articles VALUES (?, ?, ?)",
        [(1, "ada", "Notes"), (2, "ada", "Engines"), (3, "bob", "Cups")],
    )


def error_of(coro) -> str:
    try:
        asyncio.run(coro)
    except SynchronousOnlyOperation as exc:
        return f"django.core.exceptions.SynchronousOnlyOperation: {exc}"
    return ""


async def with_heartbeat(make_calls) -> tuple:
    """Run the calls next to a 5 ms heartbeat; return their results and the worst gap (ms)."""
    gaps: list = []
    stop = asyncio.Event()

    async def heartbeat() -> None:
        last = time.perf_counter()
        while not stop.is_set():
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    beat = asyncio.create_task(heartbeat())
    await asyncio.sleep(0.02)
    results = await asyncio.gather(*make_calls())
    stop.set()
    await beat
    return results, round(max(gaps) * 1000, 1)


# WRONG: the sync ORM called directly from an async view.
async def wrong_view(request, author):
    first = Article.objects.get(pk=1)
    titles = [article.title for article in Article.objects.filter(author=author)]
    return JsonResponse({"first": first.title, "titles": titles})


async def wrong_iteration(author):
    articles = Article.objects.filter(author=author)  # lazy: building it is allowed
    return [article.title for article in articles]  # the SELECT runs here


wrong_get = error_of(wrong_view(None, "ada"))
wrong_iter = error_of(wrong_iteration("ada"))
expected = f"django.core.exceptions.SynchronousOnlyOperation: {MESSAGE}"
assert wrong_get == expected, wrong_get
assert wrong_iter == expected, wrong_iter
# the same calls outside any event loop (a script, a sync view, manage.py shell) work
assert Article.objects.get(pk=1).title == "Notes"

AUTHORS = ("ada", "bob", "cy", "dee")

# DJANGO_ALLOW_ASYNC_UNSAFE only hides the error: each query then blocks the event loop
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
unsafe, unsafe_gap_ms = asyncio.run(with_heartbeat(lambda: [wrong_view(None, a) for a in AUTHORS]))
del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
assert unsafe[0].data == {"first": "Notes", "titles": ["Notes", "Engines"]}, unsafe[0].data
assert unsafe_gap_ms >= QUERY_S * 1000, unsafe_gap_ms

ns = load_snippet({"Article": Article})
QUERIES.clear()
fixed, fixed_gap_ms = asyncio.run(
    with_heartbeat(lambda: [ns["author_page"](None, a) for a in AUTHORS])
)
pages = {a: r.data for a, r in zip(AUTHORS, fixed, strict=True)}
assert all(isinstance(p.pop("draft"), int) for p in pages.values()), pages
assert pages["ada"]["titles"] == ["Notes", "Engines"] and pages["ada"]["count"] == 2, pages
assert pages["bob"]["titles"] == ["Cups"] and pages["bob"]["count"] == 1, pages
assert pages["cy"]["titles"] == [] and pages["cy"]["count"] == 0, pages
assert all(p["first"] == "Notes" for p in pages.values()), pages
with sqlite3.connect(DB_FILE) as db:
    drafts = db.execute("SELECT author FROM articles WHERE title = 'Draft' ORDER BY author")
    assert [r[0] for r in drafts] == list(AUTHORS)
assert _THREADS == {"sync_to_async_0"}, _THREADS
# the loop kept its 5 ms heartbeat while 4 views ran 5 queries each in the worker thread
assert fixed_gap_ms < unsafe_gap_ms / 4, (
    fixed_gap_ms,
    unsafe_gap_ms,
)

record(
    wrong_get_in_async_view=wrong_get,
    wrong_queryset_iteration=wrong_iter,
    unsafe_env_worst_loop_gap_ms=unsafe_gap_ms,
    fixed_pages=pages,
    fixed_queries=len(QUERIES),
    fixed_worst_loop_gap_ms=fixed_gap_ms,
)
