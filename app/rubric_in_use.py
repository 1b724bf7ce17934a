"""The rubric this service assesses against: its key is a setting (`RUBRIC_KEY`), never a literal
in a view; new assessments start on its latest version, comparisons read that version's areas."""

from __future__ import annotations

from flask import current_app

from rubrics.loader import Rubric, default_registry


def rubric_key() -> str:
    return str(current_app.config["RUBRIC_KEY"])


def latest_rubric() -> Rubric:
    return default_registry().latest(rubric_key())
