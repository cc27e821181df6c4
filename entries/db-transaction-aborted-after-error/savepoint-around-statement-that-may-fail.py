"""Let one statement fail inside a longer transaction: wrap it in a SAVEPOINT, roll back to it."""

import itertools
import logging
from contextlib import contextmanager

log = logging.getLogger("db")

# WRONG 1: a handled failure inside a transaction that goes on:
#     for row in rows:
#         try:
#             cur.execute("INSERT INTO items VALUES (%s, %s)", row)
#         except psycopg2.IntegrityError:
#             continue                  # PostgreSQL has aborted the whole transaction already
#     conn.commit()                     # every later insert: "current transaction is aborted";
#                                       # the COMMIT of a failed transaction is a ROLLBACK
# WRONG 2: "except: conn.rollback(); continue" - the rollback also discards every row the loop
# had written before the failure.
# Django: try/except IntegrityError inside "with transaction.atomic():" gives
#     TransactionManagementError: An error occurred in the current transaction. You can't execute
#     queries until the end of the 'atomic' block.

_names = itertools.count(1)


@contextmanager
def savepoint(conn, name=None):
    """SAVEPOINT before the block; on error ROLLBACK TO it (only the block's work is undone).

    The error is re-raised for the caller to handle; the transaction is usable again.
    """
    name = name or f"sp_{next(_names)}"
    cur = conn.cursor()
    cur.execute(f"SAVEPOINT {name}")
    try:
        yield
    except BaseException:
        cur.execute(f"ROLLBACK TO SAVEPOINT {name}")
        cur.execute(f"RELEASE SAVEPOINT {name}")
        raise
    else:
        cur.execute(f"RELEASE SAVEPOINT {name}")


def insert_each(conn, sql, rows, expected=(Exception,)):
    """Insert rows in one transaction, skipping the ones that fail with an expected error.

    Returns (inserted, skipped). The caller commits; the rows inserted before and after a
    failure are all kept.
    """
    inserted, skipped = 0, []
    cur = conn.cursor()
    for row in rows:
        try:
            with savepoint(conn):
                cur.execute(sql, row)
        except expected as exc:
            log.warning("skipped %r: %s: %s", row, type(exc).__name__, exc)
            skipped.append(row)
        else:
            inserted += 1
    return inserted, skipped


# The same with the libraries' own savepoints:
#   SQLAlchemy:  with session.begin_nested(): session.add(obj)       # IntegrityError caught outside
#   Django:      try:
#                    with transaction.atomic():                      # inner atomic = a savepoint
#                        Item.objects.create(**row)
#                except IntegrityError: ...
#   psycopg 3:   with conn.transaction(): ...    (nested inside another one: a savepoint)
#   node-postgres: SAVEPOINT s / ROLLBACK TO SAVEPOINT s / RELEASE SAVEPOINT s around the query
#   Or avoid the error: INSERT ... ON CONFLICT DO NOTHING (PostgreSQL, SQLite 3.24+).
