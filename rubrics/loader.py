"""Load and validate rubric files; find a rubric by key and version.

A published rubric file is never edited: assessments pin its key, version and the SHA-256 of
its bytes, and are always re-scored against exactly that file. What a file published before the
schema could say it is declared beside it, in `versions/annexes/<same name>` (`RubricAnnex`:
only what changes no score), and read with it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from rubrics.question_types import QUESTION_TYPES
from rubrics.schema import NOT_APPLICABLE, Area, Condition, Indicator, Option, RubricAnnex, RubricFile, Threshold

VERSIONS_DIR = Path(__file__).resolve().parent / "versions"
ANNEXES = "annexes"


class RubricError(ValueError):
    """A rubric file is not valid; the message names the file and, where known, the indicator."""

    def __init__(self, path: Path | str, problems: list[str]) -> None:
        self.path = str(path)
        self.problems = problems
        super().__init__(f"{path}: " + "; ".join(problems))


@dataclass(frozen=True, eq=False)
class Rubric:
    """A validated rubric with its content hash and lookups."""

    data: RubricFile
    content_hash: str
    source: str
    _by_key: dict[str, Indicator] = field(default_factory=dict, repr=False)
    _area_of: dict[str, Area] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for area in self.data.areas:
            for indicator in area.indicators:
                self._by_key[indicator.key] = indicator
                self._area_of[indicator.key] = area

    @property
    def key(self) -> str:
        return self.data.key

    @property
    def version(self) -> str:
        return self.data.version

    @property
    def areas(self) -> list[Area]:
        return self.data.areas

    def indicators(self) -> Iterator[Indicator]:
        for area in self.data.areas:
            yield from area.indicators

    def area(self, key: str) -> Area:
        """The area with this key (KeyError when there is none)."""
        for area in self.data.areas:
            if area.key == key:
                return area
        raise KeyError(key)

    def indicator(self, key: str) -> Indicator:
        return self._by_key[key]

    def has_indicator(self, key: str) -> bool:
        return key in self._by_key

    def area_of(self, indicator_key: str) -> Area:
        return self._area_of[indicator_key]

    def profile_keys(self) -> set[str]:
        return {f.key for f in self.data.profile}


def _read_yaml(path: Path, raw_bytes: bytes) -> dict[str, Any]:
    try:
        raw = yaml.safe_load(raw_bytes)
    except yaml.YAMLError as error:
        raise RubricError(path, [f"not valid YAML: {error}"]) from error
    if not isinstance(raw, dict):
        raise RubricError(path, ["the file must contain a mapping at the top level"])
    return raw


def _with_annex(model: RubricFile, path: Path) -> RubricFile:
    annex_path = path.parent / ANNEXES / path.name
    if not annex_path.exists():
        return model
    raw = _read_yaml(annex_path, annex_path.read_bytes())
    try:
        annex = RubricAnnex.model_validate(raw)
    except ValidationError as error:
        raise RubricError(annex_path, [_describe(raw, e) for e in error.errors()]) from error
    if model.prefill and annex.prefill:
        raise RubricError(annex_path, ["the rubric file declares its pre-fills itself: one place, not two"])
    if model.survey is not None and annex.survey is not None:
        raise RubricError(annex_path, ["the rubric file declares its survey itself: one place, not two"])
    return model.model_copy(update={"prefill": annex.prefill or model.prefill, "survey": annex.survey or model.survey})


def load_rubric(path: Path | str) -> Rubric:
    path = Path(path)
    raw_bytes = path.read_bytes()
    raw = _read_yaml(path, raw_bytes)
    try:
        model = RubricFile.model_validate(raw)
    except ValidationError as error:
        raise RubricError(path, [_describe(raw, e) for e in error.errors()]) from error
    model = _with_annex(model, path)
    problems = check_consistency(model)
    if problems:
        raise RubricError(path, problems)
    return Rubric(model, hashlib.sha256(raw_bytes).hexdigest(), str(path))


def _describe(raw: dict[str, Any], error: Any) -> str:
    """Say where a schema error is in words a rubric author can act on."""
    loc = error["loc"]
    where = ".".join(str(part) for part in loc)
    node: Any = raw
    indicator = None
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and "type" in node and "key" in node and "text" in node:
            indicator = node.get("key")
    prefix = f"indicator {indicator}: " if indicator else ""
    return f"{prefix}{where}: {error['msg']}"


def check_consistency(model: RubricFile) -> list[str]:
    problems: list[str] = []
    profile_keys = {f.key for f in model.profile}
    _duplicates("profile field", (f.key for f in model.profile), problems)
    _duplicates("area", (a.key for a in model.areas), problems)
    _duplicates("indicator", (i.key for a in model.areas for i in a.indicators), problems)
    bands = [b.min_percent for b in model.bands]
    if not bands or bands[0] != 0 or bands != sorted(set(bands)):
        problems.append("bands must start at min_percent 0 and rise strictly")

    problems += _check_migrations(model)
    problems += _check_prefills(model)
    problems += _check_survey(model)
    earlier: dict[str, Indicator] = {}
    for area in model.areas:
        area_keys = {indicator.key for indicator in area.indicators}
        for indicator in area.indicators:
            for problem in _check_indicator(indicator, model, profile_keys, earlier, area_keys):
                problems.append(f"indicator {indicator.key}: {problem}")
            earlier[indicator.key] = indicator
    return problems


def _check_survey(model: RubricFile) -> list[str]:
    """A survey the service could ask and compare: every question checks a real indicator with
    options, by options that indicator has; the answers say each of present, absent and
    unknown once; keys are unique; the rule needs at least the responses results are shown from."""
    survey = model.survey
    if survey is None:
        return []
    problems: list[str] = []
    if survey.type not in QUESTION_TYPES:
        problems.append(f"survey: unknown question type {survey.type} (known: {', '.join(sorted(QUESTION_TYPES))})")
    indicators = {i.key: i for a in model.areas for i in a.indicators}
    _duplicates("survey question", (q.key for q in survey.questions), problems)
    _duplicates("survey answer", (a.key for a in survey.answers), problems)
    _duplicates("survey demographic", (d.key for d in survey.demographics), problems)
    # A worker's answers are stored by key: a demographic may not share a question's.
    for key in sorted({q.key for q in survey.questions} & {d.key for d in survey.demographics}):
        problems.append(f"survey demographic {key}: a question has the same key")
    for meaning in ("present", "absent", "unknown"):
        if sum(a.means == meaning for a in survey.answers) != 1:
            problems.append(f"survey answers: exactly one must mean {meaning}")
    if sum(a.means == "not_concerned" for a in survey.answers) > 1:
        problems.append("survey answers: at most one may mean not_concerned")
    for question in survey.questions:
        indicator = indicators.get(question.checks)
        if indicator is None:
            problems.append(f"survey question {question.key}: checks unknown indicator {question.checks}")
            continue
        options = {o.key for o in indicator.options}
        if not options:
            problems.append(f"survey question {question.key}: {question.checks} has no options to claim a practice")
        for option in question.claimed_by:
            if option not in options:
                problems.append(f"survey question {question.key}: {question.checks} has no option {option}")
    for demographic in survey.demographics:
        _duplicates(f"option of demographic {demographic.key}", (o.key for o in demographic.options), problems)
    if survey.discrepancy.min_knowing < survey.min_responses:
        problems.append("survey discrepancy: min_knowing is below min_responses (results would show too early)")
    return problems


def _check_prefills(model: RubricFile) -> list[str]:
    """A pre-fill suggests an option its question has, and fills in details a text question on
    the same page (a renamed question or option in a new version fails here, not silently)."""
    problems: list[str] = []
    area_of = {i.key: a for a in model.areas for i in a.indicators}
    for key, prefill in model.prefill.items():
        where = f"pre-fill of {key}"
        if key not in area_of:
            problems.append(f"{where}: no such indicator")
            continue
        indicator = next(i for i in area_of[key].indicators if i.key == key)
        options = {o.key for o in indicator.options}
        _duplicates(f"{where}: min_sessions", (str(s.min_sessions) for s in prefill.suggestions), problems)
        if not prefill.suggestions:
            problems.append(f"{where}: suggests nothing")
        problems += [f"{where}: {key} has no option {s.option}" for s in prefill.suggestions if s.option not in options]
        if prefill.details is not None:
            details = next((i for i in area_of[key].indicators if i.key == prefill.details), None)
            if details is None:
                problems.append(f"{where}: details go to {prefill.details}, not a question on the same page")
            elif (kind := QUESTION_TYPES.get(details.type)) and kind.json_schema(details).get("type") != "string":
                problems.append(f"{where}: details go to {prefill.details}, which does not take text")
    return problems


def _check_migrations(model: RubricFile) -> list[str]:
    """A migration may only name indicators and options this version has."""
    problems: list[str] = []
    indicators = {i.key: i for a in model.areas for i in a.indicators}
    for migration in model.migrations:
        where = f"migration from {migration.from_version}"
        for old, new in migration.indicators.items():
            if new not in indicators:
                problems.append(f"{where}: {old} moves to unknown indicator {new}")
        for key, renamed in migration.options.items():
            if key not in indicators:
                problems.append(f"{where}: options for unknown indicator {key}")
                continue
            known = {o.key for o in indicators[key].options}
            problems += [f"{where}: {key} option {old} moves to unknown option {new}"
                         for old, new in renamed.items() if new is not None and new not in known]
    return problems


def _duplicates(kind: str, keys: Iterable[str], problems: list[str]) -> None:
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            problems.append(f"duplicate {kind} key {key}")
        seen.add(key)


def _check_indicator(indicator: Indicator, model: RubricFile, profile_keys: set[str],
                     earlier: dict[str, Indicator], area_keys: set[str]) -> list[str]:
    problems: list[str] = []
    for ref in indicator.legal:
        if ref not in model.legal_references:
            problems.append(f"unknown legal reference {ref}")
    if indicator.legal_when is not None and not indicator.legal:
        problems.append("legal_when without a legal reference")
    if indicator.fine is not None and indicator.fines:
        problems.append("fine (one text) and fines (by date) cannot both be given")
    if indicator.fines and not any(o.legal_gap for o in indicator.options) and not any(
            t.legal_gap for t in indicator.thresholds):
        problems.append("fines on an indicator that can never be a legal gap")
    problems += _check_answers(indicator)
    problems += _check_conditions(indicator, model, profile_keys, earlier, area_keys)
    problems += _check_actions(indicator)
    return problems


def _check_answers(indicator: Indicator) -> list[str]:
    problems: list[str] = []
    kind = QUESTION_TYPES.get(indicator.type)
    if kind is None:
        return [f"unknown question type {indicator.type} (known: {', '.join(sorted(QUESTION_TYPES))})"]
    option_keys = [o.key for o in indicator.options]
    if len(set(option_keys)) != len(option_keys):
        problems.append("duplicate option keys")
    if NOT_APPLICABLE in option_keys:
        problems.append(f"{NOT_APPLICABLE} is reserved and cannot be an option key")
    if not kind.allows_exclusive and any(o.exclusive for o in indicator.options):
        problems.append("only multi-choice options can be exclusive")
    problems += kind.definition_problems(indicator)
    if kind.scored and indicator.weight > 0 and _max_level(indicator) < 1:
        problems.append("a scored indicator needs an answer above level 0")

    if sum(o.unknown for o in indicator.options) > 1:
        problems.append("at most one 'we do not know' option")
    for option in indicator.options:
        if option.unknown and (option.level != 0 or option.legal_gap):
            problems.append(f"option {option.key}: 'we do not know' is level 0 and never a legal gap")
        if option.unknown and (option.check is None or not indicator.legal):
            problems.append(f"option {option.key}: 'we do not know' needs a check step and the law it checks")
        if option.check is not None and not option.unknown:
            problems.append(f"option {option.key}: only a 'we do not know' option has a check step")
    answers: list[Option | Threshold] = [*indicator.options, *indicator.thresholds]
    for answer in answers:
        if answer.legal_gap and not indicator.legal:
            problems.append("an answer is marked below the legal minimum but the indicator cites no law")
        if answer.legal_gap and answer.level != 0:
            problems.append("only a level-0 answer can be below the legal minimum")
    return problems


def _levels(indicator: Indicator) -> list[int]:
    kind = QUESTION_TYPES.get(indicator.type)  # an unknown type is reported by _check_answers
    return kind.levels(indicator) if kind is not None else []


def _max_level(indicator: Indicator) -> int:
    return max(_levels(indicator), default=0)


def _min_level(indicator: Indicator) -> int:
    return min(_levels(indicator), default=0)


def _check_conditions(indicator: Indicator, model: RubricFile, profile_keys: set[str],
                      earlier: dict[str, Indicator], area_keys: set[str]) -> list[str]:
    problems: list[str] = []
    named = [("applies_when", indicator.applies_when), ("legal_when", indicator.legal_when),
             ("asked_when", indicator.asked_when)]
    for name, condition in named:
        if condition is None:
            continue
        for test in condition.walk():
            if test.in_force is not None:
                if name == "asked_when":
                    problems.append("asked_when looks at earlier answers, not dates (use applies_when)")
                elif test.in_force not in model.legal_references:
                    problems.append(f"{name} names unknown legal reference {test.in_force}")
            if test.profile is not None:
                if name == "asked_when":
                    problems.append("asked_when looks at earlier answers, not the profile (use applies_when)")
                elif test.profile not in profile_keys:
                    problems.append(f"{name} names unknown profile field {test.profile}")
            if test.answer is not None:
                if name != "asked_when":
                    problems.append(f"{name} looks at the profile, not answers (use asked_when)")
                elif test.answer not in earlier:
                    problems.append(f"asked_when names unknown or later indicator {test.answer}")
                elif test.answer not in area_keys:
                    # The area page shows and hides a follow-up by the answers on that page; one
                    # whose parent is elsewhere would stay hidden while it counts as required.
                    problems.append(f"asked_when names {test.answer} of another area: a follow-up goes in "
                                    "the area of the question it follows")
                else:
                    problems += _check_opens_upward(test, earlier[test.answer])
                    problems += _check_follow_up_gaps(indicator, test, earlier[test.answer])
        if name == "asked_when" and (condition.any is not None or condition.not_ is not None):
            problems.append("asked_when may only combine tests with all")
    return problems


def _check_opens_upward(test: Condition, parent: Indicator) -> list[str]:
    """A follow-up question must stay open when its parent's answer improves (each type says
    how its answers can open one); otherwise a better answer could hide a follow-up."""
    parent_type = QUESTION_TYPES.get(parent.type)
    return [] if parent_type is None else parent_type.follow_up_problems(test, parent)


def _check_follow_up_gaps(child: Indicator, test: Condition, parent: Indicator) -> list[str]:
    """A follow-up that can be a legal gap may only be hidden by answers that are legal gaps under
    the same law: otherwise improving the parent could reveal a new gap and lower the band."""
    child_answers: list[Option | Threshold] = [*child.options, *child.thresholds]
    if not any(a.legal_gap for a in child_answers):
        return []
    if child.legal != parent.legal or child.legal_when != parent.legal_when:
        return [f"a follow-up that can be a legal gap must cite the same law as {parent.key}"]
    hiding: list[Option | Threshold]
    if test.in_ is not None:
        hiding = [o for o in parent.options if o.key not in test.in_]
    else:
        bound = test.gte if test.gte is not None else test.gt
        hiding = [t for t in parent.thresholds if bound is not None and t.min < bound]
    if not all(a.legal_gap for a in hiding):
        return [f"every answer of {parent.key} that hides this follow-up must be a legal gap"]
    return []


def _check_actions(indicator: Indicator) -> list[str]:
    if indicator.weight == 0:
        return ["an unscored indicator has no actions"] if indicator.actions else []
    levels = [a.to_level for a in indicator.actions]
    needed = set(range(_min_level(indicator) + 1, _max_level(indicator) + 1))
    problems = []
    if len(levels) != len(set(levels)):
        problems.append("two actions lead to the same level")
    if needed - set(levels):
        problems.append(f"no improvement action for level(s) {sorted(needed - set(levels))}")
    if set(levels) - needed:
        problems.append(f"actions for unreachable level(s) {sorted(set(levels) - needed)}")
    return problems


class RubricRegistry:
    """Every published rubric in a folder, by key and version."""

    def __init__(self, directory: Path = VERSIONS_DIR) -> None:
        self.directory = directory
        self._rubrics: dict[tuple[str, str], Rubric] = {}
        for path in sorted(directory.glob("*.yaml")):
            rubric = load_rubric(path)
            if (rubric.key, rubric.version) in self._rubrics:
                raise RubricError(path, [f"{rubric.key} {rubric.version} is published twice"])
            self._rubrics[(rubric.key, rubric.version)] = rubric

    def all(self) -> list[Rubric]:
        return sorted(self._rubrics.values(), key=lambda r: (r.key, r.data.published, r.version))

    def get(self, key: str, version: str, content_hash: str | None = None) -> Rubric:
        """The rubric an assessment pinned; the hash proves the file has not changed since."""
        rubric = self._rubrics.get((key, version))
        if rubric is None:
            raise KeyError(f"no rubric {key} version {version}")
        if content_hash is not None and content_hash != rubric.content_hash:
            raise RubricError(rubric.source, [f"content changed since {key} {version} was pinned"])
        return rubric

    def latest(self, key: str) -> Rubric:
        candidates = [r for r in self.all() if r.key == key]
        if not candidates:
            raise KeyError(f"no rubric {key}")
        return candidates[-1]


@lru_cache(maxsize=64)
def default_registry() -> RubricRegistry:
    return RubricRegistry()
