"""Where lessons are kept: SQLite (the standard library's sqlite3, a file that survives
restarts) or Redis (shared by every worker and host). Both keep a lesson's JSON as it was
created, a hash of its delete token, and count each client's creations for the rate limit.
Lessons never expire; a deleted one's id is kept, so that its link says "deleted"."""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any, Protocol

from ..limits import LESSONS_PER_MINUTE

ID_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/l/I
ID_LENGTH = 8  # 56⁸ ≈ 10¹⁴ ids: short enough to type, too many to guess


class RateLimited(Exception):
    """Too many lessons created by one client within a minute."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many lessons created from here: try again in {retry_after} s")
        self.retry_after = retry_after


class LessonGone(Exception):
    """The lesson was deleted by its author."""


def new_id() -> str:
    return "".join(secrets.choice(ID_ALPHABET) for _ in range(ID_LENGTH))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class LessonStore(Protocol):
    def create(self, lesson: dict[str, Any], client: str) -> tuple[str, str]:
        """Keeps `lesson`; returns its id and its delete token (known to its author only)."""
        ...

    def read(self, lesson_id: str) -> dict[str, Any] | None:
        """The lesson, or None if no lesson ever had this id; LessonGone if deleted."""
        ...

    def delete(self, lesson_id: str, token: str) -> bool:
        """Deletes the lesson if `token` is its delete token; False otherwise."""
        ...

    def close(self) -> None: ...


class _Window:
    """Each client's creations in the current minute (a fixed window)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts: dict[tuple[str, int], int] = {}

    def count(self, client: str) -> None:
        now = time.time()
        minute = int(now // 60)
        with self.lock:
            self.counts = {k: v for k, v in self.counts.items() if k[1] == minute}
            n = self.counts.get((client, minute), 0)
            if n >= LESSONS_PER_MINUTE:
                raise RateLimited(60 * (minute + 1) - int(now))
            self.counts[(client, minute)] = n + 1


class SQLiteLessons:
    """Lessons in an SQLite file (created with its folder if need be)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.lock = threading.Lock()
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS lessons (id TEXT PRIMARY KEY, body TEXT, "
                        "token_hash TEXT NOT NULL, created REAL NOT NULL, deleted REAL)")
        self.window = _Window()

    def create(self, lesson: dict[str, Any], client: str) -> tuple[str, str]:
        self.window.count(client)
        token = secrets.token_urlsafe(24)
        body = json.dumps(lesson, separators=(",", ":"))
        with self.lock:
            while True:
                lesson_id = new_id()
                try:
                    self.db.execute("INSERT INTO lessons VALUES (?, ?, ?, ?, NULL)",
                                    (lesson_id, body, token_hash(token), time.time()))
                    return lesson_id, token
                except sqlite3.IntegrityError:  # the id was taken: draw another
                    continue

    def read(self, lesson_id: str) -> dict[str, Any] | None:
        with self.lock:
            row = self.db.execute("SELECT body, deleted FROM lessons WHERE id = ?",
                                  (lesson_id,)).fetchone()
        if row is None:
            return None
        if row[1] is not None:
            raise LessonGone(lesson_id)
        return json.loads(row[0])

    def delete(self, lesson_id: str, token: str) -> bool:
        with self.lock:
            done = self.db.execute(
                "UPDATE lessons SET body = NULL, deleted = ? WHERE id = ? AND token_hash = ? "
                "AND deleted IS NULL", (time.time(), lesson_id, token_hash(token)))
            return done.rowcount == 1

    def close(self) -> None:
        with self.lock:
            self.db.close()


class RedisLessons:
    """Lessons in Redis, beside the networks: keys without a time-to-live, so that a
    `volatile-lru` eviction never takes them (keep Redis's persistence on for them)."""

    def __init__(self, client: Any, prefix: str = "bp:lesson:") -> None:
        self.redis = client
        self.prefix = prefix

    def create(self, lesson: dict[str, Any], client: str) -> tuple[str, str]:
        minute = int(time.time() // 60)
        key = f"{self.prefix}rate:{client}:{minute}"
        n = self.redis.incr(key)
        self.redis.expire(key, 120)
        if n > LESSONS_PER_MINUTE:
            raise RateLimited(60 * (minute + 1) - int(time.time()))
        token = secrets.token_urlsafe(24)
        record = json.dumps({"body": lesson, "token_hash": token_hash(token),
                             "created": time.time()}, separators=(",", ":"))
        while True:
            lesson_id = new_id()
            if self.redis.set(self.prefix + lesson_id, record, nx=True):
                return lesson_id, token

    def read(self, lesson_id: str) -> dict[str, Any] | None:
        raw = self.redis.get(self.prefix + lesson_id)
        if raw is None:
            return None
        record = json.loads(raw)
        if record.get("deleted"):
            raise LessonGone(lesson_id)
        return record["body"]

    def delete(self, lesson_id: str, token: str) -> bool:
        key = self.prefix + lesson_id
        raw = self.redis.get(key)
        if raw is None:
            return False
        record = json.loads(raw)
        if record.get("deleted") or not secrets.compare_digest(record["token_hash"],
                                                               token_hash(token)):
            return False
        self.redis.set(key, json.dumps({"deleted": time.time()}))
        return True

    def close(self) -> None:
        self.redis.close()


def open_lessons(store_spec: str | None, data_dir: str | None) -> LessonStore:
    """Redis when the networks are in Redis (`store_spec` a redis:// URL), else SQLite in
    `data_dir` (BACKPROP_DATA_DIR; by default ./data): lessons.sqlite3."""
    if store_spec and store_spec.startswith(("redis://", "rediss://", "unix://")):
        import redis

        return RedisLessons(redis.Redis.from_url(store_spec))
    return SQLiteLessons(Path(data_dir or "data") / "lessons.sqlite3")
