"""Move a draft's answers from one rubric version to the next, as the new version declares.

Pure: answers in, answers out. An answer carries over when its indicator still exists (under its
new key, if `indicators` renames it) and its value, with `options` renames applied, is a valid
answer in the new version. An option the migration renames to null now means something else
(2026.1's "No, or not tracked" is 2026.2's "No" and "Not tracked"): that answer is not carried.
The questions that lost an answer, and the new ones, are returned as needing an answer: the HR
officer is shown exactly those.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from assessments.scoring import validate_answers
from rubrics.loader import Rubric
from rubrics.schema import Migration


class NoMigration(LookupError):
    """The new version declares no way to move answers from the old one."""


@dataclass(frozen=True)
class MovedAnswers:
    answers: dict[str, Any]  # carried into the new version, by new indicator key
    to_answer: tuple[str, ...]  # new-version questions that lost their answer or are new, in order
    dropped: tuple[str, ...]  # old-version keys whose answer was not carried


def migration_between(old: Rubric, new: Rubric) -> Migration:
    if old.key != new.key:
        raise NoMigration(f"{old.key} and {new.key} are different rubrics")
    for migration in new.data.migrations:
        if migration.from_version == old.version:
            return migration
    raise NoMigration(f"{new.key} {new.version} declares no move from {old.version}")


def _renamed(migration: Migration, key: str, value: Any) -> Any:
    """The value under the new version's option keys; None when an option means something else now."""
    renames = migration.options.get(key, {})
    if isinstance(value, list):
        moved = [renames.get(v, v) for v in value]
        return None if None in moved else moved
    return renames.get(value, value) if isinstance(value, str) else value


def move_answers(old: Rubric, new: Rubric, answers: Mapping[str, Any]) -> MovedAnswers:
    migration = migration_between(old, new)
    carried: dict[str, Any] = {}
    dropped: list[str] = []
    lost: set[str] = set()
    for old_key, value in answers.items():
        new_key = migration.indicators.get(old_key, old_key)
        if not new.has_indicator(new_key):
            dropped.append(old_key)
            continue
        candidate = _renamed(migration, new_key, value)
        if candidate is None or validate_answers(new, {new_key: candidate}):
            dropped.append(old_key)
            lost.add(new_key)
            continue
        carried[new_key] = candidate
    known_before = {migration.indicators.get(i.key, i.key) for i in old.indicators()}
    to_answer = tuple(i.key for i in new.indicators()
                      if i.key not in carried and i.weight > 0 and (i.key in lost or i.key not in known_before))
    return MovedAnswers(carried, to_answer, tuple(dropped))
