"""Service error codes in the user's language, shown next to the field at fault."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import flash, redirect, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from app.extensions import db
from assessments.services import ServiceError

T = TypeVar("T")

MESSAGES = {
    "email_taken": _l("An account with this e-mail already exists."),
    "unknown_role": _l("Choose a role from the list."),
    "hr_needs_organisation": _l("An HR officer must belong to an organisation."),
    "only_hr_has_organisation": _l("Only HR officers belong to an organisation; leave it empty for this role."),
    "password_length": _l("Use 10 to 128 characters."),
    "wrong_password": _l("The current password is not correct."),
    "cannot_deactivate_self": _l("You cannot deactivate your own account."),
    "cannot_change_own_role": _l("You cannot change your own role."),
    "tax_code_invalid": _l("A tax code has 10 digits, or 13 for a branch (e.g. 0101234567-001)."),
    "tax_code_taken": _l("Another organisation already has this tax code."),
    "name_required": _l("This field is required."),
    "province_unknown": _l("Choose a province from the list."),
    "former_province_not_in_province": _l("That former province is not part of the province chosen."),
    "sector_unknown": _l("Choose a sector from the list."),
    "workforce_out_of_range": _l("Enter a whole number from 0 to 2,000,000."),
    "women_exceed_total": _l("The number of women cannot be larger than the total workforce."),
    # Invitations and links in mails
    "email_invalid": _l("Enter an e-mail address such as name@company.vn."),
    "already_invited": _l("This address has an open invitation already: send it again from the list below."),
    "not_allowed": _l("You cannot invite someone to this role or organisation."),
    "invitation_accepted": _l("This invitation has been accepted: the account exists."),
    "invitation_closed": _l("This invitation was accepted or withdrawn already."),
    "link_invalid": _l("This link is not valid. Check that it was copied whole, or ask for a new one."),
    "link_used": _l("This link has been used already, or a newer one was sent. Ask for a new one."),
    "link_expired": _l("This link has expired. Ask for a new one."),
    "link_revoked": _l("This invitation was withdrawn. Ask the person who invited you."),
    "page_link_expired": _l("This link from a mail has expired. Open the service and find the page from your "
                            "dashboard."),
    "request_decided": _l("Another reviewer has already decided on this request."),
    # Teams
    "not_a_colleague": _l("Choose a colleague of your organisation with an active account."),
    "note_too_long": _l("A note has at most 1,000 characters."),
    # Parenting sessions
    "date_in_future": _l("The date is in the future: record sessions that have taken place."),
    "date_too_old": _l("The date is too far in the past."),
    "invalid_date": _l("Write the date as YYYY-MM-DD or DD/MM/YYYY."),
    "duration_out_of_range": _l("Enter a duration from 1 to 600 minutes."),
    "unknown_venue": _l("Choose a venue from the list."),
    "workplace_needs_organisation": _l("Choose the workplace where the session was held."),
    "unknown_workplace": _l("No organisation has this tax code."),
    "unknown_province": _l("Unknown province or city (old names from before July 2025 are accepted)."),
    "province_differs_from_workplace": _l("This is not the province of the chosen workplace."),
    "required": _l("This field is required."),
    "negative": _l("Cannot be negative."),
    "too_large": _l("This number is too large."),
    "not_a_whole_number": _l("Enter a whole number."),
    "disaggregation_does_not_add_up": _l("Women and men do not add up to the total."),
    "no_participants": _l("A session needs at least one participant."),
    "exceeds_total": _l("Cannot be more than the total number of participants."),
    "topic_not_in_programme": _l("Choose topics of the selected programme."),
    "unknown_topic": _l("Unknown topic for this programme."),
    "unknown_programme": _l("Unknown programme."),
    "duplicate_session": _l("This programme already has a session at this place on this date."),
    "edited_by_someone_else": _l("Someone else saved this while you were editing. What is saved now is shown; what "
                                 "you typed is shown under each field that differs. Check it and save again."),
    "not_a_dhis2_uid": _l("A DHIS2 identifier has 11 letters and digits and starts with a letter (e.g. Qa1b2c3d4e5)."),
    "dhis2_uid_taken": _l("Another facilitator has this DHIS2 identifier: each needs their own, or DHIS2 would add "
                          "their figures together."),
    "programme_exists": _l("A programme with this name exists already."),
    "topic_exists": _l("This programme has this topic already."),
    # Self-assessment
    "cycle_exists": _l("This year's assessment has already been started."),
    "not_editable": _l("This assessment has been submitted; its answers can no longer be changed."),
    "unknown_area": _l("Unknown part of the assessment."),
    "unknown_indicator": _l("Unknown question."),
    "unknown_evidence": _l("This file is no longer attached to this part of the assessment."),
    "not_under_review": _l("Only a submitted assessment can be reviewed, and this one is not awaiting review."),
    "unknown_decision": _l("Choose accept or query."),
    "comment_required": _l("Say what needs to change: a query needs a comment."),
    "comment_too_long": _l("At most 2,000 characters."),
    "not_returned": _l("Replies are possible while the assessment is back with the company."),
    "not_queried": _l("This question is not queried: there is nothing to reply to."),
    "reply_required": _l("Write your reply."),
    "queries_open": _l("Some questions are still queried: accept them, or return the assessment to the company."),
    "nothing_to_return": _l("Query at least one question or write a comment before returning the assessment."),
    "profile_incomplete": _l("Complete the organisation profile first."),
    "not_on_that_version": _l("This assessment has already moved to another version of the questionnaire."),
    "no_way_to_move": _l("This assessment cannot move to that version of the questionnaire."),
    "changed_since_opened": _l("This assessment changed after the page was opened; nothing was moved. Check it "
                               "and try again."),
    "incomplete": _l("Some questions are still unanswered: see the list below."),
    "copies_unconfirmed": _l("Some answers were copied from last cycle and nobody has checked them yet: open their "
                             "part, check them and save (see the list below)."),
    "file_type_not_allowed": _l("Only PDF, JPEG, PNG, Word (.docx) and Excel (.xlsx) files can be attached."),
    "not_submitted": _l("The plan exists once the assessment is submitted."),
    "unknown_action": _l("This action is not in the plan."),
    "already_adopted": _l("This action is already in your plan."),
    "unknown_status": _l("Choose a status from the list."),
    "unknown_option": _l("Not a valid choice."),
    "must_be_option_key": _l("Not a valid choice."),
    "must_be_list_of_option_keys": _l("Not a valid choice."),
    "exclusive_option_combined": _l("\"None\" cannot be combined with other answers."),
    "duplicate_option": _l("Not a valid choice."),
    "not_applicable_not_allowed": _l("\"Not applicable\" is not an answer to this question."),
    "must_be_number": _l("Enter a number."),
    "must_be_whole_number": _l("Enter a whole number."),
    "out_of_range": _l("This number is outside the allowed range."),
    "must_be_text": _l("Invalid input."),
    "too_long": _l("At most 2,000 characters."),
    # Courses
    "course_in_future": _l("The first session cannot be in the future."),
    "sessions_to_complete_out_of_range": _l("Enter a whole number from 1 to 52."),
    "no_programme_minimum": _l("Enter the number: an administrator has not set this programme's minimum number of "
                               "sessions yet."),
    "completed_exceeds_enrolled": _l("More parents completed the course than were enrolled."),
    "course_not_in_programme": _l("This course belongs to another programme."),
    "course_programme_fixed": _l("A course keeps its programme: its sessions are of that programme."),
    # Venues
    "unknown_venue_record": _l("Choose a venue from the list."),
    "unknown_venue_name": _l("No registered venue of this kind in this province has this name."),
    "unknown_course": _l("This programme has no course with this name."),
    "ambiguous_course": _l("Several courses of this programme have this name: rename one on its page, then import."),
    "venue_exists": _l("This province already has a venue of this kind with this name."),
    # Facilitators
    "training_in_future": _l("The training date cannot be in the future."),
    "facilitator_not_in_programme": _l("A facilitator chosen does not belong to this session’s programme."),
    # Supervision visits
    "visit_in_future": _l("The visit date is in the future: record visits that have taken place."),
    "not_on_checklist": _l("This item is not on the programme’s checklist."),
    "score_out_of_range": _l("Score each item from 1 to 4."),
    "nothing_scored": _l("Score at least one item of the checklist."),
    # Parenting targets
    "year_out_of_range": _l("Targets are set for this year, or up to 5 years before or after it."),
    "programme_unknown": _l("Choose a programme from the list."),
    "count_out_of_range": _l("Enter a whole number from 0 to 10,000,000."),
    "percent_out_of_range": _l("Enter a whole number from 0 to 100."),
    # The workers' survey: organisers
    "no_survey": _l("The rubric version of this assessment has no workers’ survey."),
    "forbidden": _l("Only the company’s HR officers and the Chamber can run its survey rounds."),
    "not_current_cycle": _l("A survey round is opened for the current cycle’s assessment."),
    "opens_in_the_past": _l("The first day cannot be in the past."),
    "closes_before_it_opens": _l("The last day cannot come before the first day."),
    "round_too_long": _l("A round lasts at most 62 days."),
    "workforce_too_small": _l("With fewer than 10 workers, answers could be recognised: the survey needs at "
                              "least 10."),
    "codes_out_of_range": _l("Enter how many codes to print: at least 1, at most your workforce (and 5,000)."),
    "round_already_running": _l("A round is already open or planned: close it before opening another."),
    "round_closed": _l("This round is closed already."),
    "round_without_codes": _l("This round uses an open link: it has no codes to print."),
    # The workers' survey: workers (shown on their phones)
    "no_such_survey": _l("There is no survey at this address. Check the address on the poster."),
    "survey_not_open_yet": _l("This survey has not opened yet."),
    "survey_closed": _l("This survey has closed: answers can no longer be given or changed."),
    "code_not_valid": _l("This code is not valid or has been used already. Check the code on your slip."),
    "code_needed": _l("Type the code from your slip first."),
    "survey_full": _l("This survey has as many answers as the company has workers: no more can begin."),
    "too_many_responses_here": _l("Too many answers have begun from this network in the last hour. Please try "
                                  "again later, or on mobile data."),
    "no_response": _l("Your answers could not be found on this phone. Reload the page and answer again."),
    "not_a_survey_question": _l("This is not a question of the survey."),
    "not_a_survey_answer": _l("Choose one of the answers given."),
}


def message_for(code: str) -> str:
    """The message for a reason code, including codes with a number (duplicate_of_row_7)."""
    if code.startswith("duplicate_of_row_"):
        return str(_l("Repeats row %(row)s of this file.", row=code.rsplit("_", 1)[1]))
    if code.startswith("unknown_topic:"):
        return str(_l("“%(topic)s” is not a topic of this programme (topics are separated by “;”).",
                      topic=code.split(":", 1)[1]))
    return str(MESSAGES.get(code, _l("Invalid input.")))


def attempt(form: FlaskForm, action: Callable[[], T]) -> tuple[bool, T | None]:
    """Run a use case for a submitted form. If the service refuses, roll back and show its
    reasons next to the fields: returns (False, None). Otherwise (True, what it returned)."""
    try:
        return True, action()
    except ServiceError as error:
        db.session.rollback()
        show_on_form(form, error)
        return False, None


def add_from_form(form: FlaskForm, create: Callable[[], T], added: str,
                  url_of: Callable[[T], str]) -> tuple[Response | None, int]:
    """The posting half of a page that lists records and adds one (venues, facilitators,
    courses): on success the redirect to the new record's page, with `added` flashed;
    otherwise no response and the status to draw the page with (422 for a refused post)."""
    if not form.validate_on_submit():
        return None, 422 if request.method == "POST" else 200
    ok, record = attempt(form, create)
    if not ok or record is None:
        return None, 422
    flash(added, "success")
    return redirect(url_of(record)), 302


def show_on_form(form: FlaskForm, error: ServiceError) -> None:
    """Attach the message to the field the service named (or to the form as a whole)."""
    errors = getattr(error, "errors", None) or {error.field or "": error.code}
    for field_name, code in errors.items():
        message = message_for(code)
        field = form._fields.get(field_name)
        if field is not None:
            field.errors = [*field.errors, message]
        else:
            form.form_errors.append(message)


def flash_outcome(action: Callable[[], T], success: Callable[[T], str]) -> T | None:
    """Run the use case of a button (its form carries only the CSRF token, which CSRFProtect
    has checked): flash what it did, or why it was refused (after rolling back)."""
    try:
        result = action()
    except ServiceError as error:
        db.session.rollback()
        flash(message_for(error.code), "error")
        return None
    flash(success(result), "success")
    return result
