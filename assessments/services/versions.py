"""The one concurrency rule of the service: every editable record carries a version, and a
change is a conditional UPDATE on it.

A form carries the version it was drawn from; the save is `UPDATE ... SET version = version + 1
WHERE id = :id AND version = :expected`. Of two saves from the same version exactly one updates
a row; the other is refused with `edited_by_someone_else` and the web layer shows both what is
saved and what was typed (409). A state change (submit, verify, return) claims its row the same
way, with the state it starts from as the condition instead of a version.

Loading the row, comparing and then writing would not do: two requests can both pass the
comparison before either writes. The condition has to be in the statement that writes.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, CursorResult, delete, update

from assessments.db import DbSession
from assessments.services.common import ServiceError

# A version that no row can have: what a form with a missing or malformed version claims.
NO_VERSION = -1
MAX_VERSION = 2**31 - 1  # an INTEGER column; a larger number in a form is no version at all


def parse_version(raw: object) -> int:
    """The version a form sent, or NO_VERSION for anything that is not one (never an error:
    a forged or garbled version simply loses the comparison)."""
    text = str(raw or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 10 or int(text) > MAX_VERSION:
        return NO_VERSION
    return int(text)


def update_if_current(db: DbSession, model: Any, record_id: int, expected_version: int, values: dict[str, Any],
                      *conditions: ColumnElement[bool]) -> None:
    """Write `values` to the record and raise its version by one, unless someone changed it since
    `expected_version` (then roll back and raise ServiceError("edited_by_someone_else")). Extra
    `conditions` (say, "still a draft") are checked in the same statement."""
    _update_where(db, model, record_id, [model.version == expected_version, *conditions], values,
                  ServiceError("edited_by_someone_else", "version"))


def delete_if_current(db: DbSession, model: Any, record_id: int, expected_version: int) -> None:
    """Delete the record unless someone changed it since `expected_version`: a removal decided on
    what a page showed must not take away what was saved after it (same refusal as an edit)."""
    result: CursorResult[Any] = db.execute(  # type: ignore[assignment]  # a DELETE's result has a rowcount
        delete(model).where(model.id == record_id, model.version == expected_version)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.rollback()
        raise ServiceError("edited_by_someone_else", "version")


def claim_state(db: DbSession, model: Any, record_id: int, column: Any, allowed: tuple[str, ...], new_state: str,
                refused: str, **values: Any) -> None:
    """Move a record from one of the `allowed` states to `new_state` in one conditional UPDATE
    (and raise its version, so forms drawn before the change are stale). Of two requests that
    both find the record in an allowed state, exactly one claims it; the other gets
    ServiceError(`refused`). On PostgreSQL the UPDATE also holds the row until the commit, so
    whatever the caller reads afterwards cannot change under it."""
    _update_where(db, model, record_id, [column.in_(allowed)], {column.key: new_state, **values},
                  ServiceError(refused))


def _update_where(db: DbSession, model: Any, record_id: int, conditions: list[Any], values: dict[str, Any],
                  refusal: ServiceError) -> None:
    """The one statement of the rule: UPDATE ... SET values, version + 1 WHERE id AND conditions."""
    result: CursorResult[Any] = db.execute(  # type: ignore[assignment]  # an UPDATE's result has a rowcount
        update(model)
        .where(model.id == record_id, *conditions)
        .values(**values, version=model.version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.rollback()
        raise refusal
    record = db.get(model, record_id)
    if record is not None:
        db.refresh(record)  # the ORM copy was written around: read it afresh
