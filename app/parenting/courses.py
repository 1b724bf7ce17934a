"""Courses of several sessions (UNICEF officers and admins): open one, see its sessions, and
enter how many parents completed it (assessments.services.courses)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.access import PARENTING_EDITORS, roles_required
from app.extensions import db
from app.parenting import bp
from app.parenting.common import names_by_id, programme_list, register_form
from app.parenting.forms import VENUE_LABELS, CourseForm
from app.requests import service_context
from app.service_errors import add_from_form
from app.versioned import save_versioned
from assessments.db import today_in_viet_nam
from assessments.models import Course, ParentingSession
from assessments.services.courses import course_list, create_course, update_course
from assessments.services.parenting import SessionFilters, filtered, reach


def _form(course: Course | None = None) -> CourseForm:
    return register_form(CourseForm(obj=course), course)


@bp.route("/courses", methods=["GET", "POST"])
@roles_required(*PARENTING_EDITORS)
def courses() -> Any:
    form = _form()
    if request.method == "GET":
        form.started_on.data = today_in_viet_nam()
    added, status = add_from_form(
        form, lambda: create_course(db.session, service_context(), form.to_data(), today_in_viet_nam()),
        _("Course opened."), lambda c: url_for("parenting.course_detail", course_id=c.id))
    if added is not None:
        return added
    return render_template("parenting/courses.html", form=form, listed=course_list(db.session),
                           names=names_by_id(), programmes=[p for p in programme_list() if p.active]), status


@bp.route("/courses/<id:course_id>", methods=["GET", "POST"])
@roles_required(*PARENTING_EDITORS)
def course_detail(course_id: int) -> Any:
    course = db.session.get(Course, course_id)
    if course is None:
        abort(404)
    form = _form(course)
    status = None
    if form.validate_on_submit():
        status = save_versioned(form, lambda: update_course(db.session, service_context(), course, form.to_data(),
                                                            expected_version=form.expected_version(),
                                                            today=today_in_viet_nam()),
                                lambda: (course, course.version, {}))
        if status is None:
            flash(_("Changes saved."), "success")
            return redirect(url_for("parenting.course_detail", course_id=course.id))
    elif request.method == "POST":
        status = 422
    here = SessionFilters(course_id=course.id)
    sessions = db.session.scalars(filtered(here).order_by(ParentingSession.session_date)).all()
    progress = course_list(db.session, course_id=course.id)[0]
    return render_template("parenting/course.html", course=course, form=form, reach=reach(db.session, here),
                           sessions=sessions, progress=progress, names=names_by_id(),
                           venues=VENUE_LABELS), status or 200
