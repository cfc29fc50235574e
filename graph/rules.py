"""Load and validate the declarative extraction rules (ontology/rules.yaml).

Every problem is reported at once, each with a stable code, the file, the line and the rule id:
``rules.yaml:42: [R002] rule 'consequence-of': pattern 1: ...``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from graph.vocab import RELATIONS

Pattern = list[dict[str, Any]]


class RuleError(Exception):
    """A rules file that cannot be used; the message names the file, line and rule."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class After(_Strict):
    after: int = Field(ge=0)


class Fixed(_Strict):
    concept: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")


Slot = Literal["left", "right", "last"] | After | Fixed


class Example(_Strict):
    text: str = Field(min_length=1)
    subject: str | None
    object: str | None
    negated: bool = False
    hedged: bool = False


class Rule(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    description: str = Field(min_length=1)
    relation: Literal[RELATIONS]  # type: ignore[valid-type]
    patterns: list[Pattern] = Field(min_length=1)
    subject: Slot = "left"
    object: Slot = "right"
    fallback: list[Literal["previous", "next"]] = ["previous"]
    skip: list[str] = []
    reach: int = Field(default=5, ge=0, le=30)
    elided: bool = False  # an empty side after the cue refers back ("a consequence, not a cause")
    pairs: bool = False  # slots look past "and" ("A and B go together": subject and object left)
    confidence: float = Field(default=0.8, gt=0, le=1)
    examples: list[Example] = Field(min_length=1)
    counter_examples: list[str] = Field(min_length=1)


class Answers(_Strict):
    confirm: list[Pattern] = Field(min_length=1)
    deny: list[Pattern] = Field(min_length=1)


class _Header(_Strict):
    version: int
    negation: list[Pattern] = Field(min_length=1)
    hedges: list[Pattern] = Field(min_length=1)
    answers: Answers
    reported: list[Pattern] = Field(min_length=1)
    pronouns: list[str] = Field(min_length=1)
    rules: list[Any]


@dataclass(frozen=True)
class RuleSet:
    """The validated rules and cue lists, merged from one or more files."""

    rules: tuple[Rule, ...]
    negation: tuple[Pattern, ...]
    hedges: tuple[Pattern, ...]
    confirm: tuple[Pattern, ...]
    deny: tuple[Pattern, ...]
    reported: tuple[Pattern, ...]
    pronouns: frozenset[str]
    sources: tuple[str, ...]


def _read_yaml(path: Path) -> tuple[Any, list[int]]:
    """The YAML data and the line of each entry of its `rules` list."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise RuleError(f"{path}: cannot read rules file ({err})") from None
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        problem = getattr(err, "problem", None) or str(err)
        raise RuleError(f"{path}{where}: [R001] not valid YAML: {problem}") from None
    lines: list[int] = []
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == "rules" and isinstance(value, yaml.SequenceNode):
                lines = [item.start_mark.line + 1 for item in value.value]
    return data, lines


def _pattern_errors(patterns: list[Pattern], validate: Any) -> list[str]:
    errors = []
    for number, pattern in enumerate(patterns, 1):
        problems = validate(pattern)
        if problems:
            errors.append(f"pattern {number}: {'; '.join(problems)}")
    return errors


def _spacy_validator() -> Any:
    """A function returning spaCy's complaints about a token pattern (empty when valid)."""
    from spacy.matcher import Matcher
    from spacy.vocab import Vocab

    matcher = Matcher(Vocab(), validate=True)

    def validate(pattern: Pattern) -> list[str]:
        if not isinstance(pattern, list) or not pattern:
            return ["a pattern is a non-empty list of token dicts"]
        try:
            matcher.add("check", [pattern])
        except Exception as err:  # spaCy raises ValueError or MatchPatternError
            return [" ".join(str(err).split())[:300]]
        finally:
            if "check" in matcher:
                matcher.remove("check")
        return []

    return validate


def _format(err: ValidationError) -> list[str]:
    out = []
    for item in err.errors():
        where = ".".join(str(p) for p in item["loc"])
        out.append(f"{where}: {item['msg']}")
    return out


def load_rules(paths: list[Path]) -> RuleSet:
    """Load rules files; later files add rules and replace rules with the same id."""
    validate = _spacy_validator()
    by_id: dict[str, Rule] = {}
    header: _Header | None = None
    errors: list[str] = []
    for path in paths:
        data, lines = _read_yaml(path)
        try:
            file_header = _Header.model_validate(data)
        except ValidationError as err:
            errors += [f"{path}: [R001] {msg}" for msg in _format(err)]
            continue
        for kind, patterns in (
            ("negation", file_header.negation),
            ("hedges", file_header.hedges),
            ("answers.confirm", file_header.answers.confirm),
            ("answers.deny", file_header.answers.deny),
            ("reported", file_header.reported),
        ):
            errors += [f"{path}: [R002] {kind}: {e}" for e in _pattern_errors(patterns, validate)]
        header = file_header
        seen: set[str] = set()
        for number, entry in enumerate(file_header.rules):
            line = lines[number] if number < len(lines) else 0
            rule_id = (
                entry.get("id", f"#{number + 1}") if isinstance(entry, dict) else f"#{number + 1}"
            )
            where = f"{path}:{line}: rule {rule_id!r}"
            try:
                rule = Rule.model_validate(entry)
            except ValidationError as err:
                errors += [f"{where}: [R003] {msg}" for msg in _format(err)]
                continue
            errors += [f"{where}: [R002] {e}" for e in _pattern_errors(rule.patterns, validate)]
            errors += [f"{where}: [R005] {e}" for e in _slot_errors(rule)]
            if rule.id in seen:
                errors.append(f"{where}: [R004] duplicate rule id")
            seen.add(rule.id)
            by_id[rule.id] = rule
    if errors:
        raise RuleError("\n".join(errors))
    assert header is not None
    return RuleSet(
        rules=tuple(by_id.values()),
        negation=tuple(header.negation),
        hedges=tuple(header.hedges),
        confirm=tuple(header.answers.confirm),
        deny=tuple(header.answers.deny),
        reported=tuple(header.reported),
        pronouns=frozenset(p.lower() for p in header.pronouns),
        sources=tuple(str(p) for p in paths),
    )


def _slot_errors(rule: Rule) -> list[str]:
    errors = []
    shortest = min(len(p) for p in rule.patterns)
    for name in ("subject", "object"):
        slot = getattr(rule, name)
        if isinstance(slot, After) and slot.after >= shortest:
            errors.append(f"{name}: after {slot.after} is past the end of a pattern")
    return errors
