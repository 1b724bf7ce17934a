"""What every page of the self-assessment journey shares: finding the assessment a person may
see, its rubric, the journey's header and steps, and the words drawn on every area page."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from flask import abort, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm import joinedload

from app.access import can_see_organisation
from app.assessment.render import AreaPageLabels, JourneyLabels, Labels, render_journey_header, render_steps
from app.extensions import db
from app.labels import current_language, status_name
from assessments.db import today_in_viet_nam
from assessments.models import Assessment, Role
from assessments.services import ServiceError
from assessments.services.area_page import AreaPage, AssessmentSnapshot, assessment_snapshot
from assessments.services.self_assessment import answer_values, card_for, progress
from assessments.services.teams import display_name, hr_team
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




def navigation_of(assessment: Assessment | AssessmentSnapshot, rubric: Rubric,
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


def visible_snapshot_or_404(assessment_id: int) -> AssessmentSnapshot:
    snapshot = assessment_snapshot(db.session, assessment_id)
    if snapshot is None:
        abort(404)
    check_visible(snapshot)
    return snapshot


def check_visible(assessment: AssessmentSnapshot) -> None:
    if not can_see_organisation(current_user, assessment.organisation_id):
        abort(404)



@lru_cache(maxsize=64)
def area_page_labels(lang: str) -> AreaPageLabels:
    """Translated once per language (the catalogue does not change while the app runs)."""
    return AreaPageLabels(
        theirs=_("Below are the answers as they were saved by the other person. Where you typed something else, "
                 "it is shown under the question: choose again and save."),
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
                  copied=_("Copied from last cycle: check it, then save this part to confirm."),
                  team_note=_("Note for your team"), share_note=_("Show this note to the Chamber reviewer"),
                  company_note=_("Note from the company"))


def colleague_choices(organisation_id: int) -> list[tuple[int, str]]:
    """The organisation's HR team as choices (the owner of a plan action)."""
    return [(person.id, display_name(person)) for person in hr_team(db.session, organisation_id)]
