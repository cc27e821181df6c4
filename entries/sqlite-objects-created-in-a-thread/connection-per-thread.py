"""sqlite3 connections belong to one thread: open one per thread, where it is used."""

import sqlite3
import threading

# WRONG: a connection created at import time, used from server or pool threads
#     conn = sqlite3.connect("app.db")
#     def handler(): conn.execute(...)   -> sqlite3.ProgrammingError: SQLite objects created
#                                          in a thread can only be used in that same thread


class Database:
    def __init__(self, path: str, timeout: float = 30.0) -> None:
        self.path = path
        self.timeout = timeout
        self._local = threading.local()

    def connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=self.timeout)
            self._local.conn = conn
        return conn

    def execute(self, sql: str, params: tuple = ()) -> list:
        conn = self.connection()
        with conn:  # one transaction, committed or rolled back
            return conn.execute(sql, params).fetchall()

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
