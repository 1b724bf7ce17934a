"""The workers' anonymous survey: rounds opened by HR or a reviewer, responses begun and answered
by workers without an account, and what a round shows once enough workers answered.

Anonymity is kept by what is stored (see SurveyResponse: a random id, the round, the day and the
hash of a secret the worker's browser holds) and by what is shown (`assessments/survey.py`:
nothing below the rubric's `min_responses`, no demographic group below it either). Nothing here
writes the audit trail for a worker's step, because an audit row carries a time and an address.
"""

from __future__ import annotations

import hashlib
import secrets
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import String, bindparam, cast, delete, func, insert, null, select, union_all, update
from sqlalchemy.exc import IntegrityError

from assessments.db import DbSession, table_of
from assessments.models import (
    Answer,
    Assessment,
    Organisation,
    Role,
    SurveyAnswer,
    SurveyCode,
    SurveyPaper,
    SurveyResponse,
    SurveyRound,
    User,
)
from assessments.report.data import WorkersInput
from assessments.report.survey_papers import RoundPaper, codes_pdf, poster_pdf
from assessments.services.common import Context, ServiceError, answer_values, record_event
from assessments.services.versions import update_if_current
from assessments.survey import Counts, Group, Voice, change_since, split_by, workers_voice
from rubrics.loader import Rubric
from rubrics.schema import Survey

MAX_ROUND_DAYS = 62  # a round is a pulse, not a standing channel: two months at most
MAX_CODES = 5000  # one printed sheet per 60 codes; more is a census, not a pulse
# Short URLs and codes are typed from paper: no 0/O, 1/l/I, 5/S, 8/B or 2/Z to confuse.
SLUG_ALPHABET = "acdefghjkmnpqrtuvwxy34679"
SLUG_LENGTH = 7
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6
SURVEY_ROLES = (Role.HR, Role.REVIEWER, Role.ADMIN)  # who may open and close rounds


class RoundState(StrEnum):
    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"


def last_day(survey_round: SurveyRound) -> date:
    """The last day workers can answer (a round closed early ends the day before)."""
    if survey_round.closed_early_on is None:
        return survey_round.closes_on
    return min(survey_round.closes_on, survey_round.closed_early_on - timedelta(days=1))


def round_state(survey_round: SurveyRound, today: date) -> RoundState:
    if today > last_day(survey_round):
        return RoundState.CLOSED
    return RoundState.OPEN if today >= survey_round.opens_on else RoundState.UPCOMING


def survey_of(rubric: Rubric) -> Survey:
    survey = rubric.data.survey
    if survey is None:
        raise ServiceError("no_survey")
    return survey


def may_run_rounds(actor: User | None, assessment: Assessment) -> bool:
    """HR officers of the company run their own rounds; the Chamber may run one to verify."""
    if actor is None or actor.role not in SURVEY_ROLES:
        return False
    return actor.role != Role.HR or actor.organisation_id == assessment.organisation_id


def rounds_of(db: DbSession, assessment_id: int) -> list[SurveyRound]:
    """An assessment's rounds, newest first."""
    return list(db.scalars(select(SurveyRound).where(SurveyRound.assessment_id == assessment_id)
                           .order_by(SurveyRound.opens_on.desc(), SurveyRound.id.desc())))


def _random(alphabet: str, length: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def open_round(db: DbSession, ctx: Context, assessment: Assessment, rubric: Rubric, *, opens_on: date,
               closes_on: date, codes: int | None, today: date) -> SurveyRound:
    """Open a round for the assessment of the current cycle. `codes`: how many one-time codes to
    print (then only a code begins a response), or None for an open link. Responses are capped
    at the company's workforce either way."""
    survey = survey_of(rubric)
    if not may_run_rounds(ctx.actor, assessment):
        raise ServiceError("forbidden")
    if assessment.cycle != today.year:
        raise ServiceError("not_current_cycle")
    if opens_on < today:
        raise ServiceError("opens_in_the_past", "opens_on")
    if closes_on < opens_on:
        raise ServiceError("closes_before_it_opens", "closes_on")
    if (closes_on - opens_on).days + 1 > MAX_ROUND_DAYS:
        raise ServiceError("round_too_long", "closes_on")
    cap = assessment.organisation.workforce_total
    if cap < survey.min_responses:
        raise ServiceError("workforce_too_small")  # fewer workers than results are shown from
    if codes is not None and not 1 <= codes <= min(cap, MAX_CODES):
        raise ServiceError("codes_out_of_range", "codes")
    # One round at a time: lock the assessment's row first (PostgreSQL), so two officers opening
    # at once cannot both find none running.
    # (An UPDATE that changes nothing: on SQLite it takes the write lock, so the same holds.)
    db.execute(update(Assessment).where(Assessment.id == assessment.id).values(updated_at=Assessment.updated_at))
    if any(round_state(r, today) != RoundState.CLOSED for r in rounds_of(db, assessment.id)):
        db.rollback()
        raise ServiceError("round_already_running")
    survey_round = SurveyRound(assessment_id=assessment.id, slug=_random(SLUG_ALPHABET, SLUG_LENGTH),
                               opens_on=opens_on, closes_on=closes_on, uses_codes=codes is not None,
                               cap=min(cap, codes) if codes is not None else cap, opened_by_id=getattr(
                                   ctx.actor, "id", None))
    db.add(survey_round)
    db.flush()
    if codes is not None:
        chosen: set[str] = set()
        while len(chosen) < codes:
            chosen.add(_random(CODE_ALPHABET, CODE_LENGTH))
        db.execute(insert(table_of(SurveyCode)), [{"round_id": survey_round.id, "code": c, "used": False}
                                                  for c in sorted(chosen)])
    record_event(db, ctx, "survey_round_opened", "survey_round", survey_round.id,
                 organisation_id=assessment.organisation_id,
                 details={"assessment": assessment.id, "opens_on": opens_on.isoformat(),
                          "closes_on": closes_on.isoformat(), "codes": codes})
    db.commit()
    return survey_round


def close_round(db: DbSession, ctx: Context, survey_round: SurveyRound, expected_version: int,
                today: date) -> None:
    """End a round before its last day (from today no worker can begin or change an answer)."""
    if not may_run_rounds(ctx.actor, survey_round.assessment):
        raise ServiceError("forbidden")
    if round_state(survey_round, today) == RoundState.CLOSED:
        raise ServiceError("round_closed")
    update_if_current(db, SurveyRound, survey_round.id, expected_version, {"closed_early_on": today})
    record_event(db, ctx, "survey_round_closed", "survey_round", survey_round.id,
                 organisation_id=survey_round.assessment.organisation_id)
    db.commit()


def codes_of(db: DbSession, survey_round: SurveyRound) -> list[str]:
    return list(db.scalars(select(SurveyCode.code).where(SurveyCode.round_id == survey_round.id)
                           .order_by(SurveyCode.code)))


def codes_used(db: DbSession, survey_round: SurveyRound) -> int:
    return db.scalar(select(func.count()).where(SurveyCode.round_id == survey_round.id,
                                                SurveyCode.used.is_(True))) or 0


# Workers' steps: no account, no audit row (it would carry a time and an address).

@dataclass(frozen=True)
class PublicRound:
    """A round as the answering page needs it, read in one statement: the round, the company's
    name and the rubric the assessment is pinned to."""

    survey_round: SurveyRound
    organisation: str
    rubric_key: str
    rubric_version: str
    rubric_hash: str


# Built once: on the busiest page workers open, building the statement cost as much as running it.
_ROUND_BY_SLUG = (select(SurveyRound, Organisation.name, Assessment.rubric_key, Assessment.rubric_version,
                         Assessment.rubric_hash)
                  .join(Assessment, Assessment.id == SurveyRound.assessment_id)
                  .join(Organisation, Organisation.id == Assessment.organisation_id)
                  .where(SurveyRound.slug == bindparam("slug")))


def round_by_slug(db: DbSession, slug: str) -> PublicRound:
    row = db.execute(_ROUND_BY_SLUG, {"slug": slug.strip().lower()[:16]}).first()
    if row is None:
        raise ServiceError("no_such_survey")
    return PublicRound(*row)


def _answering(survey_round: SurveyRound, today: date) -> None:
    state = round_state(survey_round, today)
    if state == RoundState.UPCOMING:
        raise ServiceError("survey_not_open_yet")
    if state == RoundState.CLOSED:
        raise ServiceError("survey_closed")


def _resume_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def normalise_code(raw: str) -> str:
    return "".join(ch for ch in raw.upper() if ch.isalnum())[:CODE_LENGTH * 2]


def begin_response(db: DbSession, survey_round: SurveyRound, code: str | None, today: date) -> str:
    """Begin a worker's response and return the secret their browser keeps to go on with it.
    Refused once the round is full (its cap), and, in a round with codes, without an unused code.
    Both checks are conditional UPDATEs: two workers cannot take the last place or the same code."""
    _answering(survey_round, today)
    if survey_round.uses_codes:
        used = db.execute(update(SurveyCode).where(
            SurveyCode.round_id == survey_round.id, SurveyCode.code == normalise_code(code or ""),
            SurveyCode.used.is_(False)).values(used=True).execution_options(synchronize_session=False))
        if used.rowcount != 1:  # type: ignore[attr-defined]  # an UPDATE's result has a rowcount
            db.rollback()
            raise ServiceError("code_not_valid", "code")
    taken = db.execute(update(SurveyRound).where(
        SurveyRound.id == survey_round.id, SurveyRound.started < SurveyRound.cap)
        .values(started=SurveyRound.started + 1).execution_options(synchronize_session=False))
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        db.rollback()
        raise ServiceError("survey_full")
    secret = secrets.token_urlsafe(24)
    db.execute(insert(table_of(SurveyResponse)).values(
        id=secrets.token_hex(16), round_id=survey_round.id, day=today, resume_hash=_resume_hash(secret)))
    db.commit()
    return secret


def response_for(db: DbSession, survey_round: SurveyRound, secret: str | None) -> SurveyResponse | None:
    """The response this browser began in this round, if its secret is one."""
    if not secret:
        return None
    return db.scalar(select(SurveyResponse).where(SurveyResponse.round_id == survey_round.id,
                                                  SurveyResponse.resume_hash == _resume_hash(secret[:100])))


def answers_given(db: DbSession, response: SurveyResponse) -> dict[str, str]:
    return dict(db.execute(select(SurveyAnswer.key, SurveyAnswer.value)
                           .where(SurveyAnswer.response_id == response.id)).all())


def check_answers(survey: Survey, given: Mapping[str, str]) -> dict[str, str | None]:
    """The answers as they will be saved (None clears one), or every one refused, by key."""
    allowed = {q.key: {a.key for a in survey.answers} for q in survey.questions}
    allowed |= {d.key: {o.key for o in d.options} for d in survey.demographics}
    checked: dict[str, str | None] = {}
    errors: dict[str, str] = {}
    for key, value in given.items():
        if key not in allowed:
            errors[key] = "not_a_survey_question"
        elif value in ("", None):
            checked[key] = None
        elif value not in allowed[key]:
            errors[key] = "not_a_survey_answer"
        else:
            checked[key] = value
    if errors:
        raise ServiceError(next(iter(errors.values())), next(iter(errors)))
    return checked


def save_answers(db: DbSession, survey: Survey, survey_round: SurveyRound, secret: str | None,
                 given: Mapping[str, str], today: date) -> None:
    """Save what a worker answered (one answer as it is given, or the whole page): each answer
    replaces the worker's earlier one to the same question; an empty one clears it."""
    _answering(survey_round, today)
    response = response_for(db, survey_round, secret)
    if response is None:
        raise ServiceError("no_response")
    checked = check_answers(survey, given)
    if not checked:
        return
    db.execute(delete(SurveyAnswer).where(SurveyAnswer.response_id == response.id,
                                          SurveyAnswer.key.in_(list(checked))))
    rows = [{"response_id": response.id, "key": k, "value": v} for k, v in checked.items() if v is not None]
    if rows:
        db.execute(insert(table_of(SurveyAnswer)), rows)
    try:
        db.commit()
    except IntegrityError:  # the same answer sent twice at once (a retry): the other one saved it
        db.rollback()


# What a round shows.

def _hr_answers(db: DbSession, assessment_ids: Sequence[int], keys: Collection[str]) -> dict[int, dict[str, Any]]:
    """HR's answers to the indicators `keys` of several assessments at once. Only those: a survey
    checks a handful of a questionnaire's fifty-odd answers, and each is JSON to decode."""
    found: dict[int, dict[str, Any]] = defaultdict(dict)
    for assessment_id, key, value in db.execute(select(Answer.assessment_id, Answer.indicator_key, Answer.value)
                                                .where(Answer.assessment_id.in_(assessment_ids),
                                                       Answer.indicator_key.in_(keys))):
        found[assessment_id][key] = value
    return found


def _counts(db: DbSession, round_ids: Sequence[int]) -> tuple[dict[int, int], Mapping[int, Counts]]:
    """Per round: how many workers answered at least one question, and answer counts per key. One
    statement: the counts per answer, and after them one row per round (its key NULL: an
    answer's key never is) with the workers who answered."""
    answers = select(SurveyResponse.round_id, SurveyAnswer.key, SurveyAnswer.value, SurveyAnswer.response_id) \
        .join(SurveyAnswer, SurveyAnswer.response_id == SurveyResponse.id) \
        .where(SurveyResponse.round_id.in_(round_ids)).subquery()
    per_answer = select(answers.c.round_id, answers.c.key, answers.c.value, func.count()) \
        .group_by(answers.c.round_id, answers.c.key, answers.c.value)
    per_round = select(answers.c.round_id, cast(null(), String), cast(null(), String),
                       func.count(func.distinct(answers.c.response_id))).group_by(answers.c.round_id)
    answered: dict[int, int] = {}
    counts: dict[int, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for round_id, key, value, times in db.execute(union_all(per_answer, per_round)):
        if key is None:
            answered[round_id] = times
        else:
            counts[round_id][key][value] = times
    return answered, counts


@dataclass(frozen=True)
class RoundView:
    """A round as its organisers see it."""

    survey_round: SurveyRound
    state: RoundState
    voice: Voice
    hr_answers: dict[str, Any]  # what the workers' answers were checked against
    groups: tuple[Group, ...]  # split by one demographic, when asked for
    change: dict[str, float]  # question -> points since the last cycle's round, when it showed


def voice_of_round(db: DbSession, survey: Survey, survey_round: SurveyRound,
                   hr_answers: Mapping[str, Any] | None = None) -> Voice:
    answered, counts = _counts(db, [survey_round.id])
    hr = answer_values(db, survey_round.assessment_id) if hr_answers is None else hr_answers
    return workers_voice(survey, hr, counts.get(survey_round.id, {}), answered.get(survey_round.id, 0))


def _split(db: DbSession, survey: Survey, survey_round: SurveyRound, hr_answers: Mapping[str, Any],
           demographic: str) -> tuple[Group, ...]:
    group = select(SurveyAnswer.response_id, SurveyAnswer.value.label("option")).join(
        SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id).where(
        SurveyResponse.round_id == survey_round.id, SurveyAnswer.key == demographic).subquery()
    answer = SurveyAnswer.__table__.alias("answer")
    by_option: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    sizes: dict[str, int] = {}
    for option, key, value, times in db.execute(
            select(group.c.option, answer.c.key, answer.c.value, func.count())
            .join(answer, answer.c.response_id == group.c.response_id)
            .group_by(group.c.option, answer.c.key, answer.c.value)):
        by_option[option][key][value] = times
    for option, size in db.execute(select(group.c.option, func.count()).group_by(group.c.option)):
        sizes[option] = size
    return split_by(survey, hr_answers, by_option, sizes, demographic)


def round_view(db: DbSession, rubric: Rubric, survey_round: SurveyRound, today: date,
               split: str | None = None) -> RoundView:
    survey = survey_of(rubric)
    hr = answer_values(db, survey_round.assessment_id)
    voice = voice_of_round(db, survey, survey_round, hr)
    groups = _split(db, survey, survey_round, hr, split) if split and voice.shown else ()
    before = previous_voice(db, survey, survey_round.assessment)
    return RoundView(survey_round, round_state(survey_round, today), voice, hr, groups,
                     change_since(before, voice) if before is not None else {})


@dataclass(frozen=True)
class Heard:
    """An assessment's newest round whose results show, what workers said in it, and the HR
    answers it was checked against."""

    survey_round: SurveyRound
    voice: Voice
    hr_answers: dict[str, Any]  # to the indicators the survey checks


def latest_voices(db: DbSession, survey_of_assessment: Mapping[int, Survey | None]) -> dict[int, Heard]:
    """For each assessment (id -> its rubric's survey): its newest round whose results show
    (enough workers answered), and what workers said in it. Three statements, however many
    (one when none has a round)."""
    ids = [key for key, survey in survey_of_assessment.items() if survey is not None]
    if not ids:
        return {}
    rounds = list(db.scalars(select(SurveyRound).where(SurveyRound.assessment_id.in_(ids))
                             .order_by(SurveyRound.opens_on.desc(), SurveyRound.id.desc())))
    if not rounds:  # most assessments: no survey, nothing more to read
        return {}
    answered, counts = _counts(db, [r.id for r in rounds])
    hr_answers = _hr_answers(db, ids, {q.checks for survey in survey_of_assessment.values() if survey is not None
                                       for q in survey.questions})
    found: dict[int, Heard] = {}
    for survey_round in rounds:
        survey = survey_of_assessment[survey_round.assessment_id]
        if survey_round.assessment_id in found or survey is None:
            continue
        voice = workers_voice(survey, hr_answers[survey_round.assessment_id], counts.get(survey_round.id, {}),
                              answered.get(survey_round.id, 0))
        if voice.shown:
            found[survey_round.assessment_id] = Heard(survey_round, voice, hr_answers[survey_round.assessment_id])
    return found


def latest_voice(db: DbSession, survey: Survey, assessment_id: int) -> Heard | None:
    return latest_voices(db, {assessment_id: survey}).get(assessment_id)


def workers_input(db: DbSession, assessment: Assessment, rubric: Rubric, today: date) -> WorkersInput | None:
    """What the report shows of the workers' survey: the newest round whose results show."""
    survey = rubric.data.survey
    found = None if survey is None else latest_voice(db, survey, assessment.id)
    if survey is None or found is None:
        return None
    checked = {q.checks: found.hr_answers[q.checks] for q in survey.questions if q.checks in found.hr_answers}
    still_open = round_state(found.survey_round, today) == RoundState.OPEN
    return WorkersInput(survey=survey, voice=found.voice, hr_answers=checked,
                        last_day=today if still_open else last_day(found.survey_round), still_open=still_open)


def previous_voice(db: DbSession, survey: Survey, assessment: Assessment) -> Voice | None:
    """What workers said in the company's last cycle before this one, for the change since."""
    earlier = db.scalar(select(Assessment.id).where(
        Assessment.organisation_id == assessment.organisation_id, Assessment.cycle < assessment.cycle)
        .order_by(Assessment.cycle.desc()).limit(1))
    found = None if earlier is None else latest_voice(db, survey, earlier)
    return None if found is None else found.voice


def discrepancy_flags(db: DbSession, survey_of_assessment: Mapping[int, Survey | None]) -> dict[int, bool]:
    """For each assessment (id -> its rubric's survey) with a round whose results show: whether
    workers contradict HR on at least one question in the newest such round."""
    return {key: bool(heard.voice.discrepancies) for key, heard in latest_voices(db, survey_of_assessment).items()}


# --- Papers (poster, codes) ----------------------------------------------------------------------

PAPER_KINDS = ("poster", "codes")


def stored_paper(db: DbSession, round_id: int, kind: str) -> bytes | None:
    """The round's poster or codes as PDF, once the job worker made them."""
    content: bytes | None = db.scalar(select(SurveyPaper.content).where(SurveyPaper.round_id == round_id,
                                                                       SurveyPaper.kind == kind))
    return content


def make_paper(db: DbSession, round_id: int, kind: str, paper: RoundPaper) -> bool:
    """The job: render the paper unless it is stored already (a nudge may come twice). True if
    it was made now."""
    survey_round = db.get(SurveyRound, round_id)
    if survey_round is None or kind not in PAPER_KINDS or stored_paper(db, round_id, kind) is not None:
        return False
    pdf = poster_pdf(paper) if kind == "poster" else codes_pdf(paper, codes_of(db, survey_round))
    db.add(SurveyPaper(round_id=round_id, kind=kind, content=pdf.content))
    try:
        db.commit()
    except IntegrityError:  # another worker stored it meanwhile: theirs is the same
        db.rollback()
        return False
    return True
