"""The HR self-assessment journey. Views stay thin: rules live in the rubric and the services."""

from __future__ import annotations

import io
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    send_from_directory,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from app.access import EVERYONE, can_see_organisation, public, roles_required
from app.assessment import bp
from app.assessment.forms import MoveForm, PlanItemForm, ProfileForm, ReplyForm, StartForm
from app.assessment.question_widgets import widget
from app.assessment.questions import answers_from, area_form_class, field_name
from app.assessment.render import (
    AreaPageLabels,
    EvidenceLink,
    JourneyLabels,
    Labels,
    render_area_body,
    render_journey_header,
    render_questions,
    render_steps,
)
from app.chrome import render_in_shell
from app.extensions import db
from app.forms import with_unique_ids
from app.labels import current_language, status_name
from app.requests import service_context
from app.routing import parse_id
from app.rubric_in_use import latest_rubric
from app.same_origin import resume_token
from app.service_errors import message_for
from app.versioned import save_versioned
from assessments.db import today_in_viet_nam
from assessments.migrate import NoMigration, migration_between
from assessments.models import (
    EDITABLE_STATUSES,
    Answer,
    Assessment,
    AssessmentStatus,
    Evidence,
    Organisation,
    PlanItem,
    Programme,
    Role,
)
from assessments.report.data import MIN_BENCHMARK_GROUP
from assessments.report.render import ASSETS, EDITIONS, PreviewBar, render_html
from assessments.report.words import answer_text, legal_basis
from assessments.scoring import binding_duties
from assessments.services import ServiceError
from assessments.services.area_page import AreaPage, AssessmentSnapshot, area_page, assessment_snapshot
from assessments.services.common import InvalidAnswers
from assessments.services.parenting import workplace_reach_since
from assessments.services.reports import plan_pdf, previous_cycle, report_of, sector_median
from assessments.services.reviews import open_queries, reply_to_query, returned_notice, returned_notices
from assessments.services.self_assessment import (
    add_evidence,
    adopt_action,
    answer_values,
    answers_of,
    card_for,
    current_card,
    delete_evidence,
    evidence_by_indicator,
    move_to_rubric,
    progress,
    save_area,
    save_profile,
    start_assessment,
    submit,
    unconfirmed_copies,
    update_plan_item,
)
from assessments.services.versions import parse_version
from assessments.text import slug
from rubrics.loader import Rubric, default_registry


def rubric_of(assessment: Assessment | AssessmentSnapshot) -> Rubric:
    """Always the exact rubric file the assessment was started on."""
    return default_registry().get(assessment.rubric_key, assessment.rubric_version, assessment.rubric_hash)


def get_visible_assessment_or_404(assessment_id: int) -> Assessment:
    # The organisation comes in the same round trip: every page of the journey shows it.
    assessment = db.session.get(Assessment, assessment_id, options=[joinedload(Assessment.organisation)])
    if assessment is None:
        abort(404)
    if not can_see_organisation(current_user, assessment.organisation_id):
        abort(404)
    return assessment


def get_own_assessment_or_404(assessment_id: int) -> Assessment:
    """For changes: only the organisation's own HR officers."""
    assessment = get_visible_assessment_or_404(assessment_id)
    if current_user.role != Role.HR:
        abort(403)
    return assessment


def _evidence_folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"])


# --- Dashboard and start -----------------------------------------------------------------------


@bp.route("/")
@roles_required(*EVERYONE)
def index() -> str:
    query = select(Assessment).order_by(Assessment.cycle.desc(), Assessment.id.desc())
    if current_user.role == Role.HR:
        query = query.where(Assessment.organisation_id == current_user.organisation_id)
    else:
        query = query.where(Assessment.status != AssessmentStatus.DRAFT).limit(200)
    assessments = db.session.scalars(query).all()
    this_year = today_in_viet_nam().year
    has_this_year = any(a.cycle == this_year for a in assessments if current_user.role == Role.HR)
    notices = returned_notices(db.session, current_user.organisation_id) if current_user.role == Role.HR else []
    return render_template("assessment/index.html", assessments=assessments, this_year=this_year,
                           has_this_year=has_this_year, start_form=StartForm(), progress_of=_progress_of,
                           notices=notices, **hr_overview())


def hr_overview() -> dict[str, Any]:
    """What an HR officer acts on next, on the dashboard and the assessments page: this year's
    assessment while it is open (to continue), and the plan actions past their due date."""
    if current_user.role != Role.HR:
        return {"current": None, "overdue": []}
    today = today_in_viet_nam()
    current = db.session.scalar(select(Assessment).where(
        Assessment.organisation_id == current_user.organisation_id, Assessment.cycle == today.year,
        Assessment.status.in_(EDITABLE_STATUSES)))
    overdue = db.session.scalars(
        select(PlanItem).join(Assessment, Assessment.id == PlanItem.assessment_id)
        .where(Assessment.organisation_id == current_user.organisation_id, PlanItem.status != "done",
               PlanItem.due_date < today).order_by(PlanItem.due_date)).all()
    return {"current": current, "overdue": overdue}


def _progress_of(assessment: Assessment) -> int | None:
    if not assessment.editable:
        return 100  # submitted means complete: no need to load and score its answers
    try:
        return progress(current_card(assessment, rubric_of(assessment), today_in_viet_nam()))[""].percent
    except ServiceError:
        return 0


@bp.route("/start", methods=["POST"])
@roles_required(Role.HR)
def start() -> Response:
    form = StartForm()
    organisation = db.session.get(Organisation, current_user.organisation_id)
    if organisation is None:  # an HR account always has one (a database constraint)
        abort(404)
    cycle = today_in_viet_nam().year
    previous = db.session.scalar(select(Assessment).where(Assessment.organisation_id == organisation.id,
                                                          Assessment.cycle < cycle)
                                 .order_by(Assessment.cycle.desc()))
    copy_from = previous if form.validate_on_submit() and form.copy_forward.data else None
    try:
        assessment = start_assessment(db.session, service_context(), organisation, cycle,
                                      latest_rubric(), copy_from)
    except ServiceError as error:
        flash(message_for(error.code), "error")
        return redirect(url_for("assessment.index"))
    return redirect(url_for("assessment.profile", assessment_id=assessment.id))


# --- Profile and areas -------------------------------------------------------------------------


def _navigation(assessment: Assessment | AssessmentSnapshot, rubric: Rubric,
                page: AreaPage | None = None) -> dict[str, Any]:
    """Progress per area and overall (from the area page's data when there is one)."""
    try:
        if page is not None:
            card = page.progress_card(rubric, today_in_viet_nam())
        else:
            card = card_for(rubric, assessment.profile, answer_values(db.session, assessment.id), today_in_viet_nam())
    except ServiceError:
        return {"progress": None, "card": None, "results": {}}
    return {"progress": progress(card), "card": card, "results": {r.key: r for r in card.indicators}}


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
    navigation = _navigation(assessment, rubric)
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
    assessment = page.assessment if page is not None else _visible_snapshot_or_404(assessment_id)
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
    prefilled = _prefill_parenting_education(assessment, area, values)
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
    _check_visible(page.assessment)
    return page


def _visible_snapshot_or_404(assessment_id: int) -> AssessmentSnapshot:
    snapshot = assessment_snapshot(db.session, assessment_id)
    if snapshot is None:
        abort(404)
    _check_visible(snapshot)
    return snapshot


def _check_visible(assessment: AssessmentSnapshot) -> None:
    if not can_see_organisation(current_user, assessment.organisation_id):
        abort(404)


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
                                    answers_from(form, rubric, area.key), parse_version(request.form.get("version")))
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
                return _render_area(page, rubric, area, dict(page.answers), {}, mine=mine), 409
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
    return _render_area(page, rubric, area, values, errors), 422


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
                         upload.read(), _evidence_folder())
            flash(_("File attached."), "success")
            return f"{area_url}#q-{argument}"
        evidence_id = parse_id(argument)
        evidence = db.session.get(Evidence, evidence_id) if evidence_id else None
        if evidence is None or evidence.assessment_id != assessment.id \
                or evidence.indicator_key not in by_name.values():
            raise ServiceError("unknown_evidence")
        delete_evidence(db.session, service_context(), assessment, evidence, _evidence_folder())
        flash(_("File removed."), "success")
        return f"{area_url}#q-{field_name(evidence.indicator_key)}"
    except ServiceError as error:
        db.session.rollback()
        flash(message_for(error.code), "error")
        return area_url


PARENTING_EDUCATION = "workplace.parenting_education"
PARENTING_PROGRAMMES = "workplace.parenting_programmes"


def _prefill_parenting_education(assessment: AssessmentSnapshot, area: Any, values: dict[str, Any]) -> int:
    """Parenting sessions UNICEF recorded at this workplace in the last 12 months pre-fill D12
    when it has no answer yet: shown, not saved, until the HR officer checks it and saves.
    Returns the number of sessions used (0: nothing pre-filled)."""
    if PARENTING_EDUCATION in values or not assessment.editable or \
            PARENTING_EDUCATION not in {i.key for i in area.indicators}:
        return 0
    since = today_in_viet_nam() - timedelta(days=365)
    rows = workplace_reach_since(db.session, assessment.organisation_id, since)
    if not rows:
        return 0
    names = {p.id: p.name(current_language()).split(" (")[0] for p in db.session.scalars(select(Programme))}
    values[PARENTING_EDUCATION] = "occasional_talks"  # sessions were held; HR says if it was more
    values.setdefault(PARENTING_PROGRAMMES, "; ".join(
        _("%(programme)s: %(sessions)d sessions, %(participants)d participants (%(men)d men)",
          programme=names.get(r.programme_id, ""), sessions=r.sessions, participants=r.participants, men=r.male)
        for r in rows))
    return sum(r.sessions for r in rows)


def _render_area(page: AreaPage, rubric: Rubric, area: Any, values: dict[str, Any], errors: dict[str, str],
                 mine: dict[str, Any] | None = None, prefilled: int = 0) -> str:
    """The area page. `values`: what the questions show; progress counts the saved answers."""
    assessment, lang = page.assessment, current_language()
    navigation = _navigation(assessment, rubric, page)
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
            Answer.assessment_id == assessment.id, Answer.copied.is_(True)))) if editing else frozenset())
    parts = journey(assessment, rubric, navigation["progress"], area.key, as_buttons=editing)
    body = render_area_body(
        area, lang, area_page_labels(lang), head_html=parts["head_html"], steps_html=parts["steps_html"],
        questions_html=questions_html, csrf_token=generate_csrf(),
        resume_token=resume_token(current_user.id, request.path) if editing else "",
        version=page.version, editing=editing, theirs=mine is not None, prefilled=prefilled, errors=errors)
    return render_in_shell(f"{area.code}. {area.title.get(lang)}", body)


def _binding(rubric: Rubric, profile: dict[str, Any]) -> frozenset[str]:
    try:
        return binding_duties(rubric, profile, today_in_viet_nam())
    except (KeyError, TypeError):  # a profile not confirmed yet: no warning rather than a wrong one
        return frozenset()


@lru_cache(maxsize=64)
def area_page_labels(lang: str) -> AreaPageLabels:
    """Translated once per language (the catalogue does not change while the app runs)."""
    return AreaPageLabels(
        theirs=_("Below are the answers as they were saved by the other person. Where you typed something else, "
                 "it is shown under the question: choose again and save."),
        prefilled=_("Question D12 was pre-filled from %(count)d parenting sessions UNICEF recorded at your "
                    "workplace in the last 12 months. Check it, raise the answer if you did more, and save."),
        errors=_("Please correct the questions marked below. Nothing was saved."),
        save=_("Save"), save_next=_("Save and continue"))


@lru_cache(maxsize=64)
def journey_labels(lang: str) -> JourneyLabels:
    """Translated once per language (the catalogue does not change while the app runs)."""
    return JourneyLabels(cycle=_("Cycle %(year)s"), overall=_("Overall progress"),
                         answered=_("%(answered)d of %(required)d questions answered"), steps=_("Steps"),
                         profile=_("Profile"), review=_("Review and submit"))


def journey(assessment: Assessment | AssessmentSnapshot, rubric: Rubric, progress: dict[str, Any] | None,
            active: str, as_buttons: bool = False) -> dict[str, Markup]:
    """The header and the steps every page of the journey shows."""
    lang = current_language()
    labels = journey_labels(lang)
    return {
        "head_html": render_journey_header(assessment.organisation.name, assessment.cycle,
                                           status_name(assessment.status), labels, progress),
        "steps_html": render_steps(
            rubric, lang, labels, active=active, as_buttons=as_buttons, progress=progress,
            profile_url=url_for("assessment.profile", assessment_id=assessment.id),
            review_url=url_for("assessment.review", assessment_id=assessment.id),
            area_url=lambda key: url_for("assessment.area", assessment_id=assessment.id, area_key=key)),
    }


@lru_cache(maxsize=64)
def page_labels(lang: str) -> Labels:
    """Translated once per language: the words are the same on every area page."""
    return Labels(optional=_("optional"), explain=_("Explanation and legal basis"), article=_("Article"),
                  evidence=_("Evidence"), you_typed=_("You typed"), remove=_("Remove"), attach=_("Attach evidence"),
                  upload=_("Upload"), not_applicable=_("Not applicable"),
                  query=_("Reviewer's query"), below_law=_("Below the legal minimum"),
                  copied=_("Copied from last cycle: check it, then save this part to confirm."))


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


# --- Evidence ----------------------------------------------------------------------------------


def _get_evidence_or_404(assessment: Assessment, evidence_id: int) -> Evidence:
    evidence = db.session.get(Evidence, evidence_id)
    if evidence is None or evidence.assessment_id != assessment.id:
        abort(404)
    return evidence


@bp.route("/<id:assessment_id>/evidence/<id:evidence_id>")
@roles_required(*EVERYONE)
def evidence_download(assessment_id: int, evidence_id: int) -> Response:
    assessment = get_visible_assessment_or_404(assessment_id)
    evidence = _get_evidence_or_404(assessment, evidence_id)
    path = _evidence_folder() / evidence.storage_name
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=evidence.content_type, as_attachment=True,
                         download_name=evidence.original_name, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# --- Review, submit, results -------------------------------------------------------------------


@bp.route("/<id:assessment_id>/review")
@roles_required(*EVERYONE)
def review(assessment_id: int) -> Any:
    assessment = get_visible_assessment_or_404(assessment_id)
    rubric = rubric_of(assessment)
    if assessment.profile_confirmed_at is None and assessment.editable:
        return redirect(url_for("assessment.profile", assessment_id=assessment.id))
    navigation = _navigation(assessment, rubric)
    values = answers_of(assessment)
    change = assessment.rubric_change or {}
    to_answer = [key for key in change.get("to_answer", []) if key not in values and rubric.has_indicator(key)
                 and (navigation["card"] is None or navigation["card"].result(key).status == "unanswered")]
    newer = newer_rubric(assessment) if current_user.role == Role.HR else None
    notice = returned_notice(db.session, assessment)
    copies = unconfirmed_copies(db.session, assessment.id, navigation["card"]) if (
        assessment.editable and navigation["card"] is not None) else []
    return render_template("assessment/review.html", assessment=assessment, rubric=rubric, values=values,
                           copies=copies,
                           evidence=evidence_by_indicator(db.session, assessment.id), newer=newer,
                           move_form=MoveForm(target=newer.version if newer else "", version=assessment.version),
                           moved_from=change.get("from"), to_answer=to_answer,
                           notices=[notice] if notice else [],
                           threads=open_queries(db.session, assessment.id) if notice else {},
                           can_reply=notice is not None and current_user.role == Role.HR,
                           **navigation, **journey(assessment, rubric, navigation["progress"], "review"))


@bp.route("/<id:assessment_id>/replies", methods=["POST"])
@roles_required(Role.HR)
def reply(assessment_id: int) -> Response:
    """The company's reply to the Chamber's query on one question."""
    assessment = get_own_assessment_or_404(assessment_id)
    form = ReplyForm()
    if not form.validate_on_submit():
        flash(message_for("reply_required"), "error")
        return redirect(url_for("assessment.review", assessment_id=assessment.id) + "#queries")
    rubric = rubric_of(assessment)
    key = form.indicator.data or ""
    anchor = f"#reply-{key.replace('.', '__')}" if rubric.has_indicator(key) else "#queries"
    try:
        reply_to_query(db.session, service_context(), assessment, key, form.comment.data or "")
    except ServiceError as error:
        flash(message_for(error.code), "error")
    else:
        flash(_("Reply sent to the Chamber."), "success")
    return redirect(url_for("assessment.review", assessment_id=assessment.id) + anchor)


def newer_rubric(assessment: Assessment) -> Rubric | None:
    """The latest version of the assessment's rubric when it is newer and declares how a draft
    moves to it (a draft or returned assessment only)."""
    if not assessment.editable:
        return None
    latest = default_registry().latest(assessment.rubric_key)
    if latest.version == assessment.rubric_version:
        return None
    try:
        migration_between(rubric_of(assessment), latest)
    except NoMigration:
        return None
    return latest


@bp.route("/<id:assessment_id>/move", methods=["POST"])
@roles_required(Role.HR)
def move_rubric(assessment_id: int) -> Response:
    assessment = get_own_assessment_or_404(assessment_id)
    form = MoveForm()
    target = newer_rubric(assessment)
    if not form.validate_on_submit() or target is None or form.target.data != target.version:
        flash(message_for("no_way_to_move"), "error")
        return redirect(url_for("assessment.review", assessment_id=assessment.id))
    try:
        moved = move_to_rubric(db.session, service_context(), assessment, rubric_of(assessment), target,
                               parse_version(form.version.data))
    except ServiceError as error:
        # No fields to compare here: a version conflict means the page is out of date.
        flash(message_for("changed_since_opened" if error.code == "edited_by_someone_else" else error.code), "error")
        return redirect(url_for("assessment.review", assessment_id=assessment.id))
    flash(_("Moved to version %(version)s of the questionnaire: %(kept)d answers kept, %(count)d questions to "
            "answer (listed below).", version=target.version, kept=len(moved.answers), count=len(moved.to_answer)),
          "success")
    return redirect(url_for("assessment.review", assessment_id=assessment.id))


@bp.route("/<id:assessment_id>/submit", methods=["POST"])
@roles_required(Role.HR)
def submit_assessment(assessment_id: int) -> Response | str:
    """Submitting locks the answers: the first post shows what will be submitted (score, band,
    legal gaps) and asks to confirm; only a post with confirm=yes submits."""
    assessment = get_own_assessment_or_404(assessment_id)
    rubric = rubric_of(assessment)
    if request.form.get("confirm") != "yes":
        if not assessment.editable:
            flash(message_for("not_editable"), "error")
            return redirect(url_for("assessment.review", assessment_id=assessment.id))
        navigation = _navigation(assessment, rubric)
        return render_template("assessment/confirm_submit.html", assessment=assessment, rubric=rubric,
                               bands={b.key: b for b in [rubric.data.gap_band, *rubric.data.bands]},
                               **navigation, **journey(assessment, rubric, navigation["progress"], "review"))
    try:
        submit(db.session, service_context(), assessment, rubric, today_in_viet_nam())
    except ServiceError as error:
        flash(message_for(error.code), "error")
        return redirect(url_for("assessment.review", assessment_id=assessment.id))
    flash(_("Assessment submitted. Your answers are now frozen."), "success")
    return redirect(url_for("assessment.results", assessment_id=assessment.id))


def _submitted_assessment(assessment_id: int) -> Assessment:
    """The assessment, once submitted. Before that it has no results and no plan: the user is
    sent to the review page (what is missing, and the submit button) with a word why."""
    assessment = get_visible_assessment_or_404(assessment_id)
    if assessment.result is None:
        flash(_("Results and the improvement plan are ready once the assessment is submitted."), "info")
        abort(redirect(url_for("assessment.review", assessment_id=assessment.id)))
    return assessment


@bp.route("/<id:assessment_id>/results")
@roles_required(*EVERYONE)
def results(assessment_id: int) -> Any:
    return _render_results(_submitted_assessment(assessment_id))


def _render_results(assessment: Assessment, item_form: tuple[int, PlanItemForm] | None = None) -> str:
    """The results page. `item_form`: one plan action's form as it was sent back (a conflict)."""
    rubric = rubric_of(assessment)
    result = assessment.result
    assert result is not None  # _submitted_assessment let it through
    median, group = sector_median(db.session, assessment)
    items = {i.indicator_key: i for i in db.session.scalars(select(PlanItem).where(
        PlanItem.assessment_id == assessment.id).order_by(PlanItem.id))}
    forms = {k: with_unique_ids(item_form[1] if item_form and item_form[0] == v.id else PlanItemForm(obj=v),
                                f"item-{v.id}-") for k, v in items.items()}
    previous = previous_cycle(db.session, assessment)
    return render_template("assessment/results.html", assessment=assessment, rubric=rubric,
                           card=result["scorecard"], basis=legal_basis(result["scorecard"]),
                           plan=result["plan"], median=median,
                           group=group, items=items, item_forms=forms,
                           previous=previous, min_group=MIN_BENCHMARK_GROUP,
                           can_edit=current_user.role == Role.HR, lang=current_language(), editions=EDITIONS)


# --- The PDF improvement plan ---------------------------------------------------------------------


def _edition() -> str:
    edition = request.args.get("edition") or current_language()
    if edition not in EDITIONS:
        abort(404)
    return edition


@bp.route("/<id:assessment_id>/plan.pdf")
@roles_required(*EVERYONE)
def plan_download(assessment_id: int) -> Response:
    assessment = _submitted_assessment(assessment_id)
    edition = _edition()
    pdf = plan_pdf(db.session, assessment, rubric_of(assessment), edition)
    stem = _("improvement-plan")  # outside the f-string, where pybabel can find it
    name = f"{stem}-{slug(assessment.organisation.name)}-{assessment.cycle}-{edition}.pdf"
    response = send_file(io.BytesIO(pdf.content), mimetype="application/pdf", as_attachment=True,
                         download_name=name, max_age=0)
    response.headers["X-Plan-Rendered"] = "1" if pdf.rendered_now else "0"
    return response


@bp.route("/<id:assessment_id>/plan/preview")
@roles_required(*EVERYONE)
def plan_preview(assessment_id: int) -> Any:
    """The same HTML the PDF is made from, in the browser."""
    assessment = _submitted_assessment(assessment_id)
    edition = _edition()
    report = report_of(db.session, assessment, rubric_of(assessment))
    bar = PreviewBar(back_url=url_for("assessment.results", assessment_id=assessment.id), back=_("Back to the results"),
                     print_label=_("Print"), pdf=_("Download PDF"),
                     pdf_url=url_for("assessment.plan_download", assessment_id=assessment.id, edition=edition))
    return render_html(report, edition, url_for("assessment.report_asset", filename=""),
                       icon_url=url_for("static", filename="favicon.svg"), preview=bar)


@bp.route("/report-assets/<path:filename>")
@public
def report_asset(filename: str) -> Response:
    """The report's stylesheet and fonts, for the preview page (nothing secret)."""
    return send_from_directory(ASSETS, filename, max_age=86400)


@bp.route("/<id:assessment_id>/plan", methods=["POST"])
@roles_required(Role.HR)
def plan_adopt(assessment_id: int) -> Response:
    assessment = get_own_assessment_or_404(assessment_id)
    try:
        adopt_action(db.session, service_context(), assessment, request.form.get("indicator", ""),
                     current_language())
    except ServiceError as error:
        flash(message_for(error.code), "error")
    else:
        flash(_("Action added to your plan."), "success")
    return redirect(url_for("assessment.results", assessment_id=assessment.id) + "#plan")


@bp.route("/<id:assessment_id>/plan/<id:item_id>", methods=["POST"])
@roles_required(Role.HR)
def plan_item(assessment_id: int, item_id: int) -> Response | tuple[str, int]:
    assessment = get_own_assessment_or_404(assessment_id)
    item = db.session.get(PlanItem, item_id)
    if item is None or item.assessment_id != assessment.id:
        abort(404)
    form = PlanItemForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for("assessment.results", assessment_id=assessment.id) + "#plan")
    status = save_versioned(form, lambda: update_plan_item(
        db.session, service_context(), item, assessment.organisation_id, text=form.text.data or "",
        owner=form.owner.data or "", due_date=form.due_date.data, status=form.status.data or "",
        expected_version=form.expected_version()), lambda: _saved_plan_item(assessment.id, item_id))
    if status == 409:
        # Someone changed this action since the page was drawn: the page again, with this
        # action's form showing what is saved and what was typed.
        return _render_results(assessment, (item_id, form)), 409
    if status is None:
        flash(_("Plan updated."), "success")
    else:
        flash(" ".join(form.form_errors + [str(e) for f in form for e in f.errors]), "error")
    return redirect(url_for("assessment.results", assessment_id=assessment.id) + "#plan")


def _saved_plan_item(assessment_id: int, item_id: int) -> tuple[PlanItem, int, dict[str, Any]]:
    item = db.session.get(PlanItem, item_id)
    if item is None or item.assessment_id != assessment_id:
        abort(404)
    db.session.refresh(item)
    return item, item.version, {}
