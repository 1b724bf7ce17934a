"""The HR self-assessment: start a cycle, confirm the profile, save areas, attach evidence,
submit, and keep the adopted action plan up to date."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from assessments.db import DbSession, UTCDateTime, table_of, utcnow
from assessments.evidence import ALLOWED, safe_download_name, sniff
from assessments.migrate import MovedAnswers, NoMigration, migration_between, move_answers
from assessments.models import (
    EDITABLE_STATUSES,
    Answer,
    AreaScoreRow,
    AreaVersion,
    Assessment,
    AssessmentStatus,
    Evidence,
    EvidenceContent,
    LegalGapRow,
    Organisation,
    PlanItem,
    PlanItemStatus,
    ReviewDecision,
    ReviewNote,
)
from assessments.plan import build_plan
from assessments.result import AssessmentResult
from assessments.scoring import NOTED, SCORED, ScoreCard, score, validate_answers, validate_profile
from assessments.services import notifications, teams
from assessments.services.common import Context, InvalidAnswers, ServiceError, answer_values, record_event
from assessments.services.compare import scores_changed
from assessments.services.plan_renders import request_render
from assessments.services.versions import claim_state, update_if_current
from rubrics.loader import Rubric, default_registry


def answers_of(assessment: Assessment) -> dict[str, Any]:
    return {a.indicator_key: a.value for a in assessment.answers}


def evidence_by_indicator(db: DbSession, assessment_id: int) -> dict[str, list[Evidence]]:
    """An assessment's evidence files by question, oldest first."""
    grouped: dict[str, list[Evidence]] = {}
    for item in db.scalars(select(Evidence).where(Evidence.assessment_id == assessment_id).order_by(Evidence.id)):
        grouped.setdefault(item.indicator_key, []).append(item)
    return grouped


def default_profile(rubric: Rubric, organisation: Organisation) -> dict[str, Any]:
    """What we know already: the head counts from the organisation record."""
    known = {"workforce_total": organisation.workforce_total, "workforce_women": organisation.workforce_women}
    return {key: value for key, value in known.items() if key in rubric.profile_keys()}


def start_assessment(db: DbSession, ctx: Context, organisation: Organisation, cycle: int, rubric: Rubric,
                     copy_from: Assessment | None = None) -> Assessment:
    """A new cycle on the current rubric. With `copy_from`, last cycle's profile and answers
    come forward (those the new rubric still asks), so only changes need entering."""
    if db.scalar(select(Assessment.id).where(Assessment.organisation_id == organisation.id,
                                             Assessment.cycle == cycle)) is not None:
        raise ServiceError("cycle_exists", "cycle")
    profile = default_profile(rubric, organisation)
    if copy_from is not None:
        profile |= {k: v for k, v in copy_from.profile.items() if k in rubric.profile_keys()}
    assessment = Assessment(organisation_id=organisation.id, cycle=cycle, rubric_key=rubric.key,
                            rubric_version=rubric.version, rubric_hash=rubric.content_hash,
                            status=AssessmentStatus.DRAFT, profile=profile,
                            created_by_id=ctx.actor.id if ctx.actor else None)
    db.add(assessment)
    db.flush()
    if copy_from is not None:
        for key, value in copied_answers(copy_from, rubric).items():
            db.add(Answer(assessment_id=assessment.id, indicator_key=key, value=value, copied=True))
    record_event(db, ctx, "create", "assessment", assessment.id, organisation_id=organisation.id,
                 details={"cycle": cycle, "rubric": f"{rubric.key} {rubric.version}",
                          "copied_from": copy_from.id if copy_from else None})
    try:
        db.commit()
    except IntegrityError as error:  # started twice at once
        db.rollback()
        raise ServiceError("cycle_exists", "cycle") from error
    return assessment


def copied_answers(previous: Assessment, rubric: Rubric) -> dict[str, Any]:
    """Last cycle's answers that carry into a new cycle on `rubric`: only those of questions that
    applied and were asked last time (a question that did not apply was never really answered,
    and must stay unanswered if it applies now), and only valid ones (across rubric versions, as
    the new version declares)."""
    answers = answers_of(previous)
    card = previous.scorecard
    if card is not None:
        statuses = card.statuses()
        answers = {k: v for k, v in answers.items() if statuses.get(k) in (SCORED, NOTED)}
    if previous.rubric_version != rubric.version:
        try:
            old = default_registry().get(previous.rubric_key, previous.rubric_version)
            return move_answers(old, rubric, answers).answers
        except (KeyError, NoMigration):
            pass
    return {k: v for k, v in answers.items() if rubric.has_indicator(k) and not validate_answers(rubric, {k: v})}


def _editable(assessment: Assessment | EditableAssessment) -> None:
    if not assessment.editable:
        raise ServiceError("not_editable")


def save_profile(db: DbSession, ctx: Context, assessment: Assessment, rubric: Rubric, profile: dict[str, Any],
                 expected_version: int) -> None:
    """Confirm the profile, unless someone changed it (or the assessment's state) since
    `expected_version`."""
    _editable(assessment)
    errors = validate_profile(rubric, profile)
    if errors:
        key, code = next(iter(errors.items()))
        raise ServiceError(code, key.removeprefix("profile."))
    update_if_current(db, Assessment, assessment.id, expected_version,
                      {"profile": dict(profile), "profile_confirmed_at": utcnow()},
                      Assessment.status.in_(EDITABLE_STATUSES))
    record_event(db, ctx, "edit_profile", "assessment", assessment.id, organisation_id=assessment.organisation_id)
    db.commit()


def area_version(db: DbSession, assessment: Assessment, area_key: str) -> int:
    found = db.get(AreaVersion, (assessment.id, area_key))
    return found.version if found else 0


class EditableAssessment(Protocol):
    """What saving an area needs of an assessment: an ORM object or a page's snapshot."""

    @property
    def id(self) -> int: ...

    @property
    def organisation_id(self) -> int: ...

    @property
    def editable(self) -> bool: ...


# Built once: building a statement costs about as much as running it, and saving an area is
# the most frequent write (benchmarks/pages.py).
_CLAIM_VERSION = (
    update(AreaVersion)
    .where(AreaVersion.assessment_id == bindparam("aid"), AreaVersion.area_key == bindparam("area"),
           AreaVersion.version == bindparam("expected"))
    .values(version=bindparam("expected") + 1, updated_by_id=bindparam("actor"),
            updated_at=bindparam("now", type_=UTCDateTime()))
    .execution_options(synchronize_session=False)
)
_AREA_ANSWERS = select(Answer.indicator_key, Answer.value).where(
    Answer.assessment_id == bindparam("aid"), Answer.indicator_key.in_(bindparam("keys", expanding=True)))
_UPDATE_ANSWER = (
    update(Answer)
    .where(Answer.assessment_id == bindparam("aid"), Answer.indicator_key == bindparam("key"))
    .values(value=bindparam("new_value", type_=Answer.__table__.c.value.type), updated_by_id=bindparam("actor"),
            updated_at=bindparam("now", type_=UTCDateTime()))
    .execution_options(synchronize_session=False)
)
_CONFIRM_COPIES = update(Answer).where(
    Answer.assessment_id == bindparam("aid"), Answer.indicator_key.in_(bindparam("keys", expanding=True)),
    Answer.copied.is_(True)).values(copied=False).execution_options(synchronize_session=False)
_DELETE_ANSWERS = delete(Answer).where(
    Answer.assessment_id == bindparam("aid"), Answer.indicator_key.in_(bindparam("keys", expanding=True))
).execution_options(synchronize_session=False)
# The first statement of a save: the assessment must still be open for answers, and its row stays
# held until the save commits. Submit claims the same row (versions.claim_state), so a save and a
# submit are ordered: the submit scores the answers as the save left them, or the save is
# refused because the answers are frozen. Never a score of answers that are no longer stored.
_HOLD_OPEN_ASSESSMENT = (
    update(table_of(Assessment))
    .where(table_of(Assessment).c.id == bindparam("aid"), table_of(Assessment).c.status.in_(EDITABLE_STATUSES))
    .values(updated_at=bindparam("now", type_=UTCDateTime()))
)
_INSERT_ANSWERS = insert(table_of(Answer))


def save_area(db: DbSession, ctx: Context, assessment: EditableAssessment, rubric: Rubric, area_key: str,
              answers: dict[str, Any], expected_version: int,
              notes: dict[str, tuple[str, bool]] | None = None) -> int:
    """Replace the answers of one area (None clears one) unless someone saved the area since
    `expected_version`; returns the new version. All the area's answers change, or none; with
    `notes` (question: text, shared with the reviewer), the team's notes change with them.
    Plain SQL statements rather than ORM objects: no answer is loaded that is not changed."""
    _editable(assessment)
    try:
        area = rubric.area(area_key)
    except KeyError as error:
        raise ServiceError("unknown_area") from error
    keys = [i.key for i in area.indicators]
    if set(answers) - set(keys) or set(notes or {}) - set(keys):
        raise ServiceError("unknown_indicator")
    teams.check_notes(notes or {})
    errors = validate_answers(rubric, {k: v for k, v in answers.items() if v is not None})
    if errors:
        raise InvalidAnswers({key.removeprefix("answers."): code for key, code in errors.items()})
    actor_id = ctx.actor.id if ctx.actor else None
    now = utcnow()
    sql = db.connection()  # plain statements on the connection: a third of the ORM's cost each
    if sql.execute(_HOLD_OPEN_ASSESSMENT, {"aid": assessment.id, "now": now}).rowcount != 1:
        db.rollback()
        raise ServiceError("not_editable")
    # Claim the next version: of two saves from the same version, exactly one succeeds.
    if expected_version == 0 and db.get(AreaVersion, (assessment.id, area_key)) is None:
        try:
            sql.execute(insert(table_of(AreaVersion)).values(assessment_id=assessment.id, area_key=area_key,
                                                             version=1, updated_by_id=actor_id, updated_at=now))
        except IntegrityError as error:
            db.rollback()
            raise ServiceError("edited_by_someone_else") from error
    else:
        claimed = sql.execute(_CLAIM_VERSION, {"aid": assessment.id, "area": area_key, "expected": expected_version,
                                              "actor": actor_id, "now": now})
        if claimed.rowcount != 1:
            db.rollback()
            raise ServiceError("edited_by_someone_else")
    existing: dict[str, Any] = dict(sql.execute(_AREA_ANSWERS, {"aid": assessment.id, "keys": keys}).all())
    cleared = [key for key, value in answers.items() if value is None and key in existing]
    added = [{"assessment_id": assessment.id, "indicator_key": key, "value": value, "updated_by_id": actor_id,
              "updated_at": now} for key, value in answers.items() if value is not None and key not in existing]
    changed = [{"aid": assessment.id, "key": key, "new_value": value, "actor": actor_id, "now": now}
               for key, value in answers.items() if value is not None and key in existing and existing[key] != value]
    # Saving the area confirms every copied answer the officer has now seen (and kept).
    sql.execute(_CONFIRM_COPIES, {"aid": assessment.id, "keys": keys})
    if cleared:
        sql.execute(_DELETE_ANSWERS, {"aid": assessment.id, "keys": cleared})
    if added:
        sql.execute(_INSERT_ANSWERS, added)
    if changed:
        sql.execute(_UPDATE_ANSWER, changed)
    notes_changed = teams.write_notes(db, assessment.id, notes, actor_id, now) if notes else 0
    record_event(db, ctx, "edit_area", "assessment", assessment.id, organisation_id=assessment.organisation_id,
                 details={"area": area_key, "answers_changed": len(cleared) + len(added) + len(changed),
                          **({"notes_changed": notes_changed} if notes_changed else {})})
    db.commit()
    if isinstance(assessment, Assessment) and assessment in db:
        db.expire(assessment, ["answers", "updated_at"])  # written around the ORM: read them afresh
    return expected_version + 1


def move_to_rubric(db: DbSession, ctx: Context, assessment: Assessment, old: Rubric, new: Rubric,
                   expected_version: int) -> MovedAnswers:
    """Move a draft (or returned) assessment from `old` to the newer `new` version, as `new`
    declares: carried answers stay, the others are removed, and `rubric_change` records the
    questions that need an answer. One transaction, claimed on the assessment's version, so it
    cannot interleave with a save or a submit (each holds the same row first); every area's
    version is raised, so a page drawn before the move cannot save into the new version."""
    _editable(assessment)
    if (assessment.rubric_key, assessment.rubric_version) != (old.key, old.version):
        raise ServiceError("not_on_that_version")
    try:
        migration = migration_between(old, new)
    except NoMigration as error:
        raise ServiceError("no_way_to_move") from error
    profile = {k: v for k, v in assessment.profile.items() if k in new.profile_keys()}
    # Claim the row first, then read the answers: a save holds the same row before it writes, so
    # no save can land between the read and the move.
    update_if_current(db, Assessment, assessment.id, expected_version, {
        "rubric_version": new.version, "rubric_hash": new.content_hash, "profile": profile,
        # A profile with fields the new version added is confirmed again before anything else.
        **({} if new.profile_keys() <= set(profile) else {"profile_confirmed_at": None}),
    }, Assessment.status.in_(EDITABLE_STATUSES), Assessment.rubric_version == old.version)
    moved = move_answers(old, new, answer_values(db, assessment.id))
    change = {"from": old.version, "to": new.version, "to_answer": list(moved.to_answer)}
    db.execute(update(Assessment).where(Assessment.id == assessment.id).values(rubric_change=change)
               .execution_options(synchronize_session=False))
    actor_id = ctx.actor.id if ctx.actor else None
    now = utcnow()
    sql = db.connection()
    sql.execute(delete(Answer).where(Answer.assessment_id == assessment.id).execution_options(
        synchronize_session=False))
    if moved.answers:
        sql.execute(_INSERT_ANSWERS, [{"assessment_id": assessment.id, "indicator_key": key, "value": value,
                                       "updated_by_id": actor_id, "updated_at": now}
                                      for key, value in moved.answers.items()])
    for old_key, new_key in migration.indicators.items():  # evidence follows a renamed question
        sql.execute(update(Evidence).where(Evidence.assessment_id == assessment.id,
                                           Evidence.indicator_key == old_key).values(indicator_key=new_key))
    sql.execute(update(AreaVersion).where(AreaVersion.assessment_id == assessment.id)
                .values(version=AreaVersion.version + 1, updated_by_id=actor_id, updated_at=now)
                .execution_options(synchronize_session=False))
    record_event(db, ctx, "move_rubric", "assessment", assessment.id, organisation_id=assessment.organisation_id,
                 details={**change, "kept": len(moved.answers), "dropped": list(moved.dropped)})
    db.commit()
    db.expire(assessment)
    return moved


def save_answers(db: DbSession, ctx: Context, assessment: Assessment, rubric: Rubric, answers: dict[str, Any]) -> None:
    """Save a whole answer set, area by area, each from its current version (imports, demo data)."""
    for area in rubric.areas:
        keys = {i.key for i in area.indicators}
        save_area(db, ctx, assessment, rubric, area.key, {k: v for k, v in answers.items() if k in keys},
                  area_version(db, assessment, area.key))


@dataclass(frozen=True)
class Progress:
    answered: int
    required: int

    @property
    def percent(self) -> int:
        return 100 if not self.required else round(100 * self.answered / self.required)


def progress(card: ScoreCard) -> dict[str, Progress]:
    """Answered out of required-and-asked questions, per area and overall ("" key)."""
    result: dict[str, Progress] = {}
    for area in card.areas:
        result[area.key] = Progress(area.answered, area.answered + area.missing)
    result[""] = Progress(sum(p.answered for p in result.values()), sum(p.required for p in result.values()))
    return result


def card_for(rubric: Rubric, profile: dict[str, Any], answers: dict[str, Any], on_date: date) -> ScoreCard:
    """The score card of answers as they stand; refused while the profile is incomplete."""
    if validate_profile(rubric, profile):
        raise ServiceError("profile_incomplete")
    return score(rubric, profile, answers, on_date)


def current_card(assessment: Assessment, rubric: Rubric, on_date: date,
                 answers: dict[str, Any] | None = None) -> ScoreCard:
    """The score card as the answers stand (pass `answers` when already loaded)."""
    return card_for(rubric, assessment.profile, answers_of(assessment) if answers is None else answers, on_date)


def store_score_rows(db: DbSession, assessment_id: int, card: ScoreCard) -> None:
    """The score card's area scores and legal gaps as rows, for comparisons in SQL."""
    db.execute(delete(AreaScoreRow).where(AreaScoreRow.assessment_id == assessment_id))
    db.execute(delete(LegalGapRow).where(LegalGapRow.assessment_id == assessment_id))
    db.add_all(AreaScoreRow(assessment_id=assessment_id, area_key=a.key, percent=a.percent) for a in card.areas)
    db.add_all(LegalGapRow(assessment_id=assessment_id, indicator_key=g.indicator) for g in card.legal_gaps)
    scores_changed(db)


def unconfirmed_copies(db: DbSession, assessment_id: int, card: ScoreCard) -> list[str]:
    """Questions answered only by a copy from last cycle that nobody has confirmed, among those
    that count on the card (a copy kept for a hidden or not-applicable question does not)."""
    copied = set(db.scalars(select(Answer.indicator_key).where(Answer.assessment_id == assessment_id,
                                                               Answer.copied.is_(True))))
    return [r.key for r in card.indicators if r.key in copied and r.status in (SCORED, NOTED)]


def submit(db: DbSession, ctx: Context, assessment: Assessment, rubric: Rubric, on_date: date) -> ScoreCard:
    """Freeze the answers and store the score card and plan with the assessment.

    The assessment is claimed first (draft or returned -> submitted, one conditional UPDATE),
    and only then are the profile and the answers read and scored: a save that got in before
    the claim is part of the score, and a save after it is refused (its own first statement
    finds the assessment no longer open)."""
    _editable(assessment)
    if assessment.profile_confirmed_at is None:
        raise ServiceError("profile_incomplete")
    resubmitted = assessment.status == AssessmentStatus.RETURNED
    actor_id = ctx.actor.id if ctx.actor else None
    claim_state(db, Assessment, assessment.id, Assessment.status, EDITABLE_STATUSES, AssessmentStatus.SUBMITTED,
                "not_editable", submitted_at=utcnow(), submitted_by_id=actor_id)
    try:
        card = card_for(rubric, assessment.profile, answer_values(db, assessment.id), on_date)
        if not card.complete:
            raise ServiceError("incomplete")
        if unconfirmed_copies(db, assessment.id, card):
            raise ServiceError("copies_unconfirmed")
    except ServiceError:
        db.rollback()  # gives the claim back: the assessment stays open
        raise
    plan = build_plan(rubric, card)
    assessment.result = AssessmentResult.of(card, plan, rubric)
    assessment.percent = card.percent
    assessment.band = card.band
    store_score_rows(db, assessment.id, card)
    if resubmitted:
        db.add(ReviewNote(assessment_id=assessment.id, decision=ReviewDecision.RESUBMITTED, author_id=actor_id))
        notifications.assessment_resubmitted(db, assessment)
    record_event(db, ctx, "submit", "assessment", assessment.id, organisation_id=assessment.organisation_id,
                 details={"percent": round(card.percent or 0, 1), "band": card.band,
                          "legal_gaps": len(card.legal_gaps)})
    request_render(db, assessment.id)
    db.commit()
    db.expire(assessment, ["answers"])
    return card


# --- Evidence ----------------------------------------------------------------------------------


def add_evidence(db: DbSession, ctx: Context, assessment: EditableAssessment, rubric: Rubric, indicator_key: str,
                 filename: str, content: bytes) -> Evidence:
    """Attach a file to an answer: its row and its bytes in one transaction (both or neither)."""
    _editable(assessment)
    if not rubric.has_indicator(indicator_key):
        raise ServiceError("unknown_indicator")
    kind = sniff(content)
    if kind is None or not content:
        raise ServiceError("file_type_not_allowed", "file")
    evidence = Evidence(assessment_id=assessment.id, indicator_key=indicator_key,
                        original_name=safe_download_name(filename), storage_name=secrets.token_hex(16),
                        content_type=ALLOWED[kind], size=len(content),
                        sha256=hashlib.sha256(content).hexdigest(), uploaded_by_id=ctx.actor.id if ctx.actor else None)
    db.add(evidence)
    db.flush()
    db.add(EvidenceContent(evidence_id=evidence.id, content=content))
    record_event(db, ctx, "upload", "evidence", evidence.id, organisation_id=assessment.organisation_id,
                 details={"indicator": indicator_key, "name": evidence.original_name, "size": len(content)})
    db.commit()
    return evidence


def evidence_content(db: DbSession, evidence_id: int) -> bytes | None:
    content: bytes | None = db.scalar(select(EvidenceContent.content).where(EvidenceContent.evidence_id == evidence_id))
    return content


def delete_evidence(db: DbSession, ctx: Context, assessment: EditableAssessment, evidence: Evidence) -> None:
    """The row and its bytes (deleted with it by the database)."""
    _editable(assessment)
    record_event(db, ctx, "delete", "evidence", evidence.id, organisation_id=assessment.organisation_id,
                 details={"name": evidence.original_name})
    db.execute(delete(EvidenceContent).where(EvidenceContent.evidence_id == evidence.id))
    db.delete(evidence)
    db.commit()


# --- The living action plan --------------------------------------------------------------------


def adopt_action(db: DbSession, ctx: Context, assessment: Assessment, indicator_key: str, locale: str) -> PlanItem:
    """Copy an action of the stored plan into the team's own list, in the user's language."""
    result = assessment.result
    if result is None:
        raise ServiceError("not_submitted")
    action = result.plan.action_for(indicator_key)
    if action is None:
        raise ServiceError("unknown_action")
    if db.scalar(select(PlanItem.id).where(PlanItem.assessment_id == assessment.id,
                                           PlanItem.indicator_key == indicator_key)) is not None:
        raise ServiceError("already_adopted")
    item = PlanItem(assessment_id=assessment.id, indicator_key=indicator_key, code=action.code,
                    to_level=action.to_level, text=action.text.get(locale)[:500],
                    status=PlanItemStatus.PLANNED)
    db.add(item)
    db.flush()
    record_event(db, ctx, "adopt_action", "plan_item", item.id, organisation_id=assessment.organisation_id,
                 details={"indicator": indicator_key})
    request_render(db, assessment.id)
    db.commit()
    return item


def update_plan_item(db: DbSession, ctx: Context, item: PlanItem, organisation_id: int, *, text: str, owner: str,
                     due_date: date | None, status: str, expected_version: int,
                     owner_user_id: int | None = None) -> None:
    """The team's wording, owner, due date and status of an action, unless someone changed the
    action since `expected_version`. The owner is a colleague with an account (`owner_user_id`,
    whose name is then kept as `owner`) or a name written down."""
    if status not in {s.value for s in PlanItemStatus}:
        raise ServiceError("unknown_status", "status")
    if not text.strip():
        raise ServiceError("required", "text")
    if owner_user_id is not None:
        owner = teams.display_name(teams.colleague_or_error(db, organisation_id, owner_user_id, "owner_user_id"))
    values = {"text": text.strip()[:500], "owner": owner.strip()[:120], "owner_user_id": owner_user_id,
              "due_date": due_date, "status": status}
    changes = {name: [str(getattr(item, name)), str(value)] for name, value in values.items()
               if getattr(item, name) != value}
    update_if_current(db, PlanItem, item.id, expected_version, values)
    if changes:
        record_event(db, ctx, "edit", "plan_item", item.id, organisation_id=organisation_id, details=changes)
        request_render(db, item.assessment_id)
    db.commit()
