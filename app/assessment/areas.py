"""The profile and the area pages: answering, saving (with the version check), attaching evidence
with the answers, and the parenting pre-fill."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.access import EVERYONE, roles_required
from app.assessment import bp
from app.assessment.common import (
    area_page_labels,
    check_visible,
    get_own_assessment_or_404,
    get_visible_assessment_or_404,
    journey,
    navigation_of,
    page_labels,
    rubric_of,
    visible_snapshot_or_404,
)
from app.assessment.forms import ProfileForm
from app.assessment.question_widgets import widget
from app.assessment.questions import answers_from, area_form_class, field_name
from app.assessment.render import EvidenceLink, TeamLine, render_area_body, render_questions
from app.chrome import render_in_shell
from app.extensions import db
from app.labels import current_language
from app.requests import service_context
from app.routing import parse_id
from app.same_origin import resume_token
from app.service_errors import message_for
from app.versioned import save_versioned
from assessments.db import VIET_NAM, today_in_viet_nam
from assessments.models import Answer, Assessment, AssessmentStatus, Evidence, Programme, Role
from assessments.report.words import answer_text
from assessments.scoring import binding_duties
from assessments.services import ServiceError
from assessments.services.area_page import AreaPage, AssessmentSnapshot, area_page
from assessments.services.common import InvalidAnswers
from assessments.services.parenting import ProgrammeReach, workplace_reach_since
from assessments.services.reviews import open_queries
from assessments.services.self_assessment import add_evidence, delete_evidence, save_area, save_profile
from assessments.services.teams import team_info_from
from assessments.services.versions import parse_version
from rubrics.loader import Rubric


# --- Profile and areas -------------------------------------------------------------------------
@bp.route("/<id:assessment_id>")
@roles_required(*EVERYONE)
def overview(assessment_id: int) -> Response:
    assessment = get_visible_assessment_or_404(assessment_id)
    if not assessment.editable:
        return redirect(url_for("assessment.results", assessment_id=assessment.id))
    if assessment.profile_confirmed_at is None:
        return redirect(url_for("assessment.profile", assessment_id=assessment.id))
    return redirect(url_for("assessment.review", assessment_id=assessment.id))


@bp.route("/<id:assessment_id>/profile", methods=["GET", "POST"])
@roles_required(*EVERYONE)
def profile(assessment_id: int) -> Any:
    assessment = get_visible_assessment_or_404(assessment_id)
    rubric = rubric_of(assessment)
    form = ProfileForm.for_rubric(rubric, assessment.profile, assessment.version)
    status = None
    if request.method == "POST":
        assessment = get_own_assessment_or_404(assessment_id)
        if form.validate_on_submit():
            status = save_versioned(form, lambda: save_profile(
                db.session, service_context(), assessment, rubric, form.profile_data(rubric), form.expected_version()),
                lambda: _saved_profile(assessment_id))
            if status is None:
                flash(_("Profile saved."), "success")
                return redirect(url_for("assessment.area", assessment_id=assessment.id,
                                        area_key=rubric.areas[0].key))
    navigation = navigation_of(assessment, rubric)
    page = render_template("assessment/profile.html", assessment=assessment, rubric=rubric, form=form,
                           **navigation, **journey(assessment, rubric, navigation["progress"], "profile"))
    return page, status or 200


def _saved_profile(assessment_id: int) -> tuple[None, int, dict[str, Any]]:
    assessment = get_visible_assessment_or_404(assessment_id)
    db.session.refresh(assessment)
    return None, assessment.version, ProfileForm.field_values(assessment.profile)


@bp.route("/<id:assessment_id>/areas/<area_key>", methods=["GET", "POST"])
@roles_required(*EVERYONE)
def area(assessment_id: int, area_key: str) -> Any:
    # A save needs only the assessment; answers and files are read when a page is drawn.
    page = None if request.method == "POST" else _visible_area_page_or_404(assessment_id, area_key)
    assessment = page.assessment if page is not None else visible_snapshot_or_404(assessment_id)
    rubric = rubric_of(assessment)
    try:
        area = rubric.area(area_key)
    except KeyError:
        abort(404)
    if assessment.profile_confirmed_at is None and assessment.editable:
        return redirect(url_for("assessment.profile", assessment_id=assessment.id))
    if page is None:
        return _save_area(assessment, rubric, area)
    values = dict(page.answers)  # what the page shows: saved answers, plus a pre-fill or what was typed
    prefilled = _suggest_from_parenting_sessions(assessment, rubric, area, values)
    # Only touch the session when there is something in it: a change re-signs the cookie.
    pending = session.pop("pending_form", None) if "pending_form" in session else None
    if pending and pending.get("path") == request.path and pending.get("user_id") == current_user.id:
        # Typed before the sign-in ran out: shown again, not yet saved.
        values |= _values_from_pairs(rubric, area_key, pending.get("data", []))
        flash(_("Your answers were kept while you signed in again. Check them and press Save."), "info")
    return _render_area(page, rubric, area, values, {}, prefilled=prefilled)


def _visible_area_page_or_404(assessment_id: int, area_key: str) -> AreaPage:
    page = area_page(db.session, assessment_id, area_key)
    if page is None:
        abort(404)
    check_visible(page.assessment)
    return page


def _save_area(assessment: AssessmentSnapshot, rubric: Rubric, area: Any) -> Any:
    if current_user.role != Role.HR:  # only the organisation's own HR officers change answers
        abort(403)
    form = area_form_class(rubric, area.key)()
    submitted = _values_from_pairs(rubric, area.key, list(request.form.items(multi=True)))
    errors: dict[str, str] = {}
    # The form reads what was typed (a number with a comma, nothing ticked); the rubric's rules
    # are checked once, by the service, which names every refused answer of the area.
    if not form.validate_on_submit():
        errors = {key: " ".join(str(e) for e in form[field_name(key)].errors)
                  for key in (i.key for i in area.indicators) if form[field_name(key)].errors}
    target = request.form.get("go", "")
    file_action = target.partition(":")[0] in ("upload", "remove")
    if not errors:
        try:
            new_version = save_area(db.session, service_context(), assessment, rubric, area.key,
                                    answers_from(form, rubric, area.key), parse_version(request.form.get("version")),
                                    notes=_typed_notes(area))
        except InvalidAnswers as refused:
            errors = {key: message_for(code) for key, code in refused.errors.items()}
        except ServiceError as error:  # the service has rolled its transaction back
            if error.code != "edited_by_someone_else":
                errors = {error.field or "": message_for(error.code)}
            else:
                # Someone saved this area meanwhile: show what they saved, and what this
                # person typed next to it; nothing is overwritten.
                flash(message_for(error.code), "error")
                if file_action:
                    flash(_("The file was not attached or removed either: do it again after saving."), "error")
                page = _visible_area_page_or_404(assessment.id, area.key)
                mine = {k: v for k, v in submitted.items() if v != page.answers.get(k)}
                return _render_area(page, rubric, area, dict(page.answers), {}, mine=mine,
                                    notes=_typed_notes(area)), 409
        else:
            flash(_("Saved."), "success")
            if file_action:
                return redirect(_attach_or_remove(assessment, rubric, area, target))
            response = redirect(_next_url(assessment, rubric, area.key, target))
            # For scripts that save repeatedly (and the benchmark): the version to send next.
            response.headers["X-Area-Version"] = str(new_version)
            return response
    if file_action:
        errors[""] = _("Please correct the questions marked below. Nothing was saved, and the file was not attached "
                       "or removed.")
    page = _visible_area_page_or_404(assessment.id, area.key)
    values = {k: v for k, v in page.answers.items() if k not in submitted} | submitted
    return _render_area(page, rubric, area, values, errors, notes=_typed_notes(area)), 422


def _typed_notes(area: Any) -> dict[str, tuple[str, bool]]:
    """The team's notes as posted with the area (question key: text, shared with the reviewer)."""
    notes = {}
    for indicator in area.indicators:
        name = field_name(indicator.key)
        text = request.form.get(f"note-{name}")
        if text is not None:
            notes[indicator.key] = (text, request.form.get(f"note_shared-{name}") == "y")
    return notes


def _attach_or_remove(assessment: AssessmentSnapshot, rubric: Rubric, area: Any, target: str) -> str:
    """After the area's answers were saved: attach the file chosen under a question
    (go=upload:<question>) or remove a file (go=remove:<evidence id>). Returns where to go next:
    the question, on the same page."""
    action, _sep, argument = target.partition(":")
    by_name = {field_name(i.key): i.key for i in area.indicators}
    area_url = url_for("assessment.area", assessment_id=assessment.id, area_key=area.key)
    try:
        if action == "upload":
            indicator_key = by_name.get(argument)
            upload = request.files.get(f"file-{argument}")
            if indicator_key is None:
                raise ServiceError("unknown_indicator")
            if upload is None or not upload.filename:
                flash(_("Choose a file."), "error")
                return f"{area_url}#q-{argument}"
            add_evidence(db.session, service_context(), assessment, rubric, indicator_key, upload.filename,
                         upload.read())
            flash(_("File attached."), "success")
            return f"{area_url}#q-{argument}"
        evidence_id = parse_id(argument)
        evidence = db.session.get(Evidence, evidence_id) if evidence_id else None
        if evidence is None or evidence.assessment_id != assessment.id \
                or evidence.indicator_key not in by_name.values():
            raise ServiceError("unknown_evidence")
        delete_evidence(db.session, service_context(), assessment, evidence)
        flash(_("File removed."), "success")
        return f"{area_url}#q-{field_name(evidence.indicator_key)}"
    except ServiceError as error:
        db.session.rollback()
        flash(message_for(error.code), "error")
        return area_url


def _suggest_from_parenting_sessions(assessment: AssessmentSnapshot, rubric: Rubric, area: Any,
                                     values: dict[str, Any]) -> str:
    """The answers the rubric's `prefill` suggests from parenting sessions UNICEF recorded at this
    workplace, for questions on this page with no answer yet: shown, not saved, until the HR
    officer checks them and saves. Returns what to tell them ("" when nothing was suggested)."""
    on_page = {i.key: i for i in area.indicators}
    wanted = {key: p for key, p in rubric.data.prefill.items() if key in on_page and key not in values}
    if not wanted or not assessment.editable:
        return ""
    told = []
    for key, prefill in wanted.items():
        since = today_in_viet_nam() - timedelta(days=prefill.within_days)
        rows = workplace_reach_since(db.session, assessment.organisation_id, since)
        sessions = sum(r.sessions for r in rows)
        option = prefill.option_for(sessions)
        if option is None:
            continue
        values[key] = option
        if prefill.details is not None:
            values.setdefault(prefill.details, _sessions_in_words(rows))
        told.append(ngettext(
            "Question %(code)s was pre-filled from %(num)d parenting session UNICEF recorded at your workplace "
            "since %(date)s. Check it, raise the answer if you did more, and save.",
            "Question %(code)s was pre-filled from %(num)d parenting sessions UNICEF recorded at your workplace "
            "since %(date)s. Check it, raise the answer if you did more, and save.",
            sessions, code=on_page[key].code, date=format_date(since, "dd/MM/yyyy")))
    return " ".join(told)


def _sessions_in_words(rows: Sequence[ProgrammeReach]) -> str:
    names = {p.id: p.name(current_language()).split(" (")[0] for p in db.session.scalars(select(Programme))}
    return "; ".join(
        ngettext("%(programme)s: %(num)d session, %(participants)d participants (%(men)d men)",
                 "%(programme)s: %(num)d sessions, %(participants)d participants (%(men)d men)", r.sessions,
                 programme=names.get(r.programme_id, ""), participants=r.participants, men=r.male)
        for r in rows)


def _render_area(page: AreaPage, rubric: Rubric, area: Any, values: dict[str, Any], errors: dict[str, str],
                 mine: dict[str, Any] | None = None, prefilled: str = "",
                 notes: dict[str, tuple[str, bool]] | None = None) -> str:
    """The area page. `values`: what the questions show; progress counts the saved answers;
    `notes`: the team's notes as typed (shown instead of the saved ones, nothing typed is lost)."""
    assessment, lang = page.assessment, current_language()
    navigation = navigation_of(assessment, rubric, page)
    editing = assessment.editable and current_user.role == Role.HR
    links = {key: [EvidenceLink(f.original_name, round(f.size / 1024), url_for(
        "assessment.evidence_download", assessment_id=assessment.id, evidence_id=f.id), f.id)
        for f in files] for key, files in page.evidence.items()}
    hidden = {key for key, r in navigation["results"].items()
              if r.status == "not_applicable" and rubric.indicator(key).applies_when is not None}
    shown_mine = {key: answer_text(rubric.indicator(key), value, lang) for key, value in (mine or {}).items()}
    queries = {key: thread.comment for key, thread in open_queries(db.session, assessment.id).items()
               } if assessment.status == AssessmentStatus.RETURNED else {}
    questions_html = render_questions(
        rubric, area.key, lang, today_in_viet_nam(), page_labels(lang), values=values, errors=errors,
        not_applicable=hidden, evidence=links, editing=editing, mine=shown_mine, queries=queries,
        binding=_binding(rubric, page.assessment.profile),
        copied=frozenset(db.session.scalars(select(Answer.indicator_key).where(
            Answer.assessment_id == assessment.id, Answer.copied.is_(True)))) if editing else frozenset(),
        team=team_lines(page, [i.key for i in area.indicators], notes))
    parts = journey(assessment, rubric, navigation["progress"], area.key, as_buttons=editing)
    body = render_area_body(
        area, lang, area_page_labels(lang), head_html=parts["head_html"], steps_html=parts["steps_html"],
        questions_html=questions_html, csrf_token=generate_csrf(),
        resume_token=resume_token(current_user.id, request.path) if editing else "",
        version=page.version, editing=editing, theirs=mine is not None, prefilled=prefilled, errors=errors)
    return render_in_shell(f"{area.code}. {area.title.get(lang)}", body)


def team_lines(page: AreaPage, keys: list[str], typed: dict[str, tuple[str, bool]] | None = None,
               ) -> dict[str, TeamLine]:
    """Who last changed each answer, and the team's notes: all of them for the company's HR
    officers, the shared ones for everyone else; what was just typed wins over what is saved."""
    info = team_info_from(page.changed_by, page.notes, keys, shared_only=current_user.role != Role.HR)
    lines = {}
    changed_by = _("Last changed by %(name)s, %(date)s")
    for key in keys:
        found = info.get(key)
        # Day and time in Viet Nam, as digits in every language (Babel's formatter costs ~50 µs each).
        changed = changed_by % {"name": found.changed_by,
                                "date": found.changed_at.astimezone(VIET_NAM).strftime("%d/%m/%Y %H:%M")} \
            if found is not None and found.changed_at is not None else ""
        note, shared = (typed or {}).get(key, (found.note, found.shared) if found is not None else ("", False))
        if changed or note:
            lines[key] = TeamLine(changed, note, shared)
    return lines


def _binding(rubric: Rubric, profile: dict[str, Any]) -> frozenset[str]:
    try:
        return binding_duties(rubric, profile, today_in_viet_nam())
    except (KeyError, TypeError):  # a profile not confirmed yet: no warning rather than a wrong one
        return frozenset()

def _values_from_pairs(rubric: Rubric, area_key: str, pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """What was typed, as answers (unchecked: for showing it again)."""
    area = rubric.area(area_key)
    by_name = {field_name(i.key): i for i in area.indicators}
    values: dict[str, Any] = {}
    for name, value in pairs:
        indicator = by_name.get(name)
        if indicator is None or value == "":
            continue
        widget(indicator.type).keep_typed(values, indicator.key, value)
    return values


def _next_url(assessment: Assessment | AssessmentSnapshot, rubric: Rubric, area_key: str, target: str) -> str:
    keys = [a.key for a in rubric.areas]
    if target == "review":
        return url_for("assessment.review", assessment_id=assessment.id)
    if target == "profile":
        return url_for("assessment.profile", assessment_id=assessment.id)
    if target in keys:
        return url_for("assessment.area", assessment_id=assessment.id, area_key=target)
    if target == "next":
        position = keys.index(area_key)
        if position + 1 < len(keys):
            return url_for("assessment.area", assessment_id=assessment.id, area_key=keys[position + 1])
        return url_for("assessment.review", assessment_id=assessment.id)
    return url_for("assessment.area", assessment_id=assessment.id, area_key=area_key)
