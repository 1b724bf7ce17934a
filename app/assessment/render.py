"""The questions of an area as HTML: each question's heading, help, evidence and notes around
the input its question type's widget draws (app/assessment/question_widgets.py).

Built in Python rather than Jinja macros because an area page repeats the same small pieces
for every question and option, and macro calls cost several milliseconds a page (measured with
benchmarks/pages.py). The rubric's texts are escaped once per rubric and language (cached);
everything that comes from a request or the database is escaped here, every time.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import pairwise
from typing import Any

from markupsafe import Markup, escape

from app.assessment.question_widgets import Labels, StaticQuestion, widget
from app.assessment.questions import field_name
from rubrics.loader import Rubric
from rubrics.schema import Indicator, LegalReference


def asked_when_tests(indicator: Indicator) -> list[dict[str, Any]]:
    """The follow-up condition for app.js: every test must hold for the question to show."""
    condition = indicator.asked_when
    if condition is None:
        return []
    tests = condition.all if condition.all is not None else [condition]
    return [{"field": field_name(t.answer or ""), "in": t.in_, "gte": t.gte, "gt": t.gt} for t in tests]


def _below_law(labels: Labels, lang: str, ref: LegalReference) -> str:
    clause = f"({ref.clause})" if ref.clause else ""
    return (f' <span class="below-law">{escape(labels.below_law)}: {escape(ref.instrument.get(lang))}, '
            f'{escape(labels.article)} {escape(ref.article)}{escape(clause)}</span>')


@lru_cache(maxsize=256)
def _static(rubric: Rubric, area_key: str, lang: str, day: date, labels: Labels,
            binding: frozenset[str] = frozenset()) -> tuple[StaticQuestion, ...]:
    area = rubric.area(area_key)
    questions = []
    for ind in area.indicators:
        refs = [rubric.data.legal_references[key] for key in ind.legal]
        basis = next((r for r in refs if r.verified and r.in_force_on(day)), None)
        warning = _below_law(labels, lang, basis) if basis is not None and ind.key in binding else ""
        legal = "".join(
            f'<p class="legal"><strong>{escape(r.instrument.get(lang))}, {escape(labels.article)} {escape(r.article)}'
            f'{escape(f"({r.clause})") if r.clause else ""}:</strong> {escape(r.summary.get(lang))}</p>'
            for r in refs if r.in_force_on(day))
        is_optional = not ind.required or not ind.weight
        optional = f' <span class="muted">({escape(labels.optional)})</span>' if is_optional else ""
        name = field_name(ind.key)
        questions.append(StaticQuestion(
            name=name,
            heading=f'<h2 class="question-text" id="{name}-text"><span class="code">{escape(ind.code)}</span> '
                    f'{escape(ind.text.get(lang))}{optional}</h2>',
            help_html=f'<details class="help"><summary>{escape(labels.explain)}</summary>'
                      f'<p>{escape(ind.help.get(lang))}</p>{legal}'
                      f'<p class="muted">{escape(labels.evidence)}: {escape(ind.evidence.get(lang))}</p></details>',
            options=tuple((str(escape(o.key)), str(escape(o.label.get(lang))) + (warning if o.legal_gap else ""))
                          for o in ind.options),
            below_law=_number_warning(ind, warning),
            unit=str(escape(ind.unit.get(lang))) if ind.unit else "",
            asked_when=str(escape(json.dumps(asked_when_tests(ind)))) if ind.asked_when else "",
            kind=ind.type, allow_not_applicable=ind.allow_not_applicable,
        ))
    return tuple(questions)


def _number_warning(indicator: Indicator, warning: str) -> str:
    """For a number whose low values are below the law: "under 100 %: below the legal minimum"."""
    if not warning:
        return ""
    steps = sorted(indicator.thresholds, key=lambda t: t.min)
    limits = [later.min for earlier, later in pairwise(steps) if earlier.legal_gap]
    if not limits:
        return ""
    unit = f" {indicator.unit.vi}" if indicator.unit else ""
    return f'<p class="below-law-note">&lt; {max(limits):g}{escape(unit)}:{warning}</p>'


@dataclass(frozen=True)
class TeamLine:
    """Around one answer: "changed by Lan, 03/12/2026 14:20" (formatted), and the team's note."""

    changed: str = ""
    note: str = ""
    shared: bool = False


@dataclass(frozen=True)
class EvidenceLink:
    name: str
    size_kb: int
    url: str
    evidence_id: int


def render_questions(rubric: Rubric, area_key: str, lang: str, day: date, labels: Labels, *,
                     values: Mapping[str, Any], errors: Mapping[str, str], not_applicable: set[str],
                     evidence: Mapping[str, list[EvidenceLink]], editing: bool, mine: Mapping[str, str],
                     queries: Mapping[str, str] | None = None, binding: frozenset[str] = frozenset(),
                     copied: frozenset[str] = frozenset(), team: Mapping[str, TeamLine] | None = None) -> Markup:
    """Every question of the area. `mine`: what this person typed, where it differs (a conflict);
    `queries`: what the Chamber reviewer asked to fix, by question (a returned assessment);
    `binding`: the questions whose law binds this organisation today, whose below-the-law answers
    say so, with the article, next to the answer; `copied`: answers copied from last cycle that
    nobody has confirmed yet; `team`: who last changed each answer and the team's note (editable
    when `editing`; otherwise shown as the company's note)."""
    queries, team = queries or {}, team or {}
    statics = _static(rubric, area_key, lang, day, labels, binding)
    return Markup("".join(
        _question(q, labels, _hashable(values.get(ind.key)), errors.get(ind.key), ind.key in not_applicable,
                  tuple(evidence.get(ind.key, ())), editing, mine.get(ind.key), queries.get(ind.key),
                  ind.key in copied, team.get(ind.key))
        for q, ind in zip(statics, rubric.area(area_key).indicators, strict=True)))


def _hashable(value: Any) -> tuple[str, Any]:
    """A cache key for an answer that keeps 95 and 95.0 (and True and 1) apart."""
    return type(value).__name__, tuple(value) if isinstance(value, list) else value


@lru_cache(maxsize=8192)
def _question(q: StaticQuestion, labels: Labels, value: tuple[str, Any], error: str | None, hidden: bool,
              files: tuple[EvidenceLink, ...], editing: bool, mine: str | None, query: str | None,
              copied: bool = False, team: TeamLine | None = None) -> str:
    """One question's HTML: a pure function of its arguments, so the same question with the same
    answer is drawn once per worker (most of an area page, most of the time)."""
    disabled = "" if editing else " disabled"
    attributes = f' data-asked-when="{q.asked_when}"' if q.asked_when else ""
    if hidden:
        attributes += " hidden data-not-applicable"
    kind, raw = value
    shown = list(raw) if kind == "list" else raw
    html = [f'<section class="question{" has-error" if error else ""}" id="q-{q.name}"{attributes}>',
            q.heading, q.help_html, widget(q.kind).html(q, shown, disabled, labels)]
    if error:
        html.append(f'<p class="error" id="{q.name}-error">{escape(error)}</p>')
    if mine is not None:
        html.append(f'<p class="yours">{escape(labels.you_typed)}: {escape(mine)}</p>')
    if query:
        html.append(f'<p class="query" role="note"><strong>{escape(labels.query)}:</strong> {escape(query)}</p>')
    if copied:
        html.append(f'<p class="copied" role="note">{escape(labels.copied)}</p>')
    if team is not None and team.changed:
        html.append(f'<p class="changed-by muted">{escape(team.changed)}</p>')
    if editing:
        note = team.note if team is not None else ""
        checked = " checked" if team is not None and team.shared else ""
        html.append(f'<details class="team-note"{" open" if note else ""}><summary>{escape(labels.team_note)}</summary>'
                    f'<label class="visually-hidden" for="note-{q.name}">{escape(labels.team_note)}</label>'
                    f'<textarea id="note-{q.name}" name="note-{q.name}" maxlength="1000" rows="2">{escape(note)}'
                    f'</textarea><label class="check"><input type="checkbox" name="note_shared-{q.name}" value="y"'
                    f'{checked}> {escape(labels.share_note)}</label></details>')
    elif team is not None and team.note:
        html.append(f'<p class="team-note-shown"><strong>{escape(labels.company_note)}:</strong> '
                    f'{escape(team.note)}</p>')
    if files or editing:
        html.append('<div class="evidence">')
        for f in files:
            # Removing a file submits the answers' form: the answers on the page are saved first.
            remove = (f' <button type="submit" name="go" value="remove:{f.evidence_id}" class="link-button">'
                      f'{escape(labels.remove)}</button>') if editing else ""
            html.append(f'<p class="file"><a href="{escape(f.url)}">{escape(f.name)}</a> '
                        f'<span class="muted">({f.size_kb} KB)</span>{remove}</p>')
        if editing:
            # So does attaching one: the file goes with the answers, which are saved first.
            html.append(f'<label class="file-label" for="file-{q.name}">{escape(labels.attach)}</label>'
                        f'<input type="file" id="file-{q.name}" name="file-{q.name}" '
                        f'accept=".pdf,.jpg,.jpeg,.png,.docx,.xlsx">'
                        f'<button type="submit" name="go" value="upload:{q.name}" class="button small">'
                        f'{escape(labels.upload)}</button>')
        html.append("</div>")
    html.append("</section>")
    return "".join(html)


@dataclass(frozen=True)
class JourneyLabels:
    """The words of the journey's header and steps, already translated."""

    cycle: str  # "Cycle %(year)s"
    overall: str
    answered: str  # "%(answered)d of %(required)d questions answered"
    steps: str
    profile: str
    review: str


@lru_cache(maxsize=64)
def _area_titles(rubric: Rubric, lang: str) -> tuple[tuple[str, str], ...]:
    return tuple((str(escape(a.key)), str(escape(f"{a.code}. {a.title.get(lang)}"))) for a in rubric.areas)


def render_journey_header(organisation_name: str, cycle: int, status_name: str, labels: JourneyLabels,
                          progress: Mapping[str, Any] | None) -> Markup:
    """Whose assessment, which cycle and status, and the overall progress."""
    html = [f'<div class="assessment-head"><p class="muted">{escape(organisation_name)} · '
            f'{escape(labels.cycle % {"year": cycle})} · {escape(status_name)}</p>']
    if progress:
        overall = progress[""]
        html.append(f'<progress class="progress" max="100" value="{overall.percent}" '
                    f'aria-label="{escape(labels.overall)}">{overall.percent} %</progress><p class="muted">'
                    f'{escape(labels.answered % {"answered": overall.answered, "required": overall.required})}</p>')
    html.append("</div>")
    return Markup("".join(html))


def render_steps(rubric: Rubric, lang: str, labels: JourneyLabels, *, active: str, as_buttons: bool,
                 progress: Mapping[str, Any] | None, profile_url: str, review_url: str,
                 area_url: Callable[[str], str]) -> Markup:
    """The steps: profile, each area with its progress, review. Inside the area form they are
    submit buttons, so moving on saves first; elsewhere they are links."""
    def current(key: str) -> str:
        return ' aria-current="step"' if key == active else ""

    html = [f'<nav class="steps" aria-label="{escape(labels.steps)}">'
            f'<a href="{escape(profile_url)}"{current("profile")}>{escape(labels.profile)}</a>']
    for key, title in _area_titles(rubric, lang):
        done = progress.get(key) if progress else None
        badge = f' <span class="step-progress">{done.percent}%</span>' if done else ""
        if as_buttons:
            html.append(f'<button type="submit" name="go" value="{key}" class="step"{current(key)}>{title}{badge}'
                        f'</button>')
        else:
            html.append(f'<a href="{escape(area_url(key))}"{current(key)}>{title}{badge}</a>')
    if as_buttons:
        html.append(f'<button type="submit" name="go" value="review" class="step"{current("review")}>'
                    f'{escape(labels.review)}</button>')
    else:
        html.append(f'<a href="{escape(review_url)}"{current("review")}>{escape(labels.review)}</a>')
    html.append("</nav>")
    return Markup("".join(html))


@dataclass(frozen=True)
class AreaPageLabels:
    """The area page's own words, already translated."""

    theirs: str
    errors: str
    save: str
    save_next: str


def render_area_body(area: Any, lang: str, labels: AreaPageLabels, *, head_html: Markup, steps_html: Markup,
                     questions_html: Markup, csrf_token: str, resume_token: str, version: int,
                     editing: bool, theirs: bool, prefilled: str, errors: Mapping[str, str]) -> Markup:
    """The area page's content (inside the layout): composed here rather than in a Jinja
    template because it is the busiest page and its parts are drawn already."""
    html = [head_html, f'<h1>{escape(area.code)}. {escape(area.title.get(lang))}</h1>',
            f'<p class="lead">{escape(area.description.get(lang))}</p>']
    if theirs:
        html.append(f'<div class="error-summary" role="alert"><p>{escape(labels.theirs)}</p></div>')
    if prefilled:
        html.append(f'<div class="flash" role="status"><p>{escape(prefilled)}</p></div>')
    if errors:
        html.append(f'<div class="error-summary" role="alert"><p>{escape(errors.get("") or labels.errors)}</p></div>')
    # multipart: evidence files are attached from this form (the answers are saved with them).
    html.append(f'<form method="post" id="area-form" enctype="multipart/form-data" novalidate>'
                f'<input type="hidden" name="csrf_token" value="{escape(csrf_token)}">'
                f'<input type="hidden" name="version" value="{version}">'
                f'<input type="hidden" name="resume" value="{escape(resume_token)}">{steps_html}{questions_html}')
    if editing:
        html.append(f'<div class="actions sticky"><button type="submit" name="go" value="" class="button">'
                    f'{escape(labels.save)}</button><button type="submit" name="go" value="next" '
                    f'class="button primary">{escape(labels.save_next)}</button></div>')
    html.append("</form>")
    return Markup("".join(html))
