"""Load and validate the declarative extraction rules (ontology/rules.yaml).

Every problem is reported at once, each with a stable code, the file, the line and the rule id:
``rules.yaml:42: [R002] rule 'consequence-of': pattern 1: ...``.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

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
    hedge: list[Pattern] = []  # a confirmation with a hedge ("Maybe.", "Partly, yes.")


class _Header(_Strict):
    version: int
    negation: list[Pattern] = Field(min_length=1)
    hedges: list[Pattern] = Field(min_length=1)
    answers: Answers
    reported: list[Pattern] = Field(min_length=1)
    summaries: list[Pattern] = []  # how an interviewer's summary opens ("So ...")
    pronouns: list[str] = Field(min_length=1)
    rules: list[Any]


def _all_optional(model: type[BaseModel]) -> type[BaseModel]:
    """The same model with every field optional: a later rules file gives only what it changes."""
    fields: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if field.metadata:
            annotation = Annotated[(annotation, *field.metadata)]  # keep min_length and the like
        fields[name] = (annotation | None, None)
    return create_model(f"{model.__name__}Extension", __base__=_Strict, **fields)


_Extension = _all_optional(_Header)


@dataclass(frozen=True)
class RuleSet:
    """The validated rules and cue lists, merged from one or more files."""

    rules: tuple[Rule, ...]
    negation: tuple[Pattern, ...]
    hedges: tuple[Pattern, ...]
    confirm: tuple[Pattern, ...]
    deny: tuple[Pattern, ...]
    hedge: tuple[Pattern, ...]
    reported: tuple[Pattern, ...]
    summaries: tuple[Pattern, ...]
    pronouns: frozenset[str]
    sources: tuple[str, ...]


MAX_RULES_BYTES = 2_000_000  # a rules file larger than this is refused before parsing


LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's, when PyYAML was built with it


def _refuse_anchors(text: str) -> None:
    """Raise at the first anchor or alias, so a small file cannot expand into a huge one."""
    for event in yaml.parse(text, Loader=LOADER):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise yaml.MarkedYAMLError(
                problem="anchors and aliases (&, *) are not allowed in a rules file",
                problem_mark=event.start_mark,
            )


def compose(text: str) -> tuple[Any, Any]:
    """The data of a YAML document (safe types only) and its node tree (for line numbers)."""
    loader = LOADER(text)
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), node
    finally:
        loader.dispose()


def _read_yaml(path: Path) -> tuple[Any, Any]:
    """The YAML data of a rules file and its node tree (for line numbers)."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_RULES_BYTES + 1)
        if len(raw) > MAX_RULES_BYTES:
            raise RuleError(
                f"{path}: [R001] rules file larger than {MAX_RULES_BYTES:,} bytes; refused"
            )
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise RuleError(f"{path}: cannot read rules file ({err})") from None
    try:
        _refuse_anchors(text)
        return compose(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        problem = getattr(err, "problem", None) or str(err)
        raise RuleError(f"{path}{where}: [R001] not valid YAML: {problem}") from None


def _line(node: Any, loc: tuple[Any, ...]) -> int:
    """The 1-based line of the value at `loc` (keys and list indexes) in a YAML node tree, or
    of the deepest node on the way that exists."""
    line = node.start_mark.line + 1 if node is not None else 1
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            pairs = [(k, v) for k, v in node.value if k.value == key]
            if not pairs:
                break
            key_node, node = pairs[0]
            line = key_node.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            break
    return line


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


def _format(err: ValidationError) -> list[tuple[tuple[Any, ...], str]]:
    """Each error's location (keys and indexes) and its message, "where: what". A misspelt
    key is one error ("relaton: unknown key; did you mean 'relation'?"), not a missing key and
    an unknown one."""
    items = err.errors()
    missing = {tuple(i["loc"]) for i in items if i["type"] == "missing"}
    out, meant = [], set()
    for item in items:
        loc = tuple(item["loc"])
        message = item["msg"]
        if item["type"] == "extra_forbidden":
            siblings = sorted(str(m[-1]) for m in missing if m[:-1] == loc[:-1])
            close = difflib.get_close_matches(str(loc[-1]), siblings, n=1, cutoff=0.7)
            if close:
                meant.add((*loc[:-1], close[0]))
                message = f"unknown key; did you mean {close[0]!r}?"
        name = ".".join(map(str, loc))
        out.append((loc, f"{name}: {message}" if name else message))
    return [(loc, message) for loc, message in out if loc not in meant]


_CUES = ("negation", "hedges", "answers", "reported", "summaries", "pronouns")


def load_rules(paths: list[Path]) -> RuleSet:
    """Load rules files. The first gives every cue list; a later file may hold rules only: its
    rules are added or replace those with the same id, and any cue list it gives replaces the
    earlier one."""
    validate = _spacy_validator()
    by_id: dict[str, Rule] = {}
    cues: dict[str, Any] = {}
    errors: list[str] = []
    for number, path in enumerate(paths):
        data, node = _read_yaml(path)
        model = _Header if number == 0 else _Extension
        try:
            header = model.model_validate(data)
        except ValidationError as err:
            errors += [f"{path}:{_line(node, loc)}: [R001] {msg}" for loc, msg in _format(err)]
        else:
            given = {name: getattr(header, name) for name in _CUES}
            cues.update({name: value for name, value in given.items() if value is not None})
            errors += _cue_errors(path, header, validate)
        entries = data.get("rules") if isinstance(data, dict) else None
        if isinstance(entries, list):
            rules_node = _child(node, "rules")
            errors += _load_entries(path, entries, rules_node, validate, by_id)
    if errors:
        raise RuleError("\n".join(errors))
    answers: Answers = cues["answers"]
    return RuleSet(
        rules=tuple(by_id.values()),
        negation=tuple(cues["negation"]),
        hedges=tuple(cues["hedges"]),
        confirm=tuple(answers.confirm),
        deny=tuple(answers.deny),
        hedge=tuple(answers.hedge),
        reported=tuple(cues["reported"]),
        summaries=tuple(cues.get("summaries", ())),
        pronouns=frozenset(p.lower() for p in cues["pronouns"]),
        sources=tuple(str(p) for p in paths),
    )


def _child(node: Any, key: str) -> Any:
    if isinstance(node, yaml.MappingNode):
        return next((v for k, v in node.value if k.value == key), None)
    return None


def _cue_errors(path: Path, header: BaseModel, validate: Any) -> list[str]:
    """spaCy's complaints about the cue patterns a file gives."""
    answers = getattr(header, "answers", None)
    kinds = (
        ("negation", getattr(header, "negation", None)),
        ("hedges", getattr(header, "hedges", None)),
        ("answers.confirm", answers.confirm if answers else None),
        ("answers.deny", answers.deny if answers else None),
        ("answers.hedge", answers.hedge if answers else None),
        ("reported", getattr(header, "reported", None)),
        ("summaries", getattr(header, "summaries", None)),
    )
    return [
        f"{path}: [R002] {kind}: {e}"
        for kind, patterns in kinds
        if patterns
        for e in _pattern_errors(patterns, validate)
    ]


def _load_entries(
    path: Path, entries: list[Any], node: Any, validate: Any, by_id: dict[str, Rule]
) -> list[str]:
    """Validate a file's rules into `by_id` (replacing earlier ones by id); the errors."""
    errors: list[str] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries):
        line = _line(node, (number,))
        rule_id = entry.get("id", f"#{number + 1}") if isinstance(entry, dict) else f"#{number + 1}"
        where = f"{path}:{line}: rule {rule_id!r}"
        try:
            rule = Rule.model_validate(entry)
        except ValidationError as err:
            errors += [f"{where}: [R003] {msg}" for _, msg in _format(err)]
            continue
        errors += [f"{where}: [R002] {e}" for e in _pattern_errors(rule.patterns, validate)]
        errors += [f"{where}: [R005] {e}" for e in _slot_errors(rule)]
        if rule.id in seen:
            errors.append(f"{where}: [R004] duplicate rule id")
        seen.add(rule.id)
        by_id[rule.id] = rule
    return errors


def _slot_errors(rule: Rule) -> list[str]:
    errors = []
    shortest = min(len(p) for p in rule.patterns)
    for name in ("subject", "object"):
        slot = getattr(rule, name)
        if isinstance(slot, After) and slot.after >= shortest:
            errors.append(f"{name}: after {slot.after} is past the end of a pattern")
    return errors
