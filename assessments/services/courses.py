"""Courses (NICE, PDEP): several sessions with the same group of parents. UNICEF officers and
admins open a course, name it on its sessions, and enter at its end how many completed it
(attended at least the course's number of sessions) as a count: no parent is named."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import date

from sqlalchemy import func, select

from assessments.db import DbSession
from assessments.models import Course, ParentingSession, Programme
from assessments.parenting import CourseData, check_course
from assessments.services.common import Context, InvalidRecord, record_event
from assessments.services.versions import update_if_current


def _checked(db: DbSession, data: CourseData, today: date) -> dict[str, object]:
    programme = db.get(Programme, data.programme_id)
    if data.sessions_to_complete is None and programme is not None:
        data = replace(data, sessions_to_complete=programme.sessions_to_complete)
    errors = check_course(data, today)
    if programme is None:
        errors["programme_id"] = "programme_unknown"
    if errors:
        raise InvalidRecord(errors)
    return asdict(replace(data, name=data.name.strip()))


def create_course(db: DbSession, ctx: Context, data: CourseData, today: date) -> Course:
    course = Course(**_checked(db, data, today))
    db.add(course)
    db.flush()
    record_event(db, ctx, "create", "course", course.id, details={"programme_id": data.programme_id})
    db.commit()
    return course


def update_course(db: DbSession, ctx: Context, course: Course, data: CourseData, *, expected_version: int,
                  today: date) -> None:
    """Change the course, or enter how many completed it."""
    if data.programme_id != course.programme_id:  # its sessions are of its programme
        raise InvalidRecord({"programme_id": "course_programme_fixed"})
    values = _checked(db, data, today)
    update_if_current(db, Course, course.id, expected_version, values)
    record_event(db, ctx, "edit", "course", course.id, details={"enrolled": data.enrolled,
                                                                 "completed": data.completed})
    db.commit()


@dataclass(frozen=True)
class CourseProgress:
    course: Course
    sessions: int  # held so far
    attendance: int  # participants over its sessions

    @property
    def completion_percent(self) -> float | None:
        course = self.course
        return 100 * course.completed / course.enrolled if course.completed is not None and course.enrolled else None


def course_list(db: DbSession, programme_id: int | None = None, province_code: str | None = None,
                course_id: int | None = None) -> list[CourseProgress]:
    held = (select(ParentingSession.course_id, func.count(ParentingSession.id).label("sessions"),
                   func.sum(ParentingSession.participants_total).label("attendance"))
            .where(ParentingSession.course_id.is_not(None)).group_by(ParentingSession.course_id).subquery())
    query = (select(Course, held.c.sessions, held.c.attendance).outerjoin(held, held.c.course_id == Course.id)
             .order_by(Course.started_on.desc(), Course.id.desc()))
    if programme_id:
        query = query.where(Course.programme_id == programme_id)
    if province_code:
        query = query.where(Course.province_code == province_code)
    if course_id:
        query = query.where(Course.id == course_id)
    return [CourseProgress(c, int(n or 0), int(a or 0)) for c, n, a in db.execute(query)]
