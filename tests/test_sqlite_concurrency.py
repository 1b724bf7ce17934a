"""Concurrent writers on the embedded SQLite database wait for each other instead of failing."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from assessments.db import metadata
from assessments.models import LoginAttempt
from tests.conftest import make_engine


def test_parallel_writers_do_not_hit_database_is_locked(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'busy.db'}")
    metadata.create_all(engine)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1

    def write(worker: int) -> None:
        for n in range(25):
            with Session(engine) as session:
                session.add(LoginAttempt(email=f"w{worker}-{n}@x.vn", ip_address="127.0.0.1", succeeded=False))
                session.commit()

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(write, range(8)))
    with Session(engine) as session:
        assert session.scalar(select(func.count(LoginAttempt.id))) == 200
    engine.dispose()
