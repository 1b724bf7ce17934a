"""What changed between two rubric versions, indicator by indicator: plain data, no Flask.

Indicators are matched by key (a migration's renames count as the same indicator). For each
one present in both, the fields a reader acts on are compared: code, question, the law it cites,
when it applies, weight, severity, fines, and each option's level, legal-gap mark and label.
"""

from __future__ import annotations

from dataclasses import dataclass

from rubrics.loader import Rubric
from rubrics.schema import Indicator, Option


@dataclass(frozen=True)
class IndicatorChange:
    key: str
    code: str
    kind: str  # "added", "removed" or "changed"
    details: tuple[str, ...]


def _option_line(option: Option) -> str:
    marks = [f"level {option.level}"]
    if option.legal_gap:
        marks.append("legal gap")
    if option.unknown:
        marks.append("we do not know")
    return f"{option.key} ({', '.join(marks)})"


def _compare(old: Indicator, new: Indicator, old_rubric: Rubric, new_rubric: Rubric) -> list[str]:
    details: list[str] = []
    for name in ("code", "type", "weight", "severity", "required", "allow_not_applicable"):
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            details.append(f"{name}: {before} -> {after}")
    if old.text != new.text:
        details.append(f"question: {new.text.en}")
    if old.legal != new.legal:
        details.append(f"law: {', '.join(old.legal) or '-'} -> {', '.join(new.legal) or '-'}")
    old_refs, new_refs = old_rubric.data.legal_references, new_rubric.data.legal_references
    details += [f"reference {key} revised (article, dates, wording or verification)"
                for key in new.legal if key in old.legal and old_refs[key] != new_refs[key]]
    for name in ("applies_when", "asked_when", "legal_when"):
        if getattr(old, name) != getattr(new, name):
            details.append(f"{name} changed")
    if (old.fine, old.fines) != (new.fine, new.fines):
        details.append("fines: " + ("; ".join(f.en for f in new.fines) if new.fines else "none"))
    old_options = {o.key: o for o in old.options}
    new_options = {o.key: o for o in new.options}
    for key in old_options.keys() - new_options.keys():
        details.append(f"option removed: {_option_line(old_options[key])}")
    for option in new.options:
        before = old_options.get(option.key)
        if before is None:
            details.append(f"option added: {_option_line(option)}")
        elif _option_line(before) != _option_line(option):
            details.append(f"option {_option_line(before)} -> {_option_line(option)}")
        elif before.label != option.label:
            details.append(f"option {option.key} reworded: {option.label.en}")
    def steps(indicator: Indicator) -> list[tuple[float, int, bool]]:
        return [(t.min, t.level, t.legal_gap) for t in indicator.thresholds]

    if steps(old) != steps(new):
        details.append("thresholds changed")
    return details


def diff_rubrics(old: Rubric, new: Rubric) -> list[IndicatorChange]:
    renamed = {m_old: m_new for migration in new.data.migrations if migration.from_version == old.version
               for m_old, m_new in migration.indicators.items()}
    old_by_new_key = {renamed.get(i.key, i.key): i for i in old.indicators()}
    changes: list[IndicatorChange] = []
    for indicator in new.indicators():
        before = old_by_new_key.get(indicator.key)
        if before is None:
            changes.append(IndicatorChange(indicator.key, indicator.code, "added", (indicator.text.en,)))
        elif details := _compare(before, indicator, old, new):
            changes.append(IndicatorChange(indicator.key, indicator.code, "changed", tuple(details)))
    new_keys = {i.key for i in new.indicators()}
    changes += [IndicatorChange(key, ind.code, "removed", ()) for key, ind in old_by_new_key.items()
                if key not in new_keys]
    return changes
