"""Find concept mentions and typed claims in a Document, using the codebook and the rules.

Finding is kept apart from writing RDF (graph.rdf): this module turns a Document into plain
Mention, Claim and EntityMention records. Sentences are matched lower-cased and normalised
(straight quotes, single spaces), with offsets mapped back to the original text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import Any

from graph import syntax
from graph.codebook import Codebook
from graph.lexicon import Lexicon
from graph.model import (
    CAUSAL,
    Claim,
    Document,
    EntityMention,
    Evidence,
    Extraction,
    Mention,
    Sentence,
)
from graph.readers import slug
from graph.rules import After, Fixed, Rule, RuleSet
from graph.segment import PLAIN, normalise_map
from graph.vocab import CONCEPT, DATA, SYMMETRIC

ANTECEDENT_PENALTY = 0.85
QUESTION_PENALTY = 0.9
LOOK_BACK = 3  # sentences searched for the concept a pronoun refers to
SHORT_DENIAL = 3  # words after a denial: "It doesn't, honestly.", "No, I don't think it does."
SHORT_LABEL = 3  # characters: one-word labels this short ("AI", "QI") match as written only
OPPOSITE = "opposite:"  # match key prefix of a word naming a concept's absence ("turnover")
_TITLED = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Dr|Prof|Professor|Sir|Dame|Lord|Lady)\.?\s+[A-Z][\w'-]+")
_INTERJECTIONS = frozenset({"well", "oh", "um", "uh", "er", "erm", "so", "and", "but", ",", "-",
                            "sadly", "honestly", "frankly", "look", "actually", "basically",
                            "hmm", "hm", "mm", "mmm", "ah", "ahh"})


# --- the engine: matchers built once per codebook and rule set -----------------------------


@dataclass
class Engine:
    """Everything needed to extract from many documents, built once."""

    nlp: Any
    codebook: Codebook
    rules: RuleSet
    lower: Any  # PhraseMatcher on LOWER
    lemma: Any  # PhraseMatcher on LEMMA
    entities: Any  # PhraseMatcher on LOWER for the gazetteer
    relation: Any  # Matcher for the rules
    cues: dict[str, Any]  # Matcher per cue list: negation, hedges, confirm, deny
    by_lemmas: dict[str, str]  # lemma form of each label -> concept IRI
    rule_by_key: dict[int, tuple[Rule, tuple[bool, ...]]] = field(default_factory=dict)
    lexicon: Lexicon | None = None  # cue lexicon and constructions, for the parse
    parser: Any = None  # the tagging and parsing pipeline (graph.nlp)
    dependencies: Any = None  # the constructions' matcher (graph.treematch)
    cue_words: frozenset[str] = frozenset()  # key words of the cues: sentences worth parsing
    actions: dict[str, tuple[str, bool]] = field(default_factory=dict)  # verb -> IRI, opposite
    public_actions: dict[str, tuple[str, bool]] = field(default_factory=dict)  # "turn up" -> ditto
    public: frozenset[str] = frozenset()  # concepts lay people act out (their public actions)
    causatives: dict[str, tuple[str, bool]] = field(default_factory=dict)  # "keep" -> ditto
    rule_needs: list[_Needs] = field(default_factory=list)  # per rule pattern: see _needs
    cue_needs: dict[str, list[_Needs]] = field(default_factory=dict)  # per cue list, ditto


def make_nlp() -> Any:
    """A blank English pipeline with the lookup lemmatizer: works offline, no model."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


def build_engine(
    codebook: Codebook,
    rules: RuleSet,
    nlp: Any | None = None,
    lexicon: Lexicon | None = None,
    parser: Any = None,
) -> Engine:
    """Matchers for the codebook and rules; with a lexicon and a parser, the parse path too."""
    from spacy.matcher import Matcher, PhraseMatcher

    nlp = nlp or make_nlp()
    lower = PhraseMatcher(nlp.vocab, attr="LOWER")
    lemma = PhraseMatcher(nlp.vocab, attr="LEMMA")
    by_lemmas: dict[str, str] = {}
    for iri, concept in sorted(codebook.concepts.items()):
        labels = sorted({normalise_map(x)[0] for x in (concept.label, *concept.alt_labels)})
        docs = [doc for doc in nlp.pipe(labels) if not all(t.is_stop for t in doc)]
        lower.add(iri, docs)
        lemma.add(iri, [doc for doc in docs if len(doc) > 1 or len(doc.text) > SHORT_LABEL])
        for doc in docs:
            by_lemmas.setdefault(_lemmas(doc), iri)
        if concept.opposite_labels:
            words = sorted({normalise_map(x)[0] for x in concept.opposite_labels})
            opposites = list(nlp.pipe(words))
            lower.add(OPPOSITE + iri, opposites)
            lemma.add(OPPOSITE + iri, opposites)
    entities = PhraseMatcher(nlp.vocab, attr="LOWER")
    for iri, entity in sorted(codebook.entities.items()):
        names = sorted({normalise_map(x)[0] for x in (entity.name, *entity.alt_labels)})
        entities.add(iri, list(nlp.tokenizer.pipe(names)))
    relation = Matcher(nlp.vocab)
    engine = Engine(nlp, codebook, rules, lower, lemma, entities, relation, {}, by_lemmas)
    engine.actions = _verbs(codebook, "actions")
    engine.public_actions = _verbs(codebook, "public_actions")
    engine.public = frozenset(iri for iri, _ in engine.public_actions.values())
    engine.causatives = _verbs(codebook, "causatives")
    for rule in rules.rules:
        for number, pattern in enumerate(rule.patterns):
            name = f"{rule.id}#{number}"
            relation.add(name, [list(map(dict, pattern))])
            engine.rule_by_key[nlp.vocab.strings[name]] = (rule, _lookahead(pattern))
            engine.rule_needs.append(_needs(pattern, nlp.vocab.strings))
    for name, patterns in (
        ("negation", rules.negation),
        ("hedges", rules.hedges),
        ("confirm", rules.confirm),
        ("deny", rules.deny),
        ("hedge", rules.hedge),
        ("reported", rules.reported),
        ("summaries", rules.summaries),
    ):
        matcher = Matcher(nlp.vocab)
        if patterns:
            matcher.add(name, [list(map(dict, p)) for p in patterns])
        engine.cues[name] = matcher
        engine.cue_needs[name] = [_needs(p, nlp.vocab.strings) for p in patterns]
    if lexicon is not None and parser is not None:
        engine.lexicon, engine.parser = lexicon, parser
        engine.dependencies = syntax.build_matcher(lexicon)
        engine.cue_words = lexicon.key_words() | _phrasal_verbs(by_lemmas) | frozenset(
            verb.split()[0] for verb in engine.causatives)  # "scares people": worth a parse
    return engine


_PARTICLES = frozenset({"out", "down", "off", "up", "away", "in", "over"})


def _verbs(codebook: Codebook, kind: str) -> dict[str, tuple[str, bool]]:
    """The verbs of one kind of the concepts' labels ("actions", "causatives", ...), each with
    its concept and whether it names the concept's opposite (`opposite_` + kind)."""
    return {verb: (iri, opposite) for iri, concept in sorted(codebook.concepts.items())
            for opposite, verbs in ((False, getattr(concept, kind)),
                                    (True, getattr(concept, f"opposite_{kind}")))
            for verb in verbs}


def _phrasal_verbs(by_lemmas: dict[str, str]) -> frozenset[str]:
    """The verbs of labels that are phrasal verbs ("burn out"): a sentence with one may name
    the concept with the verb and particle apart ("burns people out"), seen only in the parse."""
    pairs = [key.split() for key in by_lemmas]
    return frozenset(words[0] for words in pairs if len(words) == 2 and words[1] in _PARTICLES)


_HELD = ("LOWER", "LEMMA", "ORTH")  # the token attributes whose words a sentence holds
_WORDS = {"LOWER": 0, "LEMMA": 1, "ORTH": 2, "TEXT": 2}  # pattern key -> its place in _HELD
_Needs = tuple[tuple[int, frozenset[int]], ...]
_Held = tuple[set[int], ...]


def _needs(pattern: list[dict[str, Any]], strings: Any) -> _Needs:
    """The words a token pattern cannot match without: for each element it requires that names
    its words, the token attribute (its place in _HELD) and the words' hashes in `strings`, one
    of which the sentence must hold."""
    out = []
    for element in pattern:
        if element.get("OP", "1") not in ("1", "+"):
            continue
        for attr, value in element.items():
            words = {value} if isinstance(value, str) else (
                value.get("IN") if isinstance(value, dict) and set(value) == {"IN"} else None)
            if attr in _WORDS and words:
                out.append((_WORDS[attr], frozenset(strings.add(word) for word in words)))
    return tuple(out)


def _word_hashes(doc: Any) -> _Held:
    """The words `doc` holds, as hashes: a set for each attribute of _HELD."""
    return tuple(set(column.tolist()) for column in doc.to_array(list(_HELD)).T)


def _may_match(needs: list[_Needs], held: _Held) -> bool:
    """Whether any of the patterns could match a sentence holding the words `held`: one whose
    needed words it holds."""
    return any(all(not words.isdisjoint(held[attr]) for attr, words in need) for need in needs)


def _lookahead(pattern: list[dict[str, Any]]) -> tuple[bool, ...]:
    """Which trailing pattern elements only check what follows the cue (punctuation, "!")."""
    flags = [False] * len(pattern)
    for i in range(len(pattern) - 1, 0, -1):
        element = pattern[i]
        if element.get("OP") == "!" or element.get("IS_PUNCT") is True or "NOT_IN" in str(element):
            flags[i] = True
        else:
            break
    return tuple(flags)


def _lemmas(doc: Any) -> str:
    return " ".join(t.lemma_.lower() or t.lower_ for t in doc)


# --- per-sentence analysis -----------------------------------------------------------------


@dataclass
class _Found:
    """A concept found in a sentence, by token positions."""

    iri: str
    start: int  # token index
    end: int
    category: str
    opposite: bool = False  # named by a word for its absence ("turnover" for retention)


@dataclass
class _Analysed:
    """A sentence with its tokens, concepts and cue matches."""

    sentence: Sentence
    turn: int
    speaker: str
    tokens: Any  # its Doc, or where the Doc is made again when asked: (_Blocks, number)
    where: list[int]
    found: list[_Found]
    claims: list[Claim] = field(default_factory=list)
    provisional: list[tuple[str, str, int, int]] = field(default_factory=list)  # iri, label, span
    parse: tuple[_Blocks, int] | None = None  # where its parse is made, if it may hold a claim
    links: list[Any] | None = None  # what the parse links, once read
    covered: set[int] = field(default_factory=set)  # cue tokens whose arguments the parse read
    own: int | None = None  # where the speaker's view starts after others' ("People say A, but")
    next_turn: int = 0  # position of the next turn's first sentence (the number of sentences)
    held: _Held | None = None  # the words it holds, once read (see words)
    cue_spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # see _cues

    @property
    def doc(self) -> Any:
        """The sentence's tokens (a Doc of the blank pipeline)."""
        return self.tokens[0].get(self.tokens[1]) if isinstance(self.tokens, tuple) else self.tokens

    @property
    def parsed(self) -> Any:
        """The dependency parse, for sentences that may hold a claim (else None)."""
        return self.parse[0].get(self.parse[1]) if self.parse else None

    @property
    def root(self) -> Any:
        """The root of the parse's first tree, or None for a sentence not parsed."""
        parsed = self.parsed
        return parsed[:].root if parsed is not None else None

    def words(self) -> _Held:
        """The words the sentence holds (see _word_hashes), read once."""
        if self.held is None:
            self.held = _word_hashes(self.doc)
        return self.held

    @property
    def question(self) -> bool:
        return self.sentence.text.rstrip("\"”’' )").endswith("?")

    def offsets(self, start: int, end: int) -> tuple[int, int]:
        """Original character offsets of tokens start..end."""
        first = self.doc[start]
        last = self.doc[end - 1]
        return (
            self.sentence.start + self.where[first.idx],
            self.sentence.start + self.where[last.idx + len(last.text) - 1] + 1,
        )


def _concepts(engine: Engine, doc: Any) -> list[_Found]:
    """Longest non-overlapping concept matches outside names of people and organisations
    ("Mid-Staffs" is not staff); surface (LOWER) matches win ties."""
    candidates = [(s, e, k, 0) for k, s, e in engine.lower(doc)]
    candidates += [(s, e, k, 1) for k, s, e in engine.lemma(doc)]
    candidates.sort(key=lambda c: (-(c[1] - c[0]), c[3], c[0]))
    taken = {i for _, s, e in engine.entities(doc) for i in range(s, e)}
    found = []
    for start, end, key, _ in candidates:
        if taken.intersection(range(start, end)) or _hyphen_tail(engine, doc, start):
            continue
        taken.update(range(start, end))
        name = engine.nlp.vocab.strings[key]
        opposite = name.startswith(OPPOSITE)
        iri = name.removeprefix(OPPOSITE)
        iri = iri if opposite else _qualified(engine, doc, start, end, iri)
        found.append(_Found(iri, start, end, engine.codebook.concepts[iri].category, opposite))
    return sorted(found, key=lambda f: f.start)


def _polar_words(engine: Engine) -> frozenset[str]:
    """The lexicon's words of quantity and presence ("fewer", "lack", "no"), if it has any."""
    return engine.lexicon.polar_words if engine.lexicon else frozenset()


def _hyphen_tail(engine: Engine, doc: Any, start: int) -> bool:
    """A match that ends a hyphenated word, whose first part changes what it names
    ("de-escalation", "self-harm", "co-production"; not "no-blame", whose "no" is its
    polarity)."""
    polar = _polar_words(engine)
    return _hyphenated(doc, start) < start and doc[start - 2].lower_ not in polar


def _qualified(engine: Engine, doc: Any, start: int, end: int, iri: str) -> str:
    """A more specific concept when a word earlier in the sentence qualifies this one.

    "patients ... have a voice" names "patient voice" when the codebook has that label.
    """
    head = _lemmas(doc[start:end])
    for token in doc[:start]:
        if token.is_alpha:
            specific = engine.by_lemmas.get(f"{token.lemma_.lower()} {head}")
            if specific and specific != iri:
                return specific
    return iri


def _analyse(engine: Engine, document: Document) -> list[_Analysed]:
    """Each sentence's concepts, found in one pass over its tokens; the tokens and parses are
    made a bounded block at a time when asked for, and again if asked for once dropped (see
    _Blocks)."""
    sentences = [(turn, s) for turn in document.turns for s in turn.sentences]
    normalised = [normalise_map(s.text) for _, s in sentences]
    texts = [text for text, _ in normalised]
    tokens = _Blocks(lambda span: list(engine.nlp.pipe(texts[span])), TOKEN_BLOCK)
    out, chosen = [], []
    for number, ((turn, sentence), (_, where)) in enumerate(
        zip(sentences, normalised, strict=True)
    ):
        concepts = _concepts(engine, tokens.get(number))
        a = _Analysed(sentence, turn.index, turn.speaker, (tokens, number), where, concepts)
        if engine.parser is not None and _worth_parsing(engine, a):
            chosen.append(number)
        out.append(a)
    _mark_turn_ends(out)
    chosen = sorted(set(chosen) | _pair_sources(engine, out, chosen)
                    | _answers(engine, out, chosen) | _told_outcomes(engine, out)
                    | _enumerations(out, chosen) | _after_demonstratives(out, chosen))
    cased = [_cased(out[number]) for number in chosen]
    parses = _parse(engine, tokens, chosen, cased) if chosen else None
    for index, number in enumerate(chosen):
        out[number].parse = (parses, index)
    return out


def _mark_turn_ends(analysed: list[_Analysed]) -> None:
    """Give each sentence the position of the next turn's first sentence (a turn's sentences are
    consecutive), found once for the document."""
    following = len(analysed)
    for pos in range(len(analysed) - 1, -1, -1):
        if pos + 1 < len(analysed) and analysed[pos + 1].turn != analysed[pos].turn:
            following = pos + 1
        analysed[pos].next_turn = following


def _pair_sources(engine: Engine, analysed: list[_Analysed], chosen: list[int]) -> set[int]:
    """Sentences before a parsed one that may refer back to them ("those two", "both", "it",
    "they") or that opens with its verb ("Planned maintenance. Cuts breakdowns."): what they
    name, and which of it is their subject, is read from the parse. Near the start of a turn,
    the previous turn's last sentence too ("You mentioned the committee." "They're vital.
    Without them ...")."""
    back = engine.rules.pronouns | _THEY | {"two", "both"}
    out = set()
    for number in chosen:
        here = analysed[number]
        if number == 0 or not (any(t.lower_ in back for t in here.doc)
                               or _opening_cue(engine, here.doc)):
            continue
        if analysed[number - 1].turn in (here.turn, here.turn - 1):
            out.add(number - 1)
        start = next((n for n in range(number, max(-1, number - LOOK_BACK - 1), -1)
                      if n == 0 or analysed[n - 1].turn != here.turn), None)
        if start and analysed[start - 1].turn == here.turn - 1:
            out.add(start - 1)
    return out


def _told_outcomes(engine: Engine, analysed: list[_Analysed]) -> set[int]:
    """Sentences with a word of change ("dropped", "went up") that may tell of something done
    ("We put in sensor mats, and the falls halved"), or after one of the same turn that may
    ("We put a coordinator on ... The queues dropped."), and that one: the parse reads whether
    the change is put down to it (see _intervention)."""
    if engine.lexicon is None:
        return set()
    changes = engine.lexicon.polarity.get("less", frozenset()) | engine.lexicon.polarity.get(
        "more", frozenset()) | {"up", "down"}
    out = set()
    for number, here in enumerate(analysed):
        if not any(t.lemma_.lower() in changes for t in here.doc):
            continue
        if _tells_done(here):
            out.add(number)
        if number and analysed[number - 1].turn == here.turn and _tells_done(
                analysed[number - 1]):
            out.update((number - 1, number))
    return out


def _tells_done(a: _Analysed) -> bool:
    """A sentence with the words of something done by the speaker's side ("we", "put")."""
    words = {t.lower_ for t in a.doc} | {t.lemma_.lower() for t in a.doc}
    return bool(words & _DOERS and words & _INTRODUCING)


def _enumerations(analysed: list[_Analysed], chosen: list[int]) -> set[int]:
    """The sentences after a parsed one that announces a counted list ("Three things kept
    people going."), up to the count, in the same turn: they may name its items."""
    out = set()
    for number in chosen:
        count = max((_count(analysed[number].doc, t) for t in analysed[number].doc), default=0)
        out.update(n for n in range(number + 1, min(number + 1 + count, len(analysed)))
                   if analysed[n].turn == analysed[number].turn)
    return out


def _after_demonstratives(analysed: list[_Analysed], chosen: list[int]) -> set[int]:
    """The short sentence of the same turn after a parsed one with "that" or "this": it may
    name what the demonstrative points forward to ("That's what causes the backlog. Late
    bookings.")."""
    return {number + 1 for number in chosen if number + 1 < analysed[number].next_turn
            and len(analysed[number + 1].doc) <= _FRAGMENT
            and any(t.lower_ in _DEMONSTRATIVES for t in analysed[number].doc)}


_DEMONSTRATIVES = frozenset({"that", "this"})


def _count(doc: Any, token: Any) -> int:
    """How many items a vague noun counts ("three things": 3, "a few factors": 4), else 0."""
    if token.lemma_.lower() not in _COUNTED or token.i == 0:
        return 0
    word = doc[token.i - 1].lower_
    return syntax.NUMBERS.get(word, 0) or (4 if word in ("few", "several", "couple") else 0)


_COUNTED = frozenset({"thing", "factor", "reason", "element", "ingredient", "lesson", "change",
                      "step", "pillar", "component", "principle", "cause", "driver", "part",
                      "piece", "strand", "stage", "aspect"})


def _opening_cue(engine: Engine, doc: Any) -> bool:
    """A sentence that opens with a cue word, after words of degree ("Mostly because ...")."""
    first = syntax.opening(doc)
    return first < len(doc) and doc[first].lemma_.lower() in engine.cue_words


def _answers(engine: Engine, analysed: list[_Analysed], chosen: list[int]) -> set[int]:
    """The first sentence of the answer to a parsed open question ("What erodes morale?"):
    an answer that is only a noun phrase names the concept the question asks for."""
    firsts = {analysed[number].next_turn for number in chosen
              if analysed[number].question and analysed[number].next_turn < len(analysed)
              and any(t.lower_ in _ASKING for t in analysed[number].doc)}
    return firsts | {n + 1 for n in firsts if n + 1 < len(analysed)
                     and analysed[n + 1].turn == analysed[n].turn
                     and _preamble(engine, analysed[n])}


def _worth_parsing(engine: Engine, a: _Analysed) -> bool:
    """Cheap filter before the parse: a cue word (its arguments may be new concepts), or two
    concepts, which a verb naming one of them may link ("discipline frightened people")."""
    words = {t.lower_ for t in a.doc} | {t.lemma_.lower() for t in a.doc}
    return bool(words.intersection(engine.cue_words)) or len({f.iri for f in a.found}) > 1


def _parse(engine: Engine, tokens: _Blocks, chosen: list[int], cased: list[str]) -> _Blocks:
    """The parses of the chosen sentences (that may hold a claim; their `cased` texts), made in
    blocks of a whole number of the parser's batches, so that every sentence is parsed in the
    same batch as in one pass over all of them, and gets the same parse. A parse whose tokens
    differ from the sentence's `tokens` is None."""

    def parse(span: slice) -> list[Any]:
        parses = []
        for parsed, number in zip(engine.parser.pipe(cased[span]), chosen[span], strict=True):
            parsed.tensor = parsed.tensor[:0].copy()  # token vectors, unused once parsed: free them
            same = [t.lower_ for t in parsed] == [t.text for t in tokens.get(number)]
            parses.append(syntax.repair(parsed) if same else None)
        return parses

    return _Blocks(parse, PARSE_BATCHES * engine.parser.batch_size)


TOKEN_BLOCK = 1024  # sentences in a block of tokens
PARSE_BATCHES = 2  # the parser's batches in a block of parsed sentences
HELD_BLOCKS = 2  # blocks of tokens, and of parses, held at once


class _Blocks:
    """Items (a document's Docs or parses) made a block at a time when first asked for, the
    least recently used block dropped beyond HELD_BLOCKS: memory stays bounded whatever the
    length of the document, and extraction, which asks sentence by sentence in order, makes
    each block once a pass. `make` turns a slice of item numbers into their items."""

    def __init__(self, make: Callable[[slice], list[Any]], size: int) -> None:
        self.make = make
        self.size = size
        self.held: dict[int, list[Any]] = {}  # block number -> items, least recent first

    def get(self, number: int) -> Any:
        block, offset = divmod(number, self.size)
        items = self.held.pop(block, None)
        if items is None:
            items = self.make(slice(block * self.size, (block + 1) * self.size))
            if len(self.held) >= HELD_BLOCKS:
                del self.held[next(iter(self.held))]
        self.held[block] = items
        return items[offset]


def _cased(a: _Analysed) -> str:
    """The normalised sentence with the case of the original restored: the tagger needs it."""
    original = a.sentence.text
    return "".join(
        original[a.where[i]] if original[a.where[i]].lower() == ch else ch
        for i, ch in enumerate(a.doc.text)
    )


# --- rules --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Match:
    rule: Rule
    start: int
    end: int
    tokens: tuple[int, ...]  # pattern element index of each matched token
    cue_end: int  # end of the cue proper, before trailing look-ahead tokens


def _rule_matches(engine: Engine, a: _Analysed) -> list[_Match]:
    """Per rule, the shortest match at each start, dropping matches inside an earlier one."""
    if not _may_match(engine.rule_needs, a.words()):
        return []
    raw = engine.relation(a.doc, with_alignments=True)
    best: dict[tuple[str, int], _Match] = {}
    for key, start, end, align in raw:
        rule, lookahead = engine.rule_by_key[key]
        current = best.get((rule.id, start))
        if current is None or end < current.end:
            cue_end = start + sum(not lookahead[element] for element in align)
            best[(rule.id, start)] = _Match(rule, start, end, tuple(align), cue_end)
    kept: list[_Match] = []
    for match in sorted(best.values(), key=lambda m: (m.rule.id, m.start)):
        if kept and kept[-1].rule.id == match.rule.id and match.start < kept[-1].end:
            continue
        kept.append(match)
    return sorted(kept, key=lambda m: (m.start, m.rule.id))


_LEFT_STOPS = frozenset({";", ",", ":", "(", ")"})
_CONJUNCTIONS = frozenset({"and", "or", "but"})


def _clause_stop(token: Any, conjunctions: bool = True) -> bool:
    """Punctuation or a conjunction that ends a clause; a dash only between spaces."""
    if token.text in ("-", "--", "..."):
        return bool(token.whitespace_)
    if token.lower_ in _CONJUNCTIONS:
        return conjunctions
    return token.text in _LEFT_STOPS


def _boundaries(doc: Any, start: int, end: int, conjunctions: bool = True) -> tuple[int, int]:
    """Where slots may look: back to the clause's last punctuation (or conjunction), on to
    the next ';'."""
    left = max((t.i + 1 for t in doc[:start] if _clause_stop(t, conjunctions)), default=0)
    right = min((t.i for t in doc[end:] if t.text == ";"), default=len(doc))
    return left, right


def _slot(
    engine: Engine, a: _Analysed, match: _Match, slot: Any, exclude: str | None = None
) -> tuple[str | None, bool]:
    """The concept IRI for a slot, and whether an empty slot points back to an earlier concept."""
    if isinstance(slot, Fixed):
        concept = engine.codebook.by_id(slot.concept)
        return (concept.iri if concept else None), False
    iri, anaphoric = _codebook_slot(engine, a, match, slot, exclude)
    if iri is None and not anaphoric and slot in ("left", "right"):
        phrase = _noun_phrase(a.doc, match, slot)
        covered = {i for f in a.found for i in range(f.start, f.end)}
        if phrase and not covered.intersection(range(*phrase)):
            iri = _provisional(a, *phrase)
    return iri, anaphoric


def _codebook_slot(
    engine: Engine, a: _Analysed, match: _Match, slot: Any, exclude: str | None
) -> tuple[str | None, bool]:
    rule = match.rule
    left, right = _boundaries(a.doc, match.start, match.cue_end, not rule.pairs)
    usable = [f for f in a.found if f.category not in rule.skip and f.iri != exclude]
    if slot == "left":
        aside = 0
        if left == match.start:  # "Bullying, on the other hand, destroys": skip the aside
            left, aside = _before_aside(a.doc, left, usable)
        before = [
            f
            for f in usable
            if left <= f.start
            and f.end <= match.start
            and match.start - f.end - aside <= rule.reach
        ]
        side = a.doc[max(left, match.start - 4) : match.start]
        pronoun = any(t.lower_ in engine.rules.pronouns for t in side)
        return (before[-1].iri if before else None), pronoun
    side = a.doc[match.cue_end : match.cue_end + 4]
    if slot == "right" and _object_pronoun(engine, side):
        return None, True  # "erodes it too": the object is named earlier
    anchor = match.start + 1
    if isinstance(slot, After):
        positions = [match.start + i for i, el in enumerate(match.tokens) if el == slot.after]
        anchor = positions[0] if positions else match.start
    # after the anchor, or holding it ("make people feel safe": "feel safe" holds "safe")
    after = [
        f
        for f in usable
        if (f.end > anchor if isinstance(slot, After) else f.start >= anchor) and f.end <= right
    ]
    if slot == "last":
        return (after[-1].iri if after else None), _anaphoric(engine, side, rule.elided)
    reach_end = max(match.cue_end, anchor) + rule.reach
    after = [f for f in after if f.start <= reach_end]
    return (after[0].iri if after else None), _anaphoric(engine, side, rule.elided)


_VERBISH = frozenset(
    [
        "'s",
        "is",
        "was",
        "be",
        "will",
        "'ll",
        "can",
        "could",
        "would",
        "'d",
        "has",
        "had",
        "have",
        "does",
        "did",
        "might",
        "may",
        "must",
        "should",
    ]
)


ASIDE = 5  # words: the longest aside between commas a subject may stand before


def _before_aside(doc: Any, left: int, found: list[_Found]) -> tuple[int, int]:
    """Where the clause before a short aside between commas starts, and the aside's length,
    when a concept ends right before the aside's first comma; else (`left`, 0)."""
    if left < 2 or doc[left - 1].text != ",":
        return left, 0
    commas = (i for i in range(left - 2, max(-1, left - 2 - ASIDE), -1) if doc[i].text == ",")
    opening = next(commas, None)
    if opening is None or any(opening < f.start < left for f in found):
        return left, 0
    if any(f.end == opening for f in found):
        start = max((t.i + 1 for t in doc[:opening] if _clause_stop(t)), default=0)
        return start, left - opening
    return left, 0


def _object_pronoun(engine: Engine, side: Any) -> bool:
    """A pronoun right after the cue that is its object ("erodes it"), not a clause's subject."""
    if not len(side) or side[0].lower_ not in engine.rules.pronouns:
        return False
    return len(side) == 1 or side[1].lower_ not in _VERBISH


def _anaphoric(engine: Engine, side: Any, elided: bool) -> bool:
    """A slot side with a pronoun points back to an earlier concept; so does an empty one
    for rules whose argument may be left out ("I see it as a consequence, not a cause")."""
    words = [t for t in side if not t.is_space]
    if not words or words[0].is_punct:
        return elided
    return any(t.lower_ in engine.rules.pronouns for t in words)


def _antecedent(engine: Engine, analysed: list[_Analysed], pos: int, role: str,
                exclude: str | None, reach: int = LOOK_BACK, pronoun: str = "") -> str | None:
    """The concept an anaphor in sentence `pos` most likely refers to.

    Looks back over the last `reach` sentences of the turn (or of the previous turn, for a
    turn's first sentence); a discourse marker ("That's why") reaches one sentence only. A
    subject ("That changed everything") is the nearest concept named; an object ("fatigue
    erodes it too") continues the topic of the last claim, if there is one. A `pronoun` "it"
    or "they" passes over a sentence whose subject is "it" or "they" too and which made no
    claim ("The huddle? It changed everything. It builds trust.": the huddle).
    """
    here = analysed[pos]
    window = [a for a in analysed[max(0, pos - reach) : pos] if a.turn == here.turn]
    first = pos - len(window)  # the turn's first sentence
    if first > 0 and reach > 1:  # "Tell me about supervision." "We do it monthly. It builds..."
        previous_turn = analysed[first - 1].turn
        window = [a for a in analysed[max(0, first - reach) : first]
                  if a.turn == previous_turn and (not window or _prompt(a))] + window
    window.reverse()
    for a in window:
        pick = _from_claims(a, role, exclude) or _grammatical_subject(engine, a, exclude)
        if not pick and pronoun in _CHAINED and _subject_word(a) in _CHAINED:
            continue
        found = [f.iri for f in _heads_first(a, a.found)
                 if f.category != "Role" and f.iri != exclude and (
                     pronoun not in _THEY or a.parsed is None or _plural(a, f))]
        if pick or found:
            return pick or (found[0] if role == "subject" else found[-1])
        named = _fragment(engine, a) if a.turn == here.turn and _verbless(a) else None
        if named is not None and named != exclude:
            return named  # "Induction, mainly. It keeps volunteers safe."
    return None


def _verbless(a: _Analysed) -> bool:
    """A short parsed sentence naming no concept of the codebook, with no finite verb and no
    pronoun, whose head is a noun: an answer in a noun phrase ("Induction, mainly."), not
    "Huge." nor "The nurses."."""
    return _phrase_only(a) and not a.found and a.root.pos_ in ("NOUN", "PROPN")


def _phrase_only(a: _Analysed) -> bool:
    """A short parsed sentence with no finite verb and no pronoun."""
    return a.parsed is not None and len(a.parsed) <= _FRAGMENT and not any(
        t.tag_ in ("VBZ", "VBP", "VBD", "MD") or t.pos_ == "PRON" for t in a.parsed)


_FRAGMENT = 8  # tokens: an answer in a noun phrase is short


_CHAINED = frozenset({"it", "they"})
_TELLING = frozenset({"tell", "talk", "say", "mention", "admit", "share", "ask"})


def _heads_first(a: _Analysed, found: list[_Found]) -> list[_Found]:
    """The concepts that end their noun phrase, if any; not those that only modify another
    noun ("management training": the training, not the management)."""
    if a.parsed is None:
        return found
    heads = [f for f in found if a.parsed[f.end - 1].dep_ != "compound"]
    return heads or found


def _subject_word(a: _Analysed) -> str:
    """The lower-case first word of a parsed sentence's main subject, or ""."""
    root = a.root
    subjects = [c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")] if root else []
    return subjects[0].left_edge.lower_ if subjects else ""


def _prompt(a: _Analysed) -> bool:
    """A sentence that only names a topic: "Tell me about supervision.", "And the debriefs?",
    "You mentioned the committee."."""
    root = a.root
    return root is not None and (root.pos_ in ("NOUN", "PROPN") or _mentioned(root) is not None
                                 or (not any(c.dep_.startswith("nsubj") for c in root.children)
                                     and any(t.lower_ == "about" and t.head.i == root.i
                                             for t in a.parsed)))  # not "do they worry about"


def _mentioned(root: Any) -> Any:
    """The topic an interviewer puts to the speaker ("You mentioned the committee.", "Let's
    talk about the waits.", "I'd like to turn to the rota."): the head of the topic, or None."""
    verb = root
    if root.lemma_ in _WISHING:
        verbs = [c for c in root.children if c.dep_ in ("ccomp", "xcomp")
                 and c.lemma_ in _MENTIONING]
        if not verbs:
            return None
        verb = verbs[0]
    elif root.lemma_ not in _MENTIONING or not any(
            c.dep_ == "nsubj" and c.lower_ == "you" for c in root.children):
        return None
    topics = [c for c in verb.children if c.dep_ == "dobj" and c.pos_ in ("NOUN", "PROPN")]
    topics += [t for c in verb.children if c.dep_ == "prep" and c.lower_ in ("about", "to", "on")
               for t in c.children if t.dep_ == "pobj" and t.pos_ in ("NOUN", "PROPN")]
    return topics[0] if topics else None


_MENTIONING = frozenset({"mention", "talk", "say", "raise", "describe", "bring", "speak", "ask",
                         "turn", "move", "come", "go", "touch"})
_WISHING = frozenset({"let", "want", "like", "love"})


def _grammatical_subject(engine: Engine, a: _Analysed, exclude: str | None) -> str | None:
    """The concept a parsed sentence's main clause is about, the most salient referent for a
    pronoun in the next one ("Sleep isn't optional. Safe prescribing depends on it."): the
    codebook concept in its subject; for a sentence that is only a noun phrase ("Discrepancy
    meetings. They're part of our learning system."), that phrase, provisional if need be."""
    root = a.root
    if root is None:
        return None
    subjects = [c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")
                or (c.dep_ == "csubj" and c.tag_ == "VBG")]  # "Staying quiet doesn't..."
    fragment = not subjects and root.pos_ in ("NOUN", "PROPN")
    subjects = [root] if fragment else subjects
    topic = _mentioned(root)
    if topic is not None:  # "You mentioned the ward committee."
        subjects, fragment = [topic], True
    if not subjects and _prompt(a):  # "What about the link nurse scheme?", "Tell me about..."
        subjects = [c for t in a.parsed if t.lower_ == "about" and t.head.i == root.i
                    for c in t.children if c.dep_ == "pobj"]
        fragment = bool(subjects)
    if subjects and subjects[0].lower_ in _PERSONAL:  # "We ran a flow programme. It had..."
        subjects = [c for c in root.children if c.dep_ == "dobj" and c.pos_ in ("NOUN", "PROPN")
                    and any(d.lower_ in ("a", "an") for d in c.children)]  # a new referent
        fragment = bool(subjects)
    if not subjects or subjects[0].lower_ in engine.rules.pronouns | _THEY:
        return None
    span = range(subjects[0].left_edge.i, subjects[0].right_edge.i + 1)
    named = [f for f in a.found if f.start in span and f.iri != exclude
             and not (f.category == "Role" and f.end <= subjects[0].i)]  # "the link nurse scheme"
    if named:
        return None if named[0].category == "Role" else named[0].iri
    if fragment:
        phrase = _head_phrase(engine, subjects[0])
    elif a.found or _person(engine, a, subjects[0]):
        phrase = None  # what the sentence names is more likely meant than a new noun
    else:  # "Staying quiet doesn't protect anybody. It just means..."
        phrase = _deed_phrase(engine, subjects[0]) if _deed_verb(engine, subjects[0]) else None
    iri = _provisional(a, *phrase) if phrase else None
    return iri if iri != exclude else None


_MEANS = frozenset({"by", "through", "with"})


def _fragment(engine: Engine, a: _Analysed) -> str | None:
    """The provisional concept of a parsed sentence that is only a noun phrase ("Discrepancy
    meetings.", "Staff shortages, mostly.")."""
    root = a.root
    means = [c for c in root.children if c.dep_ in ("pcomp", "pobj")] if root is not None and (
        root.lower_ in _MEANS) else []
    root = means[0] if means else root  # "By keeping small promises.", "Through feedback."
    if root is not None and root.tag_ == "VBG" and not any(
            c.dep_ in ("nsubj", "aux") for c in root.children):
        if _deed_verb(engine, root):
            return _provisional(a, *_deed_phrase(engine, root))  # "Turning up. Every time."
        root = _held(root)
    if root is None or root.pos_ not in ("NOUN", "PROPN", "ADJ"):
        return None
    phrase = _head_phrase(engine, root, result=root.pos_ == "ADJ")  # "Lonely. Homesick."
    return _provisional(a, *phrase) if phrase else None


def _pair(engine: Engine, analysed: list[_Analysed], pos: int, span: tuple[int, int] | None,
          cue: tuple[int, int]) -> tuple[str, str] | None:
    """The two concepts a joint predicate relates: two named in its subject's `span`; for
    "those two", "both" or "they" (no span), two named elsewhere in the sentence ("they go
    hand in hand, ownership and burnout"), else in the nearest earlier sentence of the turn
    naming two; two nouns joined by "and" count where the codebook names fewer."""
    here = analysed[pos]
    earlier = [a for a in analysed[max(0, pos - LOOK_BACK) : pos] if a.turn == here.turn]
    candidates = [(here, set(range(*span)) if span else _outside(here, cue))]
    if span is None:
        candidates += [(a, set(range(len(a.doc)))) for a in reversed(earlier)]
    for a, where in candidates:
        named = list(dict.fromkeys(f.iri for f in a.found if f.category != "Role"
                                   and f.start in where and f.end - 1 in where))
        if len(named) >= 2:
            return named[0], named[1]
        joined = _joined_nouns(engine, a, where)
        if joined:
            return joined
    return None


def _outside(a: _Analysed, cue: tuple[int, int]) -> set[int]:
    """The tokens of a sentence before and after a cue."""
    return {i for i in range(len(a.doc)) if not cue[0] <= i < cue[1]}


def _joined_nouns(engine: Engine, a: _Analysed, where: set[int]) -> tuple[str, str] | None:
    """A parsed sentence's first noun with a conjunct, and the conjunct, as concepts."""
    if a.parsed is None:
        return None
    for token in a.parsed:
        others = [c for c in token.conjuncts if c.i > token.i and c.i in where
                  and (c.pos_ in ("NOUN", "PROPN") or _misread_noun(c))]  # "staffing and flow"
        if token.pos_ in ("NOUN", "PROPN") and token.i in where and others:
            phrases = [_head_phrase(engine, t) for t in (token, others[0])]
            if phrases[0] and phrases[1]:
                return _provisional(a, *phrases[0]), _provisional(a, *phrases[1])
    return None


def _from_claims(a: _Analysed, role: str, exclude: str | None) -> str | None:
    """The subject (or object) of the sentence's last claim, when the sentence names it."""
    named = {f.iri for f in a.found}
    for claim in reversed(a.claims):
        first, second = claim.subject, claim.object
        if role == "object" and claim.relation not in SYMMETRIC:
            first, second = second, first
        for pick in (first, second):
            if (pick in named or _is_provisional(pick)) and pick != exclude:
                return pick
    return None


def _next_fragment(engine: Engine, analysed: list[_Analysed], pos: int, exclude: str | None
                   ) -> str | None:
    """What the next sentence of the turn names when it is only a noun phrase: what a
    demonstrative with nothing before it points forward to ("That's what causes the backlog.
    Late bookings.")."""
    after = analysed[pos + 1] if pos + 1 < analysed[pos].next_turn else None
    if after is None or not _phrase_only(after) or any(
            c.dep_ == "det" and c.lower_ in ("every", "each") for c in after.root.children) or (
            after.parsed[0].lower_ in ("not", "never")):
        return None  # not "Every time.", not "Not the lectures."
    found = [f.iri for f in _heads_first(after, after.found)
             if f.category != "Role" and f.iri != exclude]
    named = found[0] if found else _fragment(engine, after)
    return named if named != exclude else None


def _following(analysed: list[_Analysed], pos: int, exclude: str | None) -> str | None:
    if pos + 1 < len(analysed) and analysed[pos + 1].turn == analysed[pos].turn:
        found = [f.iri for f in analysed[pos + 1].found if f.iri != exclude]
        return found[0] if found else None
    return None


def _cue_at(engine: Engine, name: str, doc: Any, start: int, end: int) -> bool:
    return any(s >= start and e <= end for _, s, e in engine.cues[name](doc[start:end].as_doc()))


def _cues(engine: Engine, a: _Analysed, name: str) -> list[tuple[int, int]]:
    """The (start, end) of each match of the cue list `name` in a sentence, found once; none,
    without running the matcher, in a sentence that lacks the words each of its patterns needs."""
    if name not in a.cue_spans:
        found = _may_match(engine.cue_needs[name], a.words())
        a.cue_spans[name] = [(s, e) for _, s, e in engine.cues[name](a.doc)] if found else []
    return a.cue_spans[name]


def _granted(engine: Engine, a: _Analysed) -> str:
    """The speaker's own verdict on a view they report, in a clause after it: "People say A,
    and (I think) they're right" confirms, "..., but they're wrong" denies; else ""."""
    doc = a.doc
    for name in ("deny", "confirm"):  # "..., and I don't think they are": a denial
        if any(start > 3 and doc[start].lower_ in ("i", "they", "he", "she") and any(
                t.lower_ in ("and", "but", ",", "think") for t in doc[start - 2 : start])
               and not (name == "confirm" and any(t.lower_ in ("n't", "not", "never")
                                                  for t in doc[start - 3 :]))
               for start, _end in _cues(engine, a, name)):
            return name
    return ""


def _opens_with(engine: Engine, name: str, a: _Analysed) -> bool:
    """True when the sentence opens with a confirm or deny cue, after an interjection or a
    short phrase and a comma ("Massive, yes.", "Sort of, yes.")."""
    doc = a.doc
    for start, _end in _cues(engine, a, name):
        if all(t.lower_ in _INTERJECTIONS or t.is_punct for t in doc[:start]):
            return True
        lead = doc[: start - 1]
        if 0 < len(lead) <= 3 and doc[start - 1].text == "," and not any(
                t.pos_ in ("VERB", "AUX", "PRON") for t in lead):
            return True
    return False


_DETERMINERS = frozenset(
    [
        "the",
        "a",
        "an",
        "their",
        "our",
        "its",
        "his",
        "her",
        "my",
        "your",
        "this",
        "these",
        "those",
        "some",
        "any",
        "more",
        "less",
        "all",
        "every",
    ]
)
_ADVERBS = frozenset(
    ["really", "just", "also", "always", "often", "sometimes", "usually", "actually", "simply"]
)
_FACETS = frozenset({"side", "bit", "part", "aspect", "element", "end", "angle", "component",
                     "piece", "style"})  # "the education side", "the paperwork bit"
_VAGUE = frozenset(
    [
        "thing",
        "things",
        "way",
        "ways",
        "lot",
        "lots",
        "part",
        "kind",
        "sort",
        "stuff",
        "people",
        "everyone",
        "someone",
        "anyone",
        "anybody",
        "somebody",
        "everybody",
        "nobody",
        "everything",
        "something",
        "anything",
        "nothing",
        "times",
        "amount",
        "number",
        "deal",
        "level",
        "sense",
        "bit",
        "one",
        "ones",
        "place",
        "fact",
        "issue",
        "issues",
        "matter",
        "point",
        "case",
        "end",
        "reason",
        "reasons",
        "idea",
        "ideas",
        "problem",
        "problems",
        "challenge",
        "challenges",
        "question",
        "questions",
        "area",
        "areas",
        "factor",
        "factors",
        "aspect",
        "aspects",
        "piece",
        "condition",
        "rise",
        "conditions",
        "side",
        "importance",
        "role",
        "impact",
        "effect",
        "effects",
        "use",
        "nature",
        "style",
        "kinds",
        "types",
        "type",
        "form",
        "forms",
        "set",
        "range",
        "variety",
        "task",
        "tasks",
        "element",
        "elements",
        "component",
        "components",
        "ingredient",
        "ingredients",
        "bits",
        "pieces",
        "parts",
        "half",
        "halves",
        "sides",
        "day",
        "days",
        "week",
        "weeks",
        "month",
        "months",
        "year",
        "years",
        "hour",
        "hours",
        "minute",
        "minutes",
        "morning",
        "afternoon",
        "evening",
        "moment",
        "weekend",
        "today",
    ]
)
_NOUN_ENDINGS = (
    "tion",
    "sion",
    "ment",
    "ness",
    "ity",
    "ship",
    "ance",
    "ence",
    "ing",
    "ism",
    "ist",
    "er",
    "or",
    "age",
    "ure",
    "cy",
)


def _noun_phrase(doc: Any, match: _Match, slot: str) -> tuple[int, int] | None:
    """A noun phrase right next to the cue that no codebook concept covers ("night-shift
    handovers", "the bed meeting"): up to four content words, joined by hyphens or spaces."""
    if slot == "right":
        i = match.cue_end
        while i < len(doc) and doc[i].lower_ in _DETERMINERS:
            i += 1
        start, step, limit = i, 1, len(doc)
    else:
        i = match.start - 1
        while i >= 0 and doc[i].lower_ in _ADVERBS:
            i -= 1
        if i >= 1 and doc[i].lower_ == "what" and doc[i - 1].lemma_ == "be":
            i -= 2  # "supervision is what keeps people here"
            while i >= 0 and doc[i].lower_ in _ADVERBS:
                i -= 1
        start, step, limit = i, -1, -1
    words = []
    while i != limit and len(words) < 4 and _content(doc[i]):
        words.append(i)
        i += step
        if (
            i != limit
            and doc[i].text == "-"
            and not doc[i].whitespace_
            and not doc[i - 1].whitespace_
        ):
            i += step  # night-shift
    if not words:
        return None
    first, last = min(words), max(words) + 1
    head = doc[last - 1]
    plural = head.lower_.endswith("s") and head.lemma_.lower() != head.lower_
    nouny = len(words) > 1 or plural or head.lower_.endswith(_NOUN_ENDINGS)
    vague = len(words) == 1 and head.lower_ in _VAGUE  # "time", but not "protected time"
    if vague or len(head) < 3 or not nouny or first < 0 or start < 0:
        return None
    return first, last


def _content(token: Any) -> bool:
    return token.is_alpha and not token.is_stop and token.lower_ not in _DETERMINERS


def _provisional(a: _Analysed, start: int, end: int) -> str:
    """The IRI of a provisional concept for tokens start..end, recorded on the sentence."""
    head = a.doc[end - 1]
    tagged = a.parsed if a.parsed is not None else a.doc
    plain = head.lower_.endswith("s") or tagged[end - 1].tag_ == "JJR" or (  # "calmer": calm
        tagged[end - 1].tag_ == "NNS" and not head.lower_.endswith("a"))  # "women", not "data"
    singular = head.lemma_.lower() if plain else head.lower_
    words = [t.text_with_ws for t in a.doc[start : end - 1]  # "seeing (the) same nurse"
             if t.i == start or tagged[t.i].tag_ not in _INNER_DETERMINERS]
    if words and tagged[start].tag_ in _FINITE:  # "answers the phone": answer phone
        words[0] = tagged[start].lemma_.lower() + a.doc[start].whitespace_
    return _provisional_named(a, "".join([*words, singular]).strip(), start, end)


def _provisional_named(a: _Analysed, label: str, start: int, end: int) -> str:
    """The IRI of a provisional concept with its own label for tokens start..end."""
    iri = f"{CONCEPT}provisional/{_label_slug(label)}"
    a.provisional.append((iri, label, start, end))
    return iri


def _label_slug(label: str) -> str:
    """A new concept's IRI name: its words joined by '-', a hyphen or an apostrophe inside a word
    kept as '_', so that "follow-up clinic" and "follow up clinic" (or "women's group" and
    "womens group") are two concepts with one label each."""
    return "-".join(slug(re.sub("['’]", "-", word)).replace("-", "_") for word in label.split())


def _taken_time(head: Any) -> bool:
    """A span of time that a named deed takes or needs ("culture change takes years", "needs a
    few months"; not "three years of training", nor "it took me two years to ...", whose "it"
    is the deed after it)."""
    verb = head.head
    return (head.lemma_.lower() in _DURATIONS and head.dep_ == "dobj"
            and verb.lemma_.lower() in ("take", "need", "require")
            and not any(c.dep_ == "prep" and c.lower_ == "of" for c in head.children)
            and not any(c.dep_ == "nsubj" and c.lower_ == "it" for c in verb.children))


_DURATIONS = frozenset({"year", "month", "week", "day", "hour", "minute"})
_INNER_DETERMINERS = frozenset({"DT", "PRP$"})
_FINITE = frozenset({"VBZ", "VBP"})


def _claims_in(engine: Engine, analysed: list[_Analysed], pos: int) -> list[Claim]:
    """The claims of one sentence: from the parse, and from the token rules where the parse
    gave none for the same cue words (the parse fails on some gerunds and garden paths)."""
    a = analysed[pos]
    made = _parse_claims(engine, analysed, pos)
    if a.found or any(t.lower_ in engine.rules.pronouns for t in a.doc):  # rules need a concept
        covered = a.covered
        for claim, (start, end) in _token_claims(engine, analysed, pos, [c for c, _ in made]):
            if not covered.intersection(range(start, end)):
                made.append((claim, (start, end)))
        a.own = None if a.question else _own_part(engine, a)
        if a.own is not None:  # "People say A, but B": only B is the speaker's
            made = [(claim, span) for claim, span in made if span[0] > a.own]
    claims = [claim for claim, _ in made]
    return _unique(_annotated(engine, claims + _corrected(engine, analysed, pos, claims)))


def _corrected(engine: Engine, analysed: list[_Analysed], pos: int, claims: list[Claim]
               ) -> list[Claim]:
    """What a denial puts right: "it's not the money that keeps them, it's the team", "the
    money doesn't keep them, the team does", "It's not the money that keeps them. It's the
    team.": the denied claims hold, not denied, of what takes the denied one's place."""
    found = _correction(analysed, pos) if any(c.negated for c in claims) else None
    if found is None:
        return []
    (was, was_at), (said, said_at) = found
    denied = _named_at(analysed[was_at], was.i)
    put = _side(engine, analysed, said_at, syntax.Arg(said.i), "subject", None,
                (said.i, said.i))
    if denied is None or put is None or denied == put.iri or put.anaphoric:
        return []
    extra = {"answer": _evidence(analysed[said_at])} if said_at != pos else {}
    out = []
    for claim in claims:
        if not claim.negated or denied not in (claim.subject, claim.object):
            continue
        side = "subject" if claim.subject == denied else "object"
        out.append(replace(claim, negated=False, rule="correction", **{
            side: put.iri, f"{side}_direction": put.direction}, **extra))
    return out


def _named_at(a: _Analysed, i: int) -> str | None:
    """The concept a sentence's claims took from the words at token i, if any."""
    return next((f.iri for f in a.found if f.start <= i < f.end), None) or next(
        (iri for iri, _, start, end in a.provisional if start <= i < end), None)


def _correction(analysed: list[_Analysed], pos: int
                ) -> tuple[tuple[Any, int], tuple[Any, int]] | None:
    """The denied focus of a sentence and what is put in its place, each with the number of
    its sentence: in a clause after the denial ("..., it's the team", "..., the team does"),
    or in a short sentence after it in the same turn ("It's the team.")."""
    doc = analysed[pos].parsed
    root = next((t for t in doc if t.dep_ == "ROOT"), None) if doc is not None else None
    if root is None:
        return None
    denials = [c for c in root.children if c.dep_ == "ccomp" and c.i < root.i
               and syntax.is_negated(c)]
    if denials and not syntax.is_negated(root):
        was, said = _focus(denials[0], subject=root.lemma_ == "do"), _put_right(root)
        return ((was, pos), (said, pos)) if was is not None and said is not None else None
    nxt = pos + 1
    if not (syntax.is_negated(root) and root.lemma_ == "be" and nxt < analysed[pos].next_turn
            and analysed[nxt].parsed is not None and len(analysed[nxt].parsed) <= _FRAGMENT):
        return None
    after = next((t for t in analysed[nxt].parsed if t.dep_ == "ROOT"), None)
    was, said = _focus(root), _put_right(after) if after is not None else None
    return ((was, pos), (said, nxt)) if was is not None and said is not None else None


def _focus(verb: Any, subject: bool = False) -> Any:
    """What a denied clause is about: the complement of "it's not A (that ...)", "what ...
    isn't A"; the subject of "A doesn't ..." when the correction is "B does"."""
    wanted = ("nsubj",) if subject or verb.lemma_ != "be" else ("attr",)
    return next((c for c in verb.children if c.dep_ in wanted), None)


def _put_right(verb: Any) -> Any:
    """What a correction puts in place: "it's B" (its subject "it" or "that"), "B does"."""
    if syntax.is_negated(verb):
        return None
    subjects = [c for c in verb.children if c.dep_ == "nsubj"]
    if verb.lemma_ == "be" and subjects and subjects[0].lower_ in ("it", "that"):
        return next((c for c in verb.children if c.dep_ == "attr"), None)
    if verb.lemma_ == "do" and subjects and not any(  # the denial before it is its ccomp
            c.dep_ in ("dobj", "xcomp") or (c.dep_ == "ccomp" and c.i > verb.i)
            for c in verb.children):
        return subjects[0]
    return None


_CAUSAL = frozenset({"enables", "undermines", "isConsequenceOf"})


def _annotated(engine: Engine, claims: list[Claim]) -> list[Claim]:
    """Claims about a harm (lg:harmful) in the relation that states them: enabling a harm is
    causing it ("isolation feeds burnout": burnout isConsequenceOf isolation); a harm that
    comes without A is undermined by A ("without supervision, nurses burn out"); nothing
    requires a harm; a fall that needs A is A's doing ("errors only came down when we added
    scanning": scanning undermines errors). Claims that state no relation between concepts are
    left out."""
    out = []
    for claim in claims:
        if _not_a_relation(engine, claim):
            continue
        plain = claim.subject_direction in ("", "more") and claim.object_direction in ("", "more")
        harm = [_harmful(engine, iri) for iri in (claim.subject, claim.object)]
        if claim.relation == "requires" and claim.subject_direction == "less" and (
                claim.rule == "cue-subordinator" and not claim.object_direction):
            claim = replace(claim, subject=claim.object, object=claim.subject,  # "errors only
                            subject_direction="", relation="undermines")  # came down when ..."
        elif plain and claim.relation == "enables" and harm[1]:
            claim = replace(claim, subject=claim.object, object=claim.subject,
                            relation="isConsequenceOf")
        elif plain and claim.relation == "requires" and harm[1]:
            continue
        elif plain and claim.relation == "requires" and harm[0]:
            claim = replace(claim, subject=claim.object, object=claim.subject,
                            relation="undermines")
        out.append(claim)
    return out


def _token_claims(
    engine: Engine, analysed: list[_Analysed], pos: int, earlier: list[Claim]
) -> list[tuple[Claim, tuple[int, int]]]:
    a = analysed[pos]
    claims: list[tuple[Claim, tuple[int, int]]] = []
    hedges = [start for start, _end in _cues(engine, a, "hedges")]
    for match in _rule_matches(engine, a):
        rule = match.rule
        anaphors = 0
        filled: dict[str, str | None] = {}
        for role in ("subject", "object"):
            other = filled.get("subject")
            iri, anaphoric = _slot(engine, a, match, getattr(rule, role), other)
            if iri is None and anaphoric and "previous" in rule.fallback:
                # "Huddles help us share information, and that builds awareness"
                so_far = [*earlier, *(c for c, _ in claims)]
                here = _Analysed(a.sentence, a.turn, a.speaker, a.doc, a.where, a.found, so_far)
                iri = (_from_claims(here, role, other)
                       or _antecedent(engine, analysed, pos, role, other))
                anaphors += iri is not None
            if iri is None and "next" in rule.fallback:
                iri = _following(analysed, pos, other)
                anaphors += iri is not None
            filled[role] = iri
        subject, obj = filled["subject"], filled["object"]
        if not subject or not obj or subject == obj:
            continue
        if _is_provisional(subject) or _is_provisional(obj):
            if anaphors or (_is_provisional(subject) and _is_provisional(obj)):
                continue  # an open concept needs a codebook concept named beside it
            anaphors += 1
        negated = _cue_at(engine, "negation", a.doc, _negation_start(a, match), match.start) or any(
            t.lower_ in ("not", "n't", "never") and t.nbor().lower_ in _DENIED_PREPS
            for t in a.doc[match.cue_end : min(match.cue_end + 2, len(a.doc) - 1)]
        )  # "comes from, not from the nurses", but not "a consequence, not a cause"
        hedged = _in_clause(a.doc, match, hedges)
        if a.parsed is not None:  # "I don't think the locked door makes anyone safer"
            negated = negated or syntax.is_negated(a.parsed[match.start])
            hedged = hedged or syntax.is_hedged(a.parsed[match.start])
        start, end = a.offsets(match.start, match.end)
        claim = Claim(
            subject=subject,
            relation=rule.relation,
            object=obj,
            speaker=a.speaker,
            rule=rule.id,
            evidence=_evidence(a),
            negated=negated,
            hedged=hedged,
            confidence=round(rule.confidence * ANTECEDENT_PENALTY**anaphors, 3),
            cue=a.sentence.text[start - a.sentence.start : end - a.sentence.start],
            subject_direction=_token_direction(engine, a, subject, match, before=True),
            object_direction=_token_direction(engine, a, obj, match, before=False),
        )
        claims.append((claim, (match.start, match.cue_end)))
    return claims


def _token_direction(engine: Engine, a: _Analysed, iri: str, match: _Match, before: bool) -> str:
    """The mark of quantity or presence just before a concept a token rule found ("poor
    communication", "lack of trust"), read as for the parse."""
    spans = [(f.start, f.end, f.opposite) for f in a.found if f.iri == iri]
    spans += [(start, end, False) for p, _, start, end in a.provisional if p == iri]
    side = sorted(s for s in spans if (s[1] <= match.start if before else s[0] >= match.cue_end))
    inner = [] if side else sorted(s for s in spans
                                   if match.start <= s[0] and s[1] <= match.cue_end)
    if not side and not inner:
        return ""
    start, end, opposite = (side[-1] if before else side[0]) if side else inner[0]
    floor = (0 if before else match.cue_end) if side else max(
        [match.start + 1] + [t.i + 1 for t in a.doc[match.start : start] if t.is_punct])
    direction = _window_direction(engine, a.doc, start, floor)  # inside the cue's words, within
    #                                      its clause: "makes me less safe", not "A drops, B"
    if not direction and a.parsed is not None:  # "when trust drops", "if morale is low"
        token = a.parsed[end - 1]
        if token.head.dep_ == "advcl" and not _role(engine, iri):  # the clause of "when", "if"
            direction = _predicated(engine, token.head, token)
    if opposite:
        direction = {"": "less", "more": "less"}.get(direction, "more")
    return direction


# --- claims from the parse ----------------------------------------------------------------


@dataclass(frozen=True)
class _Side:
    """An argument resolved to a concept."""

    iri: str
    direction: str  # "", "more", "less", "absent"
    anaphoric: bool
    answer: _Analysed | None = None  # the answer that named it, for an open question
    state: bool = False  # a state people are said to be in ("because they're lonely")
    source: _Analysed | None = None  # the sentence of a list that names it, if not the cue's
    more: tuple[_Side, ...] = ()  # the other items of a counted list ("three things: A, B, C")


def _parse_claims(
    engine: Engine, analysed: list[_Analysed], pos: int
) -> list[tuple[Claim, tuple[int, int]]]:
    a = analysed[pos]
    if a.parsed is None or engine.lexicon is None:
        return []
    out = []
    for link in _links(engine, a):
        done, done_at = _deed_of(analysed, pos, link)
        if link.rule in _DEED_RULES and done is None:
            continue
        subject = _side(engine, analysed, pos, link.subject, _place(link.subject, link.cue, 0),
                        None, link.cue)
        if subject is None or (link.rule == "counted-sentences" and not subject.more):
            continue  # "it has four parts." and no parts in the sentences after it
        obj = _side(engine, analysed, pos, link.object, _place(link.object, link.cue, 1),
                    subject.iri, link.cue) if done is None else _done_side(
            engine, analysed, done_at, done, subject.iri)
        if obj is None or obj.iri == subject.iri or (
                link.relation not in CAUSAL and _means_asked(a, link, subject)):
            continue  # "How do you work with the GPs?" "We train their nurses.": no means
        if link.harm and not (_harmful(engine, obj.iri) and obj.direction in ("", "more")):
            continue  # "without the huddle, people go home": no harm said to follow
        subject = _judgement(engine, link.subject, subject)
        obj = _judgement(engine, link.object, obj)
        link, subject, obj = _happening(link, subject, obj)
        if subject.direction == "absent" and _none_will(a, link):
            link, subject = replace(link, negated=not link.negated), replace(subject, direction="")
        a.covered.update(range(*link.cue))  # read by the parse, kept or refused: not read again
        a.covered.update(c.i for i in range(*link.cue) for c in a.parsed[i].children
                         if c.dep_ == "aux" and c.pos_ == "VERB")  # "helps" of "helps prevent"
        made = [*(c for other in _coordinated(a, link.subject, subject)
                  for c in _parse_claims_for(engine, a, link, other, obj)),
                *_sourced(_parse_claims_for(engine, a, link, subject, obj), subject, obj),
                *(c for other in subject.more
                  for c in _sourced(_parse_claims_for(engine, a, link, other, obj), other)),
                *(c for other in obj.more
                  for c in _sourced(_parse_claims_for(engine, a, link, subject, other), other)),
                *(c for other in _listed(engine, subject, obj.iri)
                  for c in _parse_claims_for(engine, a, link, other, obj)),
                *(c for other in _listed(engine, obj, subject.iri)
                  for c in _parse_claims_for(engine, a, link, subject, other))]
        answer = subject.answer or obj.answer
        out += [(_answered(c, answer), cue) for c, cue in made] if answer else made
    return (out + _concept_verbs(engine, analysed, pos) + _agent_states(engine, analysed, pos)
            + _causatives(engine, analysed, pos) + _why_answered(engine, analysed, pos))


def _whole_of(head: Any) -> Any:
    """What a metaphor of parts is of: "one of the pillars of island practice": the practice."""
    if head.lemma_.lower() not in _PILLARS:
        return head
    of = [x for c in head.children if c.dep_ == "prep" and c.lower_ == "of"
          for x in c.children if x.dep_ == "pobj"]
    return of[0] if of else head


_PILLARS = frozenset({"pillar", "cornerstone", "block", "plank", "ingredient", "keystone",
                      "bedrock", "linchpin", "lynchpin"})


def _needed(head: Any) -> Any:
    """What a need is for: "reduce the need to hold children down" (holding them down), "the
    need for agency staff" (agency staff)."""
    if head.lemma_.lower() != "need" or head.pos_ != "NOUN":
        return head
    wanted = [c for c in head.children if c.dep_ == "acl" and c.tag_ == "VB"] + [
        x for c in head.children if c.dep_ == "prep" and c.lower_ == "for"
        for x in c.children if x.dep_ == "pobj"]
    return wanted[0] if wanted else head


def _ability(head: Any) -> Any:
    """What "being able to" do is about: the deed ("being able to speak Welsh": speaking)."""
    if head.lower_ != "being":
        return head
    able = [x for c in head.children if c.dep_ == "acomp" and c.lower_ == "able"
            for x in c.children if x.dep_ == "xcomp" and x.pos_ == "VERB"]
    return able[0] if able else head


def _sourced(made: list[tuple[Claim, tuple[int, int]]], *sides: _Side
             ) -> list[tuple[Claim, tuple[int, int]]]:
    """Claims with a side named by an item of a list in another sentence, which is then
    evidence too."""
    source = next((side.source for side in sides if side.source is not None), None)
    return [(replace(c, answer=_evidence(source)), cue) for c, cue in made] if source else made


def _enumerated(engine: Engine, analysed: list[_Analysed], pos: int, head: Any,
                exclude: str | None) -> _Side | None:
    """The items of a counted list an argument announces, as the first item's side with the
    others in `more`: after a colon ("Two things feed into that: low pay and the hours") or
    in the sentences that follow it in the turn ("Three things kept people going. Food on the
    ward, first. Second, the super-users. Third, the huddle.")."""
    a = analysed[pos]
    count = _count(a.parsed, head)
    if not count:
        return None
    colon = next((t.i for t in a.parsed[head.i + 1 :] if t.text in (":", "–", "—")), None)
    if colon is not None:
        items = [(a, start, end) for start, end in _segments(a.parsed, colon + 1)]
    else:
        items = []
        for x in analysed[pos + 1 : pos + 1 + count]:
            root = x.root
            if x.turn != a.turn or root is None or not (root.pos_ in ("NOUN", "PROPN") or (
                    root.tag_ == "VBG" and not any(c.dep_ in ("nsubj", "aux")
                                                   for c in root.children))):
                break  # an item is a phrase, not a clause
            start = next((t.i for t in x.parsed if t.lower_ not in _ORDINALS), len(x.parsed))
            end = next((t.i for t in x.parsed[start + 1 :] if t.is_punct), len(x.parsed))
            items.append((x, start, end))
    sides = [side for x, start, end in items[:count]
             if (side := _item(engine, x, start, end, exclude)) is not None]
    sides = [side for n, side in enumerate(sides) if side.iri not in {o.iri for o in sides[:n]}]
    return replace(sides[0], more=tuple(sides[1:])) if len(sides) > 1 else None


_ORDINALS = frozenset({"first", "second", "third", "fourth", "fifth", "firstly", "secondly",
                       "thirdly", "finally", "lastly", "then", "and", "also", "plus", "one",
                       "another", "number", "two", "three", "four", "five", ",", "-", "–"})


def _segments(doc: Any, start: int) -> list[tuple[int, int]]:
    """The stretches of a list from `start` to the sentence's end, split at commas and at
    "and" or "or"."""
    cuts = [t.i for t in doc[start:] if t.text in (",", ";") or t.lower_ in ("and", "or")
            or (t.is_punct and t.i == len(doc) - 1)] + [len(doc)]
    out, begin = [], start
    for cut in cuts:
        if cut > begin:
            out.append((begin, cut))
        begin = cut + 1
    return out


def _item(engine: Engine, x: _Analysed, start: int, end: int, exclude: str | None
          ) -> _Side | None:
    """The concept one item of a list names: a codebook concept in it (not a role), else a new
    one from its head."""
    named = _heads_first(x, [f for f in x.found if start <= f.start and f.end <= end
                             and f.category != "Role" and f.iri != exclude])
    if named:
        return _Side(named[0].iri, "", False, source=x)
    head = syntax.span_head(x.parsed, start, end)
    if head is None or head.pos_ not in ("NOUN", "PROPN", "VERB"):
        return None
    direction, head = _marked(engine, head)  # "low pay": pay, less
    phrase = _deed_phrase(engine, head) if head.tag_ == "VBG" else (
        _head_phrase(engine, head) if head.pos_ != "VERB" else None)
    return _Side(_provisional(x, *phrase), direction, False, source=x) if phrase else None


def _none_will(a: _Analysed, link: syntax.Link) -> bool:
    """ "No software is going to fix a shortage", "no training will change that": a denial
    that any of the subject does it, not a claim about its absence."""
    if link.subject.head is None:
        return False
    head, cue = a.parsed[link.subject.head], a.parsed[link.cue[0]]
    modal = any(c.dep_ == "aux" and (c.tag_ == "MD" or c.lower_ == "going")
                for c in cue.children) or (cue.dep_ == "xcomp" and cue.head.lower_ == "going")
    return modal and any(c.dep_ == "det" and c.lower_ == "no" for c in head.children)


_NOT_HAPPENINGS = syntax.OPINION_VERBS | {"be", "matter", "do", "have", "choose", "want"}


def _deed_of(analysed: list[_Analysed], pos: int, link: syntax.Link) -> tuple[Any, int]:
    """For a link that puts a change down to a deed (_DEED_RULES), what was put in place and
    the number of its sentence: the sentence before ("... The queues dropped.") or the clause
    the change is coordinated with ("we put in sensor mats, and the falls halved")."""
    if link.rule == "outcome-after" and pos > 0:
        return _intervention(analysed[pos - 1], analysed[pos]), pos - 1
    if link.rule == "done-and-change":
        return _put_in_place(analysed[pos].parsed[link.object.head]), pos
    return None, pos


_DEED_RULES = frozenset({"outcome-after", "done-and-change"})


def _intervention(before: _Analysed, here: _Analysed) -> Any:
    """What a sentence just before `here` in the same turn tells the speaker's side did ("We
    put a coordinator on the afternoon shift.", "I brought in a checklist."): the head of what
    was put in place, or None."""
    root = before.root
    if root is None or before.turn != here.turn or before.question:
        return None
    return _put_in_place(root)


def _put_in_place(verb: Any) -> Any:
    """What a clause tells the speaker's side put in place or stopped ("we put a coordinator
    on the late shift", "I brought in a checklist"): the head of it, or None."""
    if verb.lemma_.lower() not in _INTRODUCING or syntax.is_negated(verb) or not any(
            c.dep_ == "nsubj" and c.lower_ in _DOERS for c in verb.children):
        return None
    done = [c for c in verb.children if c.dep_ == "dobj"] + [  # "brought in hourly rounding"
        t for c in verb.children if c.dep_ in ("prep", "prt") and c.lower_ in _PUT_IN
        and c.i == verb.i + 1 for t in c.children if t.dep_ == "pobj"]
    return done[0] if done else None


def _done_side(engine: Engine, analysed: list[_Analysed], pos: int, done: Any,
               exclude: str) -> _Side | None:
    """The concept of what was done; what was stopped or cut is there less ("We stopped the
    huddles. Morale fell.": the huddles enable morale)."""
    side = _side(engine, analysed, pos, syntax.Arg(done.i), "object", exclude, (0, 0))
    removed = done.head.lemma_.lower() in _REMOVING
    return replace(side, direction="less") if side is not None and removed else side


_REMOVING = frozenset({"stop", "scrap", "drop", "cut", "end", "replace"})
_BROUGHT_IN = frozenset({"start", "begin", "introduce", "launch", "open", "bring", "set", "roll",
                         "appoint", "hire", "employ"})  # "since the huddle started"
_INTRODUCING = _REMOVING | _BROUGHT_IN | {"put", "create", "recruit", "get", "add", "build", "buy",
                                          "train", "run", "give", "change", "move", "switch",
                                          "make", "pilot", "redesign"}
_DOERS = frozenset({"we", "i", "they"})


def _introduced_change(a: _Analysed, link: syntax.Link, subject: _Side, obj: _Side) -> bool:
    """A clause of something brought in and one of a change ("since the accord came in,
    assaults are down", "once we started the huddle, falls dropped"): the change follows."""
    cause, effect = (link.object, subject) if link.relation == "isConsequenceOf" else (
        link.subject, obj)
    verb = a.parsed[cause.head] if cause.head is not None and a.parsed is not None else None
    return verb is not None and effect.direction in ("less", "more") and (
        verb.lemma_ in _BROUGHT_IN or (verb.lemma_ == "come" and any(
            c.lower_ == "in" for c in verb.children)) or (
            verb.lemma_ not in _REMOVING and _put_in_place(verb) is not None))
_PUT_IN = frozenset({"in", "on", "up"})


def _why_answered(engine: Engine, analysed: list[_Analysed], pos: int
                  ) -> list[tuple[Claim, tuple[int, int]]]:
    """A why-question about a codebook concept, answered by what causes it: "Why do nurses
    leave?" "The rota, mostly." (less staff retention is a consequence of the rota)."""
    a = analysed[pos]
    why = [t for t in a.parsed or () if t.lower_ == "why" and t.dep_ == "advmod"]
    verb = why[0].head if a.question and why else None
    if verb is not None and verb.lemma_ in syntax.OPINION_VERBS:  # "why do you think it fell?"
        verb = next((c for c in verb.children if c.dep_ == "ccomp"), None)
    if verb is None or verb.pos_ != "VERB" or verb.lemma_ in _NOT_HAPPENINGS or not any(
            c.dep_ in ("nsubj", "nsubjpass") for c in verb.children):
        return []  # "why is handover so important?": a judgement, not what happens
    span = (why[0].i, why[0].i + 1)
    effect = _side(engine, analysed, pos, syntax.Arg(verb.i, frozenset({why[0].i})), "subject",
                   None, span)
    if effect is None or effect.anaphoric or effect.iri not in engine.codebook.concepts:
        return []  # "why did you go into nursing?": about the person, not a concept
    answer = _reply(engine, analysed, pos)
    cause = _filler(engine, answer, effect.iri) if answer is not None else None
    if cause is None:
        return []
    link = syntax.Link("isConsequenceOf", syntax.Arg(verb.i), syntax.Arg(None), span,
                       "why-answer", 0.7, syntax.is_negated(verb), syntax.is_hedged(verb))
    return [(_answered(c, answer), cue) for c, cue in _parse_claims_for(
        engine, a, link, effect, _Side(cause, "", True, answer))]


def _answered(claim: Claim, answer: _Analysed) -> Claim:
    """An open question's claim, completed by the answer: the answerer's, with both as
    evidence."""
    return replace(claim, speaker=answer.speaker, question=True, answer=_evidence(answer),
                   confidence=round(claim.confidence * QUESTION_PENALTY, 3))


def _place(arg: syntax.Arg, cue: tuple[int, int], default: int) -> str:
    """Where an argument stands for resolving a pronoun in it: before its cue it is read as a
    subject ("that drives it": "that" is the nearest concept), after it as an object ("it"
    continues the topic); "A drives B" and "B is driven by A" differ in the relation only."""
    first = arg.head if arg.head is not None else (arg.window or (None,))[0]
    if first is None:
        return ("subject", "object")[default]
    return "subject" if first < cue[0] else "object"


def _concept_verbs(engine: Engine, analysed: list[_Analysed], pos: int
                   ) -> list[tuple[Claim, tuple[int, int]]]:
    """A concept named by a verb is the outcome of what does it: "handlers are burnt out by
    the volume", "the rota burns people out"."""
    a = analysed[pos]
    out = []
    for found in [*a.found, *_separated(engine, a)]:
        verb = _verb_of(a.parsed, found)
        if verb is None or found.category not in ("Threat", "Outcome", "Condition"):
            continue  # "burnt out", "exhausted": states that happen to people
        if _cue_verb_here(engine, verb):
            continue  # "changes cost us trust": a cue verb, read by the constructions
        agents = [c for c in verb.children if c.dep_ == "agent"]
        causes = [g for c in agents for g in c.children if g.dep_ in ("pobj", "pcomp")]
        if not causes and any(c.dep_ == "dobj" for c in verb.children) and not _experienced(
                engine, verb, found):
            causes = [c for c in verb.children if c.dep_ in ("nsubj", "csubj")]
        if not causes or causes[0].lower_ in _PERSONAL:
            continue
        arg = syntax.Arg(causes[0].i)
        span = (found.start, found.end)
        cause = _side(engine, analysed, pos, arg, "object", found.iri, span)
        if cause is None or cause.iri == found.iri:
            continue
        link = syntax.Link("isConsequenceOf", syntax.Arg(verb.i), arg, span, "concept-verb", 0.7,
                           _denied_here(verb), syntax.is_hedged(verb))
        out += _parse_claims_for(engine, a, link, _Side(found.iri, "", False), cause)
    return out


def _denied_here(verb: Any) -> bool:
    """A verb negated, or the clause it heads in a negated pseudo-cleft ("what burns people
    out isn't death")."""
    return syntax.is_negated(verb) or (verb.dep_ == "csubj" and verb.head.lemma_ == "be"
                                       and syntax.is_negated(verb.head))


def _causatives(engine: Engine, analysed: list[_Analysed], pos: int
                ) -> list[tuple[Claim, tuple[int, int]]]:
    """What makes people do a concept's action (lg:causativeLabel): "what keeps nurses here is
    feeling valued" (recognition enables staff retention), "the charting drives them out"."""
    a = analysed[pos]
    out: list[tuple[Claim, tuple[int, int]]] = []
    for verb in a.parsed if a.parsed is not None and engine.causatives else ():
        caused = _caused(engine, a, verb)
        lost_to = _lost_to(engine, a, verb)
        subjects = lost_to or [c for c in verb.children if c.dep_ in ("nsubj", "csubj")]
        if caused is None or not subjects or (subjects[0].lower_ in _PERSONAL and not (
                lost_to or (a.question and _asked_how(subjects[0])))):
            continue  # "we lose them": who loses them names the concept (_kept), no cause
        (iri, opposite), people = caused
        span = (verb.i, verb.i + 1)
        cause = _side(engine, analysed, pos, syntax.Arg(subjects[0].i), "subject", iri, span)
        if cause is None:
            continue
        link = syntax.Link("undermines" if opposite else "enables", syntax.Arg(subjects[0].i),
                           syntax.Arg(people.i), span, "causative-action", 0.7,
                           _denied_here(verb), syntax.is_hedged(verb))
        made = _parse_claims_for(engine, a, link, cause, _Side(iri, "", False))
        out += [(_answered(c, cause.answer), cue) for c, cue in made] if cause.answer else made
    return out


def _lost_to(engine: Engine, a: _Analysed, verb: Any) -> list[Any]:
    """What people are lost to, which is what takes them ("we lose nurses to burnout", "the
    trust loses staff to the agencies"), when it is not people; else nothing."""
    if verb.lemma_.lower() != "lose":
        return []
    return [x for c in verb.children if c.dep_ == "prep" and c.lower_ == "to"
            for x in c.children if x.dep_ in ("pobj", "pcomp") and (
                x.lower_ == "them" or not _person(engine, a, x))]  # "to them": the agencies


def _caused(engine: Engine, a: _Analysed, verb: Any) -> tuple[tuple[str, bool], Any] | None:
    """The concept (and whether its opposite) a causative verb makes people act out, and the
    people it does it to (lg:causativeLabel): "keeps nurses", "drives them out"; None for
    people kept in a state or a place."""
    hit = engine.causatives.get(" ".join(_with_particles(verb, _AWAY)))  # "drives them away"
    public = hit is not None and hit[0] in engine.public  # "the fees keep mothers away"
    people = [c for c in verb.children if c.dep_ == "dobj" and (
        _person(engine, a, syntax.quantified(c)) or (public and _lay(engine, c)))]
    if hit is None or verb.pos_ != "VERB" or not people or _elsewhere(verb, hit) or any(
            c.dep_ == "amod" and c.i > people[0].i for c in people[0].children):
        return None  # "keeps a lot of nurses quiet": a state
    return hit, people[0]


def _elsewhere(verb: Any, hit: tuple[str, bool]) -> bool:
    """People kept in a state or a place, not kept on ("keeps them safe", "keeps us from going
    cynical", "keeps them on the sofa"); lost or driven out, they are lost wherever to."""
    return any(not _at_work(c) and not syntax.idiom(c) and (
        c.dep_ in _CAUSED_STATES or (c.lower_ in _NOT_KEPT and c.dep_ != "prt" and not (
            hit[1] and c.dep_ in ("advmod", "prep")))  # "drives them away": its particle;
        #                                          "lost two in a year": wherever, whenever
        or (c.dep_ == "prep" and not hit[1])) for c in verb.children)


def _at_work(prep: Any) -> bool:
    """ "in the profession", "in post", "on the team", "with us": where people are kept on."""
    return any(c.dep_ == "pobj" and (
        (prep.lower_ in ("in", "on") and c.lemma_.lower() in _WORKPLACES)
        or (prep.lower_ == "with" and c.lower_ in ("us", "me"))) for c in prep.children)


_WORKPLACES = frozenset({"profession", "job", "post", "service", "team", "nursing", "role",
                         "work", "organisation", "organization", "specialty", "career"})


_CAUSED_STATES = frozenset({"acomp", "oprd", "xcomp", "ccomp"})
_NOT_KEPT = frozenset({"from", "out", "off", "at", "away", "in", "safe", "alive", "going",
                       "well"})


def _agent_states(engine: Engine, analysed: list[_Analysed], pos: int
                  ) -> list[tuple[Claim, tuple[int, int]]]:
    """A state named by an adjective of those who act is the cause of what they do: "tired
    people make mistakes" (error is a consequence of fatigue); "frightened staff don't report
    incidents" (fear undermines incident reporting)."""
    a = analysed[pos]
    out = []
    for found in a.found:
        if a.parsed is None or found.category == "Role":
            continue
        adjective = a.parsed[found.start]  # "tired people", or the label "engaged staff"
        agent = _stated_agent(a, found, adjective)
        if agent is None or (adjective.dep_ == "amod" and found.category not in _STATES):
            continue
        verb = agent.head
        if agent.dep_ != "nsubj" or verb.pos_ != "VERB" or (
                verb.i in a.covered) or _signed_verb(engine, verb):
            continue  # "unsafe staffing leads to": the cue's reading; "loses count": a sign
        done = [c for c in verb.children if c.dep_ == "dobj"]
        span = (verb.i, verb.i + 1)
        if done:
            effect = _named_by_verb(a, verb) or _side(
                engine, analysed, pos, syntax.Arg(done[0].i), "object", found.iri, span)
        elif adjective.tag_ in ("JJ", "VBN"):  # "stressed staff leave"; not "Blame shuts
            effect = _named_by_verb(a, verb) or _acted(engine, a, verb)  # reporting down"
        else:
            continue
        if effect is None:
            continue  # "stressed staff go home": what they do names no concept
        if syntax.is_negated(verb):  # "don't report incidents": fewer reports
            effect = replace(effect, direction="absent")
        state = _Side(found.iri, "less" if found.opposite else "", False)
        hedged = syntax.is_hedged(verb)
        outcome = syntax.Arg(done[0].i if done else verb.i)
        if found.category == "Threat":  # a harm causes; a good state enables
            link = syntax.Link("isConsequenceOf", outcome, syntax.Arg(adjective.i),
                               span, "agent-state", 0.7, False, hedged)
            out += _parse_claims_for(engine, a, link, effect, state)
        else:
            link = syntax.Link("enables", syntax.Arg(adjective.i), outcome,
                               span, "agent-state", 0.7, False, hedged)
            out += _parse_claims_for(engine, a, link, state, effect)
    return out


_STATES = frozenset({"Threat", "Outcome", "Condition"})


def _stated_agent(a: _Analysed, found: _Found, word: Any) -> Any:
    """Who a state is said of: the noun an adjective modifies ("tired people") or the noun of a
    relative clause of feeling or being ("people who feel valued", "staff who are scared")."""
    if word.dep_ == "amod" and found.end - 1 <= word.head.i <= found.end:
        return word.head
    verb = word.head if word.dep_ in ("acomp", "oprd") else word
    if verb.dep_ == "relcl" and verb.lemma_ in ("feel", "be", "get") and any(
            c.dep_ == "nsubj" and c.lower_ in ("who", "that") for c in verb.children):
        return verb.head
    return None


def _signed_verb(engine: Engine, verb: Any) -> bool:
    """A verb that turns its object's sign ("stops antibiotics", "loses count")."""
    lemma = verb.lemma_.lower()
    return engine.lexicon is not None and (lemma in engine.lexicon.polar_words or any(
        c.relation == "undermines" and not c.with_
        for word_class in ("verb", "causative") for c in engine.lexicon.lookup(word_class, lemma)))


def _named_by_verb(a: _Analysed, verb: Any) -> _Side | None:
    """The concept a verb phrase names with its verb ("report incidents")."""
    named = [f for f in a.found if f.start <= verb.i < f.end]
    return _Side(named[0].iri, "", False) if named else None


def _experienced(engine: Engine, verb: Any, found: _Found) -> bool:
    """A verb that is its concept's own word ("families trust us", "staff fear it") has the
    one who feels it as its subject, not a cause; "the rota exhausts everyone" has a cause."""
    concept = engine.codebook.concepts.get(found.iri)
    labels = (concept.label, *concept.alt_labels) if concept else ()
    return verb.lemma_.lower() in {label.lower() for label in labels}


_PERSONAL = frozenset({"i", "we", "you", "he", "she", "they", "me", "us", "them", "people"})


def _cue_verb_here(engine: Engine, verb: Any) -> bool:
    """A cue verb as used here: "wears us down" is one, "wears us out" is not (it names
    burnout)."""
    if engine.lexicon is None:
        return False
    particles = {c.lower_ for c in verb.children if c.dep_ in ("prt", "advmod")}
    return any(not e.with_ or particles.intersection(e.with_)
               for e in engine.lexicon.lookup("verb", verb.lemma_.lower()))


def _separated(engine: Engine, a: _Analysed) -> list[_Found]:
    """Concepts named by a phrasal verb with its object between verb and particle ("burns
    people out", "wears them down"), which the label matchers cannot see."""
    out = []
    for particle in a.parsed:
        verb = particle.head
        if particle.dep_ != "prt" or particle.i == verb.i + 1:
            continue
        iri = engine.by_lemmas.get(f"{verb.lemma_.lower()} {particle.lower_}")
        if iri is not None:
            out.append(_Found(iri, verb.i, verb.i + 1, engine.codebook.concepts[iri].category))
    return out


def _verb_of(doc: Any, found: _Found) -> Any:
    """The verb that names a concept on its own ("burnt out", "demoralised"), if any."""
    if doc is None:
        return None
    heads = [t for t in doc[found.start : found.end]
             if t.head.i == t.i or not found.start <= t.head.i < found.end]
    if len(heads) != 1 or heads[0].pos_ != "VERB" or (
            heads[0].tag_ == "VBG" and not any(c.dep_ == "aux" for c in heads[0].children)):
        return None  # "burning out" names a state; "the rota is burning us out", a cause
    return heads[0]


def _links(engine: Engine, a: _Analysed) -> list[syntax.Link]:
    """What the parse of a sentence links, read once: a cue the parse read, even to no
    concept, is not read again from the words around it."""
    if a.links is None:
        a.links = []
        if a.parsed is not None and engine.lexicon is not None:
            lemmas = [t.lemma_.lower() or t.lower_ for t in a.doc]
            a.links = syntax.links(a.parsed, engine.dependencies, engine.lexicon, lemmas)
    return a.links


def _coordinated(a: _Analysed, arg: syntax.Arg, side: _Side) -> list[_Side]:
    """Concepts joined by "and" (or a comma) to a window's subject: "A and B erode C"."""
    if arg.window is None or side.anaphoric:
        return []
    chosen = [f for f in a.found if f.iri == side.iri and f.end <= arg.window[1]]
    if not chosen:
        return []
    out, current = [], chosen[-1]
    while current.start >= 2 and a.doc[current.start - 1].lower_ in ("and", "or", ","):
        before = [f for f in a.found if f.end == current.start - 1]
        if not before:
            break
        current = before[0]
        out.append(_Side(current.iri, "", False))
    return out


def _parse_claims_for(
    engine: Engine, a: _Analysed, link: syntax.Link, subject: _Side, obj: _Side
) -> list[tuple[Claim, tuple[int, int]]]:
    if _same_thing(subject.iri, obj.iri) or (
            link.rule in ("share-of-that", "did-that") and not subject.direction):
        return []  # "part of that was X", "X did that" put a change down to X, not a thing's
        #            make-up or an opinion ("you can't blame them")
    if link.remedy and (_harmful(engine, obj.iri) or obj.direction in ("less", "absent") or (
            obj.anaphoric and link.rule == "verb-object")):  # "what fixed it?": the trouble
        link = replace(link, relation="undermines")  # "debriefs help with the stress", "the
        #                                             huddle fixed the communication problems"
    elided = any(x.head is None and x.window is None and x.pair is None
                 for x in (link.subject, link.object))  # "Planned maintenance. Cuts breakdowns."
    loose = link.rule.startswith("cue-") and not (
        link.rule == "cue-preposition" and link.relation == "requires"  # "no A without B"
    ) and not (link.rule == "cue-verb-words" and elided)
    if link.relation == "combinesWith" and subject.direction in ("less", "more") and (
            a.parsed is not None and a.parsed[link.cue[0]].lemma_ in _ACCOMPANYING):
        link = replace(link, relation="isConsequenceOf")  # "the erosion of trust came with the
        #                                                   restructuring": what brought it
    if link.relation == "isPartOf" and _is_provisional(obj.iri) and link.object.head is not None \
            and syntax.measure(a.parsed[link.cue[0]], a.parsed[link.object.head]):
        return []  # "a glucometer without strips is a piece of plastic": what it is made of
    if link.named and _is_provisional(obj.iri):
        return []  # "the council gave us a solar panel": a thing handed over, not a concept
    if _is_provisional(subject.iri) and _is_provisional(obj.iri) and loose and not (
            subject.state or obj.state or _introduced_change(a, link, subject, obj)):
        return []  # two open concepts only where the parse links them directly, or where
        #            one is the state a clause puts people in
    if link.rule in ("cue-subordinator", "cue-coordinator") and (
        subject.anaphoric or obj.anaphoric
    ) and not _introduced_change(a, link, subject, obj):
        return []  # both clauses of "A because B", both sides of "A, not B" name their concepts;
        #            but "since we opened it, amputations have come down" names the clinic
    provisional = _is_provisional(subject.iri) or _is_provisional(obj.iri)
    if link.rule == "cue-coordinator" and provisional:
        return []  # "from role models, not from lectures": a contrast only between concepts
    kinds = link.rule == "negated-identity" and _role(engine, subject.iri) and _role(
        engine, obj.iri)  # "a donor isn't a patient": two kinds of people
    needed = link.rule == "cue-preposition" and link.relation == "requires"  # "without a nurse"
    if link.rule in _LOOSE and link.rule != "coordination-both" and not (kinds or needed) and any(
            _role(engine, x.iri) and x.direction in ("", "absent")
                                   and not _existential(a, arg)
                                   for x, arg in ((subject, link.subject), (obj, link.object))):
        return []  # "if a nurse tells you ...": who acts, not how many ("if staffing drops");
        #            "only if there's a nurse" says one is there
    if link.rule == "cue-discourse" and (provisional or any(
            _crowded(a, arg) for arg in (link.subject, link.object))):
        return []  # "..., which is why B": a clause of several concepts says which it is about
        #            by its syntax, which a window of words does not keep
    if link.rule == "negated-identity" and subject.anaphoric:
        return []  # "it's not an audit, it's a conversation": what "it" is, not a concept
    if link.rule == "negated-identity" and _is_provisional(obj.iri) and not _same_kind(
        engine, a, subject.iri, obj.iri
    ) and _described(a, link.object) and _judging(engine, a, link.object):
        return []  # "rest isn't a luxury" denies a judgement; "flow isn't throughput" a name
    if link.rule == "cue-subordinator" and link.relation in ("enables", "isConsequenceOf") and any(
        _is_provisional(x.iri) and not x.state and not (x.direction and _harmful(engine, x.iri))
        for x in (subject, obj)
    ) and not ({subject.direction, obj.direction} <= {"less", "more"} and not any(
            _role(engine, x.iri) for x in (subject, obj))) and not _introduced_change(
            a, link, subject, obj):
        return []  # "if A, B", "B because A" are loose: only between codebook concepts, or
        #            a harm the clause says changes ("once people trusted us, the complaints
        #            stopped"), or where both clauses say what changes ("when the tablets run
        #            out, trust runs out")
    anaphors = subject.anaphoric + obj.anaphoric + _is_provisional(subject.iri + obj.iri)
    start, end = a.offsets(*link.cue)
    claim = Claim(
        subject=subject.iri,
        relation=link.relation,
        object=obj.iri,
        speaker=a.speaker,
        rule=link.rule,
        evidence=_evidence(a),
        negated=link.negated,
        hedged=link.hedged,
        confidence=round(link.confidence * ANTECEDENT_PENALTY**anaphors, 3),
        cue=a.sentence.text[start - a.sentence.start : end - a.sentence.start],
        subject_direction=subject.direction,
        object_direction=obj.direction,
    )
    return [(claim, link.cue)]


_ACCOMPANYING = frozenset({"come", "accompany"})  # a change that came with A: A brought it
_LOOSE = frozenset({"cue-subordinator", "cue-coordinator", "cue-discourse", "cue-preposition",
                    "coordination-both", "negated-identity"})


def _crowded(a: _Analysed, arg: syntax.Arg) -> bool:
    """A window of words naming more than one concept."""
    if arg.window is None:
        return False
    start, end = arg.window
    return len({f.iri for f in a.found if start <= f.start and f.end <= end}) > 1


def _arg_head(a: _Analysed, arg: syntax.Arg) -> Any:
    """The parsed token an argument is headed by, or None (a window, or no parse)."""
    return a.parsed[arg.head] if arg.head is not None and a.parsed is not None else None


def _judging(engine: Engine, a: _Analysed, arg: syntax.Arg) -> bool:
    """An argument that judges rather than names a kind: "a luxury", "an optional extra", "a
    cheaper version"; or one the parse does not place."""
    head = _arg_head(a, arg)
    words = engine.lexicon.judgements if engine.lexicon is not None else frozenset()
    return head is None or head.lemma_.lower() in words or any(
        c.dep_ == "amod" and (c.lemma_.lower() in words or c.tag_ in ("JJR", "JJS"))
        for c in head.children)


def _described(a: _Analysed, arg: syntax.Arg) -> bool:
    """An argument that is "a" something: a description, not the name of a thing."""
    head = _arg_head(a, arg)
    return head is None or any(c.lower_ in ("a", "an") for c in head.children)


def _same_kind(engine: Engine, a: _Analysed, first: str, second: str) -> bool:
    """Two concepts whose labels end in the same word: two kinds of one thing."""
    labels = {iri: label for iri, label, _, _ in a.provisional}
    for iri in (first, second):
        concept = engine.codebook.concepts.get(iri)
        if concept is not None:
            labels[iri] = concept.label
    heads = {labels.get(iri, "").rsplit(" ", 1)[-1] for iri in (first, second)}
    return len(heads) == 1 and "" not in heads


def _category(engine: Engine, iri: str) -> str:
    concept = engine.codebook.concepts.get(iri)
    return concept.category if concept else ""


def _happening(link: syntax.Link, subject: _Side, obj: _Side
               ) -> tuple[syntax.Link, _Side, _Side]:
    """Sides of clauses said not to happen ("because nurses don't report"): absent, or less of
    what would go up; where a side already goes down or is absent ("nurses don't leave
    because of the pay"), the negation denies the relation instead."""
    sides = []
    for arg, side in ((link.subject, subject), (link.object, obj)):
        if arg.denied and side.direction in ("less", "absent"):
            return replace(link, negated=True), subject, obj
        if arg.denied:
            side = replace(side, direction="less" if side.direction == "more" else "absent")
        sides.append(side)
    return link, sides[0], sides[1]


def _judgement(engine: Engine, arg: syntax.Arg, side: _Side) -> _Side:
    """A side a causative made worse or better: more of a harm or less of a good when worse
    ("makes the breathlessness worse"), the other way round when better."""
    if not arg.judged:
        return side
    if arg.judged in ("more", "less"):
        return replace(side, direction=arg.judged)
    worse = arg.judged == "worse"
    return replace(side, direction="more" if worse == _harmful(engine, side.iri) else "less")


def _harmful(engine: Engine, iri: str) -> bool:
    """A harm: a codebook concept marked lg:harmful, or a new concept whose head is a harm."""
    concept = engine.codebook.concepts.get(iri)
    if concept is not None:
        return concept.harmful
    return _named_by(engine, iri, "harms")


def _not_a_relation(engine: Engine, claim: Claim) -> bool:
    """A claim that tells who acted ("the board cut the rate"; but "more nurses" is a concept's
    change, and "not from the nurses" a denial), what lay people need or undergo ("the patient
    needs a bed"; but "the virtual ward needs carers" and a denial are kept), or where
    something started ("the plan came from the district office")."""
    sides = ((claim.subject, claim.subject_direction), (claim.object, claim.object_direction))
    if claim.relation in _CAUSAL and not claim.negated and any(
            _role(engine, iri) and not d for iri, d in sides):
        return True
    if claim.relation != "isPartOf" and not claim.negated and any(
            _named_by(engine, iri, "people") and not d and not _named_for_a_deed(iri)
            for iri, d in sides[_PEOPLE_SIDES.get(claim.relation, slice(None))]):
        return True
    return claim.relation == "isConsequenceOf" and not (
        claim.object_direction or claim.subject_direction or claim.negated
    ) and _named_by(engine, claim.object, "places")  # a change is not where a thing came from


# The sides of a relation where lay people are no concept: what they need ("the patient needs a
# bed": the subject of requires), what they undergo (the object of enables and undermines; their
# presence can act: "having families on the round has done a lot for communication").
_PEOPLE_SIDES = {"requires": slice(0, 1), "enables": slice(1, 2), "undermines": slice(1, 2)}


def _named_for_a_deed(iri: str) -> bool:
    """A new concept named for a deed ("moving-confused-patient")."""
    return _iri_words(iri)[0].endswith("ing")


def _named_by(engine: Engine, iri: str, kind: str) -> bool:
    """A new concept whose last word is in the lexicon's list `kind` ("people", "places")."""
    words = getattr(engine.lexicon, kind) if engine.lexicon is not None else frozenset()
    return _is_provisional(iri) and _iri_words(iri)[-1] in words


def _role(engine: Engine, iri: str) -> bool:
    return _category(engine, iri) == "Role"


def _depth(token: Any) -> int:
    depth = 0
    while token.head.i != token.i and depth < 100:
        token, depth = token.head, depth + 1
    return depth


def _side(
    engine: Engine,
    analysed: list[_Analysed],
    pos: int,
    arg: syntax.Arg,
    role: str,
    exclude: str | None,
    cue: tuple[int, int],
) -> _Side | None:
    """The concept an argument names: a codebook concept inside it (the head's first, else the
    one nearest the root), else a provisional one from its head noun phrase; a pronoun, or a
    discourse marker opening the sentence, points back to the previous sentences."""
    a = analysed[pos]
    doc = a.parsed
    if arg.pair is not None:
        pair = _pair(engine, analysed, pos, arg.window, cue)
        return _Side(pair[arg.pair], "", True) if pair else None
    if arg.previous:  # "Morale collapsed. Mostly because of the rota.": that clause
        before = _before(analysed, pos)
        root = before.root if before is not None else None
        if root is None:
            return None
        return _side(engine, analysed, pos - 1, syntax.Arg(root.i), role, exclude, (0, 0))
    if arg.head is None and arg.window is None:  # "That's why B": the sentence just before
        iri = _antecedent(engine, analysed, pos, role, exclude, reach=1)
        return _Side(iri, _told_direction(engine, analysed, pos, iri), True) if iri else None
    event = None
    if arg.window is not None:
        tokens = set(range(*arg.window))
        head = None
    else:
        head = _whole_of(_needed(_ability(_quantified(doc[arg.head]))))
        if _taken_time(head):  # "culture change takes years": time
            return _Side(_provisional_named(a, "time", head.i, head.i + 1), "", False)
        explained = _explained(head)
        if explained is not None:  # "when humour goes, it's because...": humour going
            return _side(engine, analysed, pos, replace(arg, head=explained.i), role, exclude, cue)
        listed = _enumerated(engine, analysed, pos, head, exclude)
        if listed is not None:  # "Three things kept people going. Food, first. ..."
            return listed
        if head.dep_ == "acl" and head.i != arg.head:  # "the need to hold children down"
            return _Side(_provisional(a, *_deed_phrase(engine, head)), "", False)
        ready = syntax.prone(head) if arg.result else None
        if ready is not None:  # "makes staff more likely to report": the reporting, more
            deed = replace(arg, head=ready[0].i,
                           exclude=arg.exclude - {t.i for t in ready[0].subtree})
            side = _side(engine, analysed, pos, deed, role, exclude, cue)
            return replace(side, direction=ready[1]) if side and not side.direction else side
        if any(c.dep_ == "relcl" and c.i <= cue[0] < c.right_edge.i + 1 for c in head.children):
            head = _identified(head) or head  # "the thing that kills B is A"
        purpose = _enough(head)
        if purpose is not head:  # the state's own words are not what it is enough for
            head, arg = purpose, replace(arg, exclude=frozenset())
        phase = syntax.phased(head) if arg.result or head.pos_ == "VERB" else None
        if phase is not None and not arg.result and phase[0].lemma_ in _UNSAID_DEEDS:
            phase = None  # "since we started doing it properly": what is done is not said;
            #               "stopped telling me about mistakes" is read below
        if phase is not None:  # "made me stop asking": the asking, less
            side = _side(engine, analysed, pos, replace(arg, head=phase[0].i, result=False),
                         role, exclude, cue) or _Side(
                _provisional(a, *_deed_phrase(engine, phase[0])), "", False)
            return replace(side, direction=phase[1]) if not side.direction else side
        direction, marked = _marked(engine, head) if arg.keep_polarity else ("", head)
        if direction and _person(engine, a, head) and any(
                c.dep_ == "amod" and c.lower_ in _QUALITIES for c in head.children):
            direction = ""  # "bad staff", "poor nurses": what the people are like, not how many
        if marked is not head and any(f.start <= head.i < f.end and f.start <= marked.i < f.end
                                      for f in a.found):
            direction = ""  # "lack of trust" is trust, less, unless a label names it (mistrust)
        else:
            head = marked
        if arg.keep_polarity and not direction:
            told = syntax.phased(head)
            if told is not None and told[0].lemma_ in _TELLING:  # "stopped telling me about
                return _Side(_provisional(a, *_deed_phrase(engine, told[0])), told[1], False)
                #                                   their mistakes": the telling, not mistakes
            direction = _changing(engine, head, a)
        if arg.keep_polarity and not direction and head.tag_ == "VBG" and any(
                c.dep_ == "neg" for c in head.children):
            direction = "absent"  # "harm comes from not listening to families"
        changed = _changed_thing(engine, a, head, arg) if direction else None
        if changed is not None:  # "helped waiting times come down": the waiting times, less
            named = [f.iri for f in a.found if f.start <= changed.i < f.end and f.iri != exclude]
            side = _Side(named[0], "", False) if named else _side(
                engine, analysed, pos, syntax.Arg(changed.i), role, exclude, cue)
            return replace(side, direction=direction) if side and not side.direction else side
        event = _event(head)
        if event is not None and any(f.start <= head.i and event.i < f.end for f in a.found):
            event = None  # "incident reporting": one label the parse split
        head = event or head
        if arg.keep_polarity and not direction and (_not_there(head) or (
                event is not None and any(c.dep_ == "neg" for c in event.children))):
            direction = "absent"  # "because of managers not listening", "the kit not being
            #                       there"
        tokens = {t.i for t in head.subtree} - arg.exclude - set(range(*cue))
        acted = _acted(engine, a, head) or (_troubled(engine, a, head) if arg.keep_polarity
                                            else None) or _felt(engine, a, head, arg.condition)
        if acted is not None:  # "nurses leave because of the rota": less staff retention
            return acted
    inside = [
        f for f in a.found if f.iri != exclude and (all(i in tokens for i in range(f.start, f.end))
                                                    or _holds(f, head))
    ]
    if inside and head is not None and _names_itself(engine, _subject_of(head) or head, inside):
        inside = []  # "violence against crews": the head, not what it is against; "the back
        #              pain of the nurses goes down": the pain
    if head is not None and direction in ("", "absent") and (
            _doing(engine, head, inside) or (arg.result and _done_with(engine, head, inside))
            or (arg.condition and _done_by(engine, head, inside))):
        return _Side(_provisional(a, *_deed_phrase(engine, head)), direction, False)
    if arg.window is not None and arg.window[1] <= cue[0]:
        lead = _leading_noun(engine, doc, arg.window, inside)
        if lead is not None:
            return _Side(_provisional(a, lead, lead + 1), "", False)
    if inside:
        chosen = _salient(doc, inside, head, arg.window, cue)
        narrower = _narrower(engine, head, chosen, a.found) if head is not None else None
        if narrower is None and head is not None:  # "a clinical safety review" is a review
            narrower = _modified(engine, a, head, chosen)
        if narrower is not None:  # "positive behaviour support" is not support in general
            return _Side(_provisional(a, *narrower), direction, False)
        deed = _deed(engine, head, chosen) if head is not None else None
        if deed is not None:  # "because the partners thank them": the thanking, not partners
            particle = [c for c in deed.rights if c.dep_ == "prt" and c.i == deed.i + 1]
            return _Side(_provisional(a, deed.i, deed.i + 1 + len(particle)), "", False)
        specific = _specific_role(engine, a, chosen, head)
        if specific:
            return _Side(specific, direction, False)
        if head is None:
            direction = _window_direction(engine, doc, chosen.start, arg.window[0]) or _told_change(
                engine, a, chosen, cue)
        elif not (direction or arg.denied) and arg.keep_polarity and _undone(
                doc[chosen.start], head):
            direction = "absent"  # "because of the feeling that nobody notices them"
        ended = _ended(engine, head) if head is not None and not direction else None
        if ended is not None and ended.left_edge.i <= chosen.start <= ended.right_edge.i:
            direction = "absent"  # "when we stopped the blame": no more blame
        if head is not None and not direction and arg.keep_polarity and not _role(
                engine, chosen.iri):
            direction = _predicated(engine, head, doc[chosen.end - 1])  # not "the manager goes"
        elif direction in ("less", "more") and head is not None and head.tag_ == "VBG" and (
                chosen.start <= head.i < chosen.end - 1):
            direction = ""  # "cutting corners" names at-risk behaviour, not less of corners
        elif direction and _category(engine, chosen.iri) == "Threat" and _marked_inside(
                engine, doc[chosen.end - 1], (chosen.start, chosen.end)):
            direction = ""  # "low trust" names mistrust, a threat: the mark is its own
        if chosen.opposite:  # "reduces turnover": less turnover is more retention
            direction = {"": "less", "more": "less"}.get(direction, "more")
        return _Side(chosen.iri, direction, False)
    if head is not None and head.lower_ in _RELATIVE and head.dep_ in _RELATIVE_DEPS:
        target = _relative_target(head)  # "it's the isolation that leads to burnout"
        if target is not None:
            clause = head.head.head if head.dep_ == "pobj" else head.head
            inner = {t.i for t in clause.subtree} - {target.i}
            return _side(engine, analysed, pos, syntax.Arg(target.i, frozenset(inner)), role,
                         exclude, cue)
    if head is not None and a.question and (head.lower_ in _WH or _asked_how(head)):
        answer = _reply(engine, analysed, pos)  # "What erodes morale?", "How do you build trust?"
        iri = _filler(engine, answer, exclude) if answer is not None else None
        return _Side(iri, direction, True, answer) if iri else None
    words = [doc[i] for i in sorted(tokens)]
    pronouns = [t for t in words[:3] if (t.lower_ in engine.rules.pronouns or t.lower_ in _THEY
                                         or _then(t))
                and not _determiner(t, head) and not _done_to(t, head)]  # "this job" names a job
    if pronouns and (pronouns[0].lower_ in _DEMONSTRATIVES or _then(pronouns[0])):
        changed = _change_before(engine, analysed, pos, pronouns[0], role, exclude)
        if changed is not None:  # "falls dropped by half, and I put that down to the rounds"
            return replace(changed, anaphoric=True)
    if pronouns:
        singular = pronouns[0].lower_ not in _THEY  # "they" is mostly people
        earlier = _left_dislocated(engine, a, pronouns[0], exclude) or ((
            _right_dislocated(engine, a, pronouns[0], exclude)
            or _earlier_in_sentence(engine, a, pronouns[0], exclude)) if singular
            else _earlier_plural(a, pronouns[0], exclude))
        said = "that" if _then(pronouns[0]) else pronouns[0].lower_
        iri = earlier or _antecedent(engine, analysed, pos, role, exclude, pronoun=said) or (
            _next_fragment(engine, analysed, pos, exclude)
            if pronouns[0].lower_ in _DEMONSTRATIVES else None)
        return _Side(iri, "" if head is None else direction, True) if iri else None
    if head is None:
        run = _window_phrase(engine, doc, arg.window, arg.window[1] <= cue[0])
        if run is None:
            return None
        return _Side(_provisional(a, *run), _window_direction(engine, doc, run[0]), False)
    if event is not None and event.lemma_ in _LIGHT_HAVE:  # "hospitals having no beds"
        held = [c for c in event.children if c.dep_ in ("dobj", "attr")]
        side = _side(engine, analysed, pos, syntax.Arg(held[0].i), role, exclude, cue) if (
            held) else None
        if side is not None and not side.direction and direction == "absent":
            side = replace(side, direction="absent")  # "hospitals not having beds"
        return side  # "wards not having the patient ready": not "having"
    if event is not None:  # "nurses skipping checks": the skipping of checks
        return _Side(_provisional(a, *_deed_phrase(engine, event)), direction, False)
    if head is not None and _able(head):  # "you can't lead here without trust": leading
        return _Side(_provisional(a, *_deed_phrase(engine, head)), direction, False)
    if head is not None and _clause(head):  # a clause: what it is about
        verb, head = head, _clause_topic(head, arg)
        done = _people_doing(engine, verb, head)
        if done is not None:  # "if people keep coming": the coming
            return _Side(_provisional(a, *_deed_phrase(engine, done)), direction, False)
        if head is not verb and arg.keep_polarity:
            marked, head = _marked(engine, head)
            denied = any(c.dep_ == "neg" for c in verb.children) and verb.lemma_ in _LIGHT_HAVE
            denied = denied or head is _ended(engine, verb)  # "we stopped the investigations"
            direction = "absent" if denied else marked or direction  # "not having enough staff"
    likened = _likened(head, cue) if head is not None else None
    if likened is not None:  # "self-scheduling is the glue that keeps them here"
        return _side(engine, analysed, pos, syntax.Arg(likened.i), role, exclude, cue)
    phrase = _head_phrase(engine, head, arg.result) if head is not None else None
    if phrase is None:
        return None
    if direction and _marked_inside(engine, head, phrase):
        direction = ""  # "missed sessions": the mark is part of the new concept's name
    stem = _negative_stem(engine, head) if phrase[1] - phrase[0] == 1 else None
    if stem is not None:  # "inconsistency" is less consistency
        return _Side(stem, {"": "less", "more": "less"}.get(direction, "more"), False)
    return _Side(_provisional(a, *phrase), direction, False)


def _explained(copula: Any) -> Any:
    """The clause that "it" or "that" before "is because" stands for when the sentence opens
    with it: "when humour goes, it's because...", "if they stay, it is because..."; or None."""
    if copula.lemma_ != "be" or not any(c.dep_ == "nsubj" and c.lower_ in ("it", "that")
                                        for c in copula.children):
        return None
    opening = [c for c in copula.children if c.dep_ == "advcl" and c.i < copula.i and any(
        m.dep_ in ("mark", "advmod") and m.lower_ in ("when", "if", "whenever")
        for m in c.children)]
    return opening[0] if opening else None


def _likened(noun: Any, cue: tuple[int, int]) -> Any:
    """What a noun the codebook does not name is said to be, when the cue is in the relative
    clause on it: "self-scheduling is the glue that keeps them here" (self-scheduling), "a
    clear rota is the backbone that holds the ward together"; None for a pronoun or a name."""
    copula = noun.head
    if noun.dep_ != "attr" or copula.lemma_ != "be" or not any(
            c.dep_ == "relcl" and c.i <= cue[0] <= c.right_edge.i for c in noun.children):
        return None
    subject = [c for c in copula.children if c.dep_ in ("nsubj", "csubj") and c.i < noun.i]
    return subject[0] if len(subject) == 1 and subject[0].pos_ in ("NOUN", "VERB") else None


def _predicated(engine: Engine, verb: Any, noun: Any) -> str:
    """The quantity a clause states of the concept it is about: "when trust is low", "when
    trust drops" (less), "if morale is high" (more), "when there's no trust" (absent)."""
    if noun.head.i != verb.i or any(c.dep_ == "neg" for c in verb.children):
        return ""
    if verb.lemma_ not in _LIGHT:  # "when trust drops", "if the learning goes"
        return syntax.changing(engine.lexicon, verb) if engine.lexicon is not None and (
            noun.dep_ in ("nsubj", "nsubjpass")) else ""
    if noun.dep_ in ("nsubj", "nsubjpass"):
        polarity = engine.lexicon.polarity if engine.lexicon else {}
        for state in (c for c in verb.children if c.dep_ == "acomp"):
            direction = syntax.mark_of(polarity, state, lemma=False)
            if direction and not any(c.dep_ == "prep" for c in state.children):
                return direction  # "trust is low", not "low on staff"
    if noun.dep_ == "attr" and any(c.dep_ == "expl" for c in verb.children):
        return _marked(engine, noun)[0]  # "there's no trust"
    return ""


def _people_doing(engine: Engine, verb: Any, topic: Any) -> Any:
    """The deed of a clause about people in general ("if people keep coming", "what gets staff
    to accept a no"): its verb, past one that says it goes on, when its subject is a word for
    people and no noun of it is the topic; None for a state ("people feel safe") or an
    opinion."""
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    if not subjects or topic not in (verb, subjects[0]) or not _lay(engine, subjects[0]):
        return None
    going = [c for c in verb.children if c.dep_ == "xcomp" and c.tag_ == "VBG"]
    done = going[0] if verb.lemma_ in _GOING_ON and going else verb
    lemma = done.lemma_.lower()
    bare = _LIGHT if done is not verb else _BARE_VERBS | _LIGHT  # "keep coming": the coming
    if done.pos_ != "VERB" or lemma in bare | syntax.OPINION_VERBS or (
            lemma in engine.cue_words and any(c.dep_ in ("dobj", "prep") for c in done.children)):
        return None  # "people come from far": a cue verb at work
    return done


_GOING_ON = frozenset({"keep", "start", "begin", "continue"})


def _lay(engine: Engine, noun: Any) -> bool:
    """A word for people that names no concept of its own: "people", "everyone", "patients"."""
    words = engine.lexicon.people if engine.lexicon is not None else frozenset()
    return noun.lower_ in _PEOPLE or noun.lemma_.lower() in words | _PEOPLE


def _ended(engine: Engine, verb: Any) -> Any:
    """The object of a clause whose verb says it ends ("we stopped the huddles"), or None."""
    if verb.pos_ != "VERB" or engine.lexicon is None or not any(
            c.ceases for c in engine.lexicon.lookup("verb", verb.lemma_.lower())):
        return None
    return next((c for c in verb.children if c.dep_ == "dobj"), None)


def _deed(engine: Engine, head: Any, chosen: _Found) -> Any:
    """The verb of a clause whose subject or object is only a role ("the partners thank them",
    "lets a nurse challenge a doctor"): what the people do is the concept, not who they are;
    "staffing drops" says how much of it there is."""
    if chosen.category != "Role" or not _clause(head) or head.lemma_ in _BARE_VERBS:
        return None
    if _changing(engine, head):
        return None
    people = [c for c in head.children if c.dep_ in ("nsubj", "dobj")]
    if not any(chosen.start <= c.i < chosen.end for c in people):
        return None
    return None if head.lemma_ in _LIGHT_HAVE else head


def _deed_phrase(engine: Engine, verb: Any) -> tuple[int, int]:
    """A gerund with its particle and its object ("skipping checks", "getting people up",
    "seeing the same nurse"), a passive one from its "being" ("being told off")."""
    start = _hyphenated(verb.doc, (_passive_gerund(verb) or verb).i)  # "self-rostering"
    apart = [c for c in verb.rights if c.dep_ == "prt" and c.i <= verb.i + 4]
    if apart and apart[0].i > verb.i + 1:
        return start, apart[0].i + 1
    end = verb.i + 1 + len([c for c in verb.rights if c.dep_ == "prt" and c.i == verb.i + 1])
    preps = [c for c in verb.rights if c.dep_ == "prep" and c.i == end]
    light = verb.lemma_ in _LIGHT | _LIGHT_HAVE and verb.lemma_ != "be" and bool(preps)
    partner = not light and bool(preps) and preps[0].lower_ in _PARTNERS and not any(
        c.dep_ == "dobj" for c in verb.children)  # "working with teachers", not "coping with"
    if light or partner:
        end += 1  # "looking after (the staff)"
    objects = [c for c in (preps[0] if end > verb.i + 1 and preps else verb).rights
               if c.dep_ in ("dobj", "pobj")]
    phrase = _head_phrase(engine, objects[0]) if objects else None
    joined = phrase is not None and all(  # "seeing the same coordinator"
        t.dep_ in ("det", "poss", "amod") and t.head.i == objects[0].i
        for t in verb.doc[end : phrase[0]])
    if phrase and joined:
        return start, phrase[1]
    return start, end - 1 if partner else end  # "working alongside (them)": no partner named


_PARTNERS = frozenset({"with", "to", "through", "alongside", "around", "round"})


def _narrower(engine: Engine, head: Any, chosen: _Found, found: list[_Found]
              ) -> tuple[int, int] | None:
    """The noun phrase of a head whose codebook concept ends at the head, when a noun before
    the concept makes it a narrower thing ("positive behaviour support", "line bundle",
    "trauma risk management")."""
    if chosen.end != head.i + 1 or head.pos_ not in ("NOUN", "PROPN") or chosen.start < 1:
        return None
    covered = {i for f in found for i in range(f.start, f.end)}
    word = head.doc[chosen.start - 1]
    if not (word.dep_ == "compound" and chosen.start <= word.head.i <= head.i
            and word.pos_ in ("NOUN", "PROPN") and word.i not in covered
            and word.lemma_.lower() not in engine.cue_words):
        return None  # not "erodes morale" with the verb read as a noun
    phrase = _head_phrase(engine, head)
    return phrase if phrase and phrase[0] < chosen.start else None


def _told_direction(engine: Engine, analysed: list[_Analysed], pos: int, iri: str) -> str:
    """The direction the sentence before gives the concept it is about ("There was no trust.
    That's why people stopped reporting.": trust, absent), read from its clause."""
    before = _before(analysed, pos)
    root = before.root if before is not None else None
    if root is None:
        return ""
    side = _side(engine, analysed, pos - 1, syntax.Arg(root.i), "object", None, (0, 0))
    if side is None or side.iri != iri:
        return ""
    if not side.direction and _named_at(before, root.i) == iri and (syntax.is_negated(root) or any(
            c.dep_ == "nsubj" and c.lower_ in _NOBODY for c in root.children)):
        return "absent"  # "Nobody listened to the nurses. That's why ...": no listening
    return side.direction


_NOBODY = frozenset({"nobody", "noone", "none"})


def _before(analysed: list[_Analysed], pos: int) -> _Analysed | None:
    """The sentence before the one at `pos`, when it is in the same turn."""
    return analysed[pos - 1] if pos > 0 and analysed[pos - 1].turn == analysed[pos].turn else None


def _then(token: Any) -> bool:
    """ "then" as what a time is counted from ("since then", "after then"): the event told
    before, as "that" is in "since that"."""
    return token.lower_ == "then" and token.dep_ in ("pcomp", "pobj") and token.head.lower_ in (
        "since", "after", "from")


def _modified(engine: Engine, a: _Analysed, head: Any, chosen: _Found) -> tuple[int, int] | None:
    """The noun phrase of a head that a codebook concept only modifies ("a safety review", "the
    staff meeting"): a thing of its own, unless the head is vague, a measure of the concept
    ("staffing levels"), its trouble, a person, or itself a concept or a cue."""
    word = head.doc[chosen.end - 1]
    if head.pos_ != "NOUN" or chosen.end > head.i or word.head.i != head.i or word.dep_ not in (
            "compound", "amod") or any(f.start <= head.i < f.end for f in a.found):
        return None
    lemma = head.lemma_.lower()
    if lemma in _VAGUE | _MEASURES | _TROUBLES or lemma in engine.cue_words or _lay(
            engine, head) or _worker(engine, head):
        return None
    phrase = _head_phrase(engine, head)
    return phrase if phrase and phrase[0] <= chosen.start else None


def _doing(engine: Engine, head: Any, inside: list[_Found]) -> bool:
    """A gerund as an argument, the deed it names being the concept ("cancelling on the day",
    "rushing discharges"); not a concept itself, nor a verb whose object is what it is about
    ("having my own patients", "relying on locums", "reducing restraint"), nor a gerund used
    as a noun ("lone working")."""
    return (head.dep_ in ("csubj", "nsubj", "pcomp", "pobj", "attr") and _deed_verb(engine, head)
            and not any(f.start <= head.i < f.end for f in inside))


def _done_with(engine: Engine, verb: Any, inside: list[_Found]) -> bool:
    """A bare verb that an outcome is, with an object ("makes people refuse the operation",
    "makes nurses hide their mistakes": the deed, not the thing it is done with) or none
    ("helped me cope with it"); not a light verb, nor one of amount ("makes people lose
    trust"), nor one a label names ("makes staff raise concerns")."""
    if verb.tag_ != "VB" or any(f.start <= verb.i < f.end for f in inside):
        return False
    if not any(c.dep_ in ("dobj", "ccomp", "xcomp", "acomp", "attr", "oprd", "dative")
               for c in verb.children):  # "helped me cope with it", "lets them rest"
        return _own_deed(engine, verb)
    return any(c.dep_ == "dobj" and c.pos_ in ("NOUN", "PROPN") for c in verb.children) and (
        _deed_with_object(engine, verb))


def _changed_thing(engine: Engine, a: _Analysed, verb: Any, arg: syntax.Arg) -> Any:
    """The subject an outcome left out as the people it happens to, when it is a thing that
    the outcome's verb says changes ("helped waiting times come down", "allows admissions to
    fall"), or None."""
    if not arg.result or verb.pos_ != "VERB" or not _changing(engine, verb):
        return None  # "makes the service less safe": the state is the outcome
    subjects = [c for c in verb.children if c.dep_ == "nsubj" and c.i in arg.exclude]
    return subjects[0] if subjects and subjects[0].pos_ in ("NOUN", "PROPN") and not _person(
        engine, a, subjects[0]) else None


def _undone(verb: Any, head: Any) -> bool:
    """A verb in a clause under an argument's head that says it does not happen ("the feeling
    that nobody notices them", "a ward where nobody reports")."""
    return verb.pos_ == "VERB" and verb.i != head.i and head in verb.ancestors and (
        syntax.said_not_to_happen(verb))


def _done_by(engine: Engine, verb: Any, inside: list[_Found]) -> bool:
    """A condition that something be done by someone ("escalation only works if the hospital
    answers the phone"): the deed is what is needed, not its doer; not when a concept names
    the deed or what it is done to ("only if managers fund training")."""
    if not _clause(verb) or not any(c.dep_ == "nsubj" and c.lower_ not in _PERSONAL
                                    for c in verb.children):
        return False
    done_to = {t.i for c in verb.children if c.dep_ in ("dobj", "prep", "prt", "advmod")
               for t in c.subtree} | {verb.i}
    return _deed_with_object(engine, verb) and verb.lemma_ not in syntax.OPINION_VERBS and not any(
        i in done_to for f in inside for i in range(f.start, f.end))


def _deed_with_object(engine: Engine, verb: Any) -> bool:
    """A verb that names a deed of its own whose deed phrase takes in what it is done to
    ("hide their mistakes", "answers the phone")."""
    return _own_deed(engine, verb) and _deed_phrase(engine, verb)[1] > verb.i + 1


def _own_deed(engine: Engine, verb: Any) -> bool:
    """A verb that names a deed of its own: not light, nor of amount, nor a cue."""
    return verb.lemma_.lower() not in (_BARE_VERBS | _LIGHT_HAVE | _THROUGH_VERBS
                                       | _polar_words(engine) | engine.cue_words)


def _deed_verb(engine: Engine, head: Any) -> bool:
    """A gerund that names a deed of its own, not its object's amount or presence."""
    lemma = head.lemma_.lower()
    polar = _polar_words(engine)
    light = lemma in _LIGHT_HAVE | _LIGHT and not any(
        c.dep_ == "prt" or (c.dep_ == "prep" and lemma != "be" and c.i == head.i + 1)
        for c in head.children)  # "looking after the staff", "getting on with it": deeds
    phrasal = any(c.dep_ == "prt" for c in head.children) and not any(
        c.dep_ == "dobj" for c in head.children)  # "taking over": a deed of its own
    return ((head.tag_ == "VBG" or _passive_gerund(head)) and not light
            and (lemma not in _THROUGH_VERBS or phrasal) and lemma not in polar
            and not any(c.dep_ in ("compound", "amod", "det", "poss") for c in head.lefts))


def _passive_gerund(verb: Any) -> Any:
    """The "being" of a passive gerund ("being told off", "being thanked"), or None."""
    being = [c for c in verb.lefts if c.dep_ == "auxpass" and c.lower_ == "being"]
    return being[0] if verb.tag_ == "VBN" and being else None


def _existential(a: _Analysed, arg: syntax.Arg) -> bool:
    """An argument that is a "there is" clause, or whose subject stays or turns up ("only if
    the surgeon stays", "if a consultant turns up"): it says who is present."""
    head = _arg_head(a, arg)
    if head is None:
        return False
    present = head.lemma_ in _PRESENCE and not any(
        c.dep_ in ("dobj", "ccomp", "xcomp") for c in head.children) and (
        head.lemma_ != "turn" or any(c.lower_ == "up" for c in head.children))
    had = head.lemma_ in ("have", "get") and any(  # "only if you've got a nurse"
        c.dep_ == "nsubj" and c.lower_ in _PERSONAL for c in head.children)
    return present or had or any(c.dep_ == "expl" for c in head.children)


_PRESENCE = frozenset({"stay", "remain", "attend", "turn"})


# verbs whose object, not the doing, is what a gerund argument is about
_THROUGH_VERBS = frozenset({"do", "make", "take", "rely", "depend", "lean", "count", "wait",
                            "involve", "include", "use", "reduce", "cut", "allocate", "employ",
                            "bring", "put", "keep", "pursue", "seek", "adopt", "practise",
                            "practice", "embrace"})


def _holds(found: _Found, head: Any) -> bool:
    """A codebook label starting at a noun head and running past its subtree, ending at a
    gerund hung on the noun before it, or ending at a compound whose words before it modify
    the same noun: the parse split the label ("builds the team spirit" with "spirit" read as a
    verb, "drives incident reporting underground", "a patient safety problem")."""
    if head is None:
        return False
    if head.dep_ == "acl" and head.tag_ == "VBG":
        return found.start < head.i < found.end
    if head.dep_ == "compound" and found.end == head.i + 1 and found.start < head.i:
        return all(t.head.i in (head.i, head.head.i) and t.dep_ in ("amod", "compound")
                   for t in head.doc[found.start : head.i])  # "a patient safety problem"
    if found.end == head.i + 1 and found.start < head.i and head.pos_ in ("NOUN", "PROPN"):
        return all(t.pos_ in ("NOUN", "PROPN", "ADJ") and t.dep_ in _STRAY_MODIFIERS
                   for t in head.doc[found.start : head.i])  # "a root cause analysis"
    return found.start == head.i and found.end > head.i + 1 and head.pos_ in ("NOUN", "PROPN")


_STRAY_MODIFIERS = frozenset({"compound", "amod", "dep", "nmod"})


def _able(verb: Any) -> bool:
    """A deed people can or cannot do, with no object ("you cannot lead here", "we couldn't
    recruit"): the deed is what the clause is about, not who does it."""
    return verb.pos_ == "VERB" and verb.lemma_.lower() not in _BARE_VERBS | _LIGHT | (
        syntax.OPINION_VERBS) and any(c.dep_ == "aux" and c.lemma_.lower() in ("can", "could")
                                      for c in verb.children) and any(
        c.dep_ == "nsubj" and c.lower_ in _PERSONAL for c in verb.children) and not any(
        c.dep_ in ("dobj", "attr", "acomp", "xcomp", "ccomp") for c in verb.children)


def _clause(head: Any) -> bool:
    """True when an argument's head is a verb heading a clause, not a noun the tagger misread."""
    return head.pos_ in ("VERB", "AUX") and not _misread_noun(head)


def _adjective_noun(token: Any) -> bool:
    """An adjective standing for people or a thing, with an article and in a noun's place ("a
    senior alongside you", "the elderly"); not "the same", "the other"."""
    placed = token.dep_ in _NOMINAL_DEPS or (token.dep_ == "conj" and token.head.dep_ in
                                              _NOMINAL_DEPS)
    return token.tag_ == "JJ" and placed and _determined(token) and (
        token.lower_ not in _NOT_NOUNS | _SIZES) and not any(
            c.pos_ in ("NOUN", "PROPN") and c.dep_ in ("compound", "amod") for c in token.children)


_NOT_NOUNS = frozenset({"same", "other", "former", "latter", "whole", "next", "last", "first",
                        "only", "right", "wrong", "good", "bad", "new", "old", "real", "main",
                        "opposite", "reverse", "usual", "rest", "key", "important", "hard",
                        "easy", "difficult", "second", "third", "fourth", "fifth", "sixth",
                        "tenth", "half"})  # "helps a little", "fell to a third"


def _misread_noun(token: Any) -> bool:
    """A plural noun tagged as a present-tense verb in a noun's place ("cut our ambulance
    dispatches"): no subject, object or auxiliary of its own."""
    nominal_place = token.dep_ in _NOMINAL_DEPS or (token.dep_ == "conj"
                                                   and token.head.pos_ in ("NOUN", "PROPN")) or (
        token.dep_ in ("xcomp", "ccomp") and not list(token.children))  # "They cut falls."
    conjoined = token.dep_ == "conj" and token.head.pos_ in ("NOUN", "PROPN")
    if token.tag_ == "JJ" and token.lower_.endswith(_NOUN_SUFFIXES):
        return True  # "honesty isn't bluntness": no adjective ends so
    return (token.tag_ in ("VBZ", "VBP") or (token.tag_ == "VB" and conjoined)) and (
        nominal_place and not any(c.dep_ in _VERBAL_DEPS for c in token.children))


_NOUN_SUFFIXES = ("ness", "ity", "tion", "sion", "ment", "ship", "ism")
_DENIED_PREPS = frozenset({"from", "of", "by", "through", "in", "to", "because"})
_ARGUMENT_PREPS = frozenset({"on", "upon", "for", "with", "to", "from", "of", "about", "by"})
_NOMINAL_DEPS = frozenset({"dobj", "pobj", "nsubj", "nsubjpass", "attr"})
_VERBAL_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "aux", "auxpass", "neg", "ccomp",
                          "xcomp", "acomp", "attr", "prt", "mark"})


def _clause_topic(verb: Any, arg: syntax.Arg) -> Any:
    """The noun a clause is about: its subject, else what it has or is ("there is supervision",
    "people have a bit of slack"); an outcome's object ("lets people tell the truth")."""
    subjects = [c for c in verb.children if (c.dep_ in ("nsubj", "nsubjpass") or (
        c.dep_ == "csubj" and c.tag_ == "VBG")) and c.i not in arg.exclude]  # "deprescribing"
    objects = [c for c in verb.children if c.dep_ in ("attr", "dobj") and c.i not in arg.exclude]
    outcome = objects if verb.tag_ != "VBG" else []
    if arg.result and verb.lemma_ in _LIGHT:  # "makes people feel invisible"
        outcome += [c for c in verb.children if c.dep_ in ("acomp", "oprd")
                    and c.tag_ in ("JJ", "VBN")]
    through = [c for p in verb.children if p.dep_ == "prep" and verb.tag_ == "VBG"
               and p.lower_ in _ARGUMENT_PREPS and not _placed(verb)
               for c in p.children if c.dep_ == "pobj"]  # "relying on locums"
    candidates = outcome if arg.result else subjects + objects + through
    for candidate in map(_quantified, candidates):
        named = (candidate.pos_ in ("NOUN", "PROPN") or candidate.dep_ == "csubj"
                 or (arg.result and candidate.dep_ in ("acomp", "oprd")))
        if named and candidate.lower_ not in _VAGUE:
            return candidate
    return verb


def _placed(verb: Any) -> bool:
    """ "being there (on nights)": where one is, not what the phrase after it names."""
    return verb.lemma_ in _LIGHT and any(c.dep_ == "advmod" and c.lower_ in _PLACES
                                         for c in verb.children)


def _acted(engine: Engine, a: _Analysed, verb: Any) -> _Side | None:
    """The concept a verb names when people do it (lg:actionLabel): "nurses stay" is staff
    retention, "nurses leave" its absence; when patients or the public do it
    (lg:publicActionLabel): "families stay away" is attendance, less."""
    subjects = [_quantified(c) for c in verb.children if c.dep_ == "nsubj"] or (
        [c for c in verb.head.children if c.i < verb.i and (c.dep_ == "dobj" or (
            c.dep_ == "nsubj" and verb.head.pos_ == "ADJ"))]
        if verb.dep_ == "xcomp" else [])  # "the rota forced nurses to leave": the nurses;
    #                                     "makes nurses less likely to stay": the nurses
    public = _public_action(engine, verb, subjects)
    if public is not None:
        return public
    hit = engine.actions.get(verb.lemma_.lower()) if verb.pos_ == "VERB" else None
    if hit is None and subjects and subjects[0].lower_ in _PERSONAL:
        return _kept(engine, a, verb)
    if subjects and _one_person(subjects[0]):
        return None  # "if the surgeon stays": one person staying put, not staff retention
    if hit is None or not subjects or not (_person(engine, a, subjects[0]) or _worker(
            engine, subjects[0])) or any(
            c.dep_ in ("dobj", "acomp", "attr", "oprd", "xcomp")
            or (c.lower_ in _ELSEWHERE and c.dep_ != "aux") for c in verb.children):
        return None  # "we stay on the same page", "they leave the ward at five"
    return _done_side_of(verb, *hit)


def _public_action(engine: Engine, verb: Any, subjects: list[Any]) -> _Side | None:
    """The concept lay people's deed names (lg:publicActionLabel), by the verb with its
    particle ("stay away", "turn up"); none for one person or a deed with an object."""
    if not subjects and verb.dep_ == "xcomp":  # "the mothers stopped turning up"
        subjects = [c for c in verb.head.children if c.dep_ == "nsubj"]
    people = engine.lexicon.people if engine.lexicon is not None else frozenset()
    if verb.pos_ != "VERB" or not subjects or _one_person(subjects[0]) or (
            subjects[0].lemma_.lower() not in people):
        return None  # "patients", "mothers", "families"; not "they", who may be the staff
    words = _with_particles(verb, _PUBLIC_PARTICLES)
    hit = engine.public_actions.get(" ".join(words)) or engine.public_actions.get(words[0])
    if hit is None or any(c.dep_ in ("dobj", "acomp", "attr", "oprd", "ccomp")
                          for c in verb.children):
        return None  # "families come back with questions" is kept; "turn up the heat" is not
    return _done_side_of(verb, *hit)


def _done_side_of(verb: Any, iri: str, opposite: bool) -> _Side:
    """The concept a deed names, less where the deed is its opposite ("leave"), absent where a
    gerund denies it ("managers not listening")."""
    if verb.tag_ == "VBG" and any(c.dep_ == "neg" for c in verb.children):
        return _Side(iri, "" if opposite else "absent", False)
    return _Side(iri, "less" if opposite else "", False)


def _with_particles(verb: Any, adverbs: frozenset[str]) -> list[str]:
    """A verb's lemma and its particles, with the adverbs among `adverbs` after it that act as
    one ("drives them away", "stay away")."""
    return [verb.lemma_.lower(), *(c.lower_ for c in verb.children if c.dep_ == "prt" or (
        c.dep_ == "advmod" and c.lower_ in adverbs and c.i > verb.i))]


_AWAY = frozenset({"away", "out"})
_PUBLIC_PARTICLES = frozenset({"away", "out", "back", "up", "in"})  # "stay away", "turn up"


def _felt(engine: Engine, a: _Analysed, verb: Any, condition: bool = False) -> _Side | None:
    """The state a clause says people are in: "they leave because they're lonely" (the
    loneliness), "because we were busy", "because we have been frightened together", and
    the state a requirement needs them in ("only works if the examiner is independent")."""
    if verb.lemma_ not in _STATE_VERBS or verb.tag_ == "VBG" or not any(
            c.dep_ in ("nsubj", "nsubjpass") and (_person(engine, a, c) or (
                condition and _agent_noun(engine, c))) for c in verb.children):
        return None  # "us being available": a deed
    if not condition and not any(c.dep_ == "mark" and c.lower_ == "because"
                                 for c in verb.children):
        return None  # "until they're ill", "since they were eighteen": when, not why
    states = [c for c in verb.children if c.dep_ == "acomp" and c.pos_ == "ADJ"]
    if verb.tag_ == "VBN" and any(c.dep_ == "auxpass" for c in verb.children) and not any(
            c.dep_ == "agent" for c in verb.children):
        states = [verb]  # "we have been frightened": the fright
    adjectives = engine.lexicon.lemmas("adjective") if engine.lexicon and not condition \
        else frozenset()  # "only if they are independent": no cue of "independent of"
    no_state = _NO_STATE - _VIRTUES if condition else _NO_STATE  # "if I'm honest" hedges
    if not states or states[0].lower_ in no_state or states[0].lemma_ in adjectives or any(
            c.dep_ in ("prep", "xcomp", "ccomp") for c in states[0].children):
        return None  # "we were able to", "they are essential", "afraid of the manager"
    direction = "absent" if any(c.dep_ == "neg" for c in verb.children) else ""
    named = [f.iri for f in a.found if f.start <= states[0].i < f.end]
    iri = named[0] if named else _provisional(a, states[0].i, states[0].i + 1)
    return _Side(iri, direction, False, state=True)


_STATE_VERBS = frozenset({"be", "feel", "get", "become", "seem", "grow", "frighten", "scare",
                          "exhaust", "overwhelm", "worry", "stress", "burn", "tire", "bore"})
_NO_STATE = frozenset({"right", "wrong", "able", "unable", "sure", "aware", "there", "here",
                       "ready", "late", "early", "new", "sorry", "glad", "fine", "okay", "ok",
                       "different", "same", "careful", "honest", "allowed", "told", "asked",
                       "supposed", "meant", "paid", "expected", "given", "used", "done", "old",
                       "young", "slow", "quick", "fast"})


_VIRTUES = frozenset({"honest", "careful"})


def _agent_noun(engine: Engine, noun: Any) -> bool:
    """A noun for someone who does something ("the examiner", "the clinicians"), or a lay
    person of the lexicon."""
    lemma = noun.lemma_.lower()
    people = engine.lexicon.people if engine.lexicon else frozenset()
    return noun.pos_ == "NOUN" and (lemma in people or lemma.endswith(_AGENT_ENDINGS))


_AGENT_ENDINGS = ("er", "or", "ist", "ian", "ant", "ent")


def _worker(engine: Engine, noun: Any) -> bool:
    """A noun for someone doing a job that names no role of the codebook ("psychologists",
    "porters", "technicians"), not a lay person of the lexicon ("patients", "parents")."""
    people = engine.lexicon.people if engine.lexicon else frozenset()
    lemma = noun.lemma_.lower()
    return noun.pos_ == "NOUN" and lemma not in people and lemma.endswith(_AGENT_ENDINGS)


def _marked_inside(engine: Engine, head: Any, phrase: tuple[int, int]) -> bool:
    """A word marking quantity or presence inside the noun phrase that names a new concept."""
    polar = _polar_words(engine)
    return any(phrase[0] <= c.i < phrase[1] and (c.lower_ in polar or c.lemma_.lower() in polar)
               for c in head.lefts)


def _one_person(noun: Any) -> bool:
    """A singular noun with "the", "this" or "that": one person, not people in general."""
    return noun.tag_ == "NN" and any(c.dep_ == "det" and c.lower_ in ("the", "this", "that")
                                     for c in noun.children)


def _kept(engine: Engine, a: _Analysed, verb: Any) -> _Side | None:
    """The concept a causative names when we do it to people (lg:causativeLabel): "we keep
    our nurses" is staff retention, "we lose people" its absence."""
    caused = _caused(engine, a, verb)
    if caused is None:
        return None
    (iri, opposite), _ = caused
    return _Side(iri, "less" if opposite else "", False)


def _troubled(engine: Engine, a: _Analysed, head: Any) -> _Side | None:
    """A concept named as the trouble with it: "communication problems", "a staffing gap" are
    communication and staffing, less."""
    if head.lemma_.lower() not in _TROUBLES:
        return None
    named = [f for c in head.children if c.dep_ == "compound" for f in a.found
             if f.start <= c.i < f.end and f.end == head.i and f.category != "Role"]
    return _Side(named[0].iri, "less", False) if named else None


_TROUBLES = frozenset({"problem", "issue", "failure", "breakdown", "gap", "shortfall", "deficit"})


def _person(engine: Engine, a: _Analysed, token: Any) -> bool:
    """A word for people: a personal pronoun, "people", "everyone", a role of the codebook."""
    return (token.lower_ in _PERSONAL | _PEOPLE or token.lemma_.lower() in _PEOPLE
            or any(f.start <= token.i < f.end and _role(engine, f.iri) for f in a.found))


_ELSEWHERE = frozenset({"on", "at", "until", "till", "by", "behind", "to", "into", "through",
                        "late", "early", "put", "away", "home", "off"})
_PEOPLE = frozenset({"people", "person", "everyone", "everybody", "someone", "somebody", "anyone",
                     "anybody", "one", "ones", "colleague", "folk"})  # not "nobody leaves because"


def _enough(head: Any) -> Any:
    """What a state is enough for: "brave enough to speak up" is the speaking up."""
    if head.pos_ == "ADJ" and any(c.lower_ in ("enough", "sufficiently") for c in head.children):
        done = [c for c in head.children if c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX")]
        return done[0] if done else head
    return head


def _negative_stem(engine: Engine, head: Any) -> str | None:
    """The codebook concept a word with a negative prefix denies ("inconsistency",
    "unfairness", "disorganisation"), when the codebook has the stem and not the word."""
    lemma = head.lemma_.lower()
    for prefix in ("in", "un", "dis", "im", "non-", "non"):
        if lemma.startswith(prefix) and len(lemma) - len(prefix) >= (4 if prefix == "un" else 5):
            iri = engine.by_lemmas.get(lemma[len(prefix):])
            if iri is not None:
                return iri
    return None


_RELATIVE = frozenset({"which", "that", "who", "what", "where"})
_RELATIVE_DEPS = frozenset({"nsubj", "pobj", "advmod", "dobj"})  # "what", "where ... from"
_THEY = frozenset({"they", "them"})
_WH = frozenset({"what", "which", "where"})
_ASKING = _WH | {"how", "why"}  # questions whose answers name an argument
_CORE = frozenset({"nsubj", "nsubjpass", "csubj", "dobj", "attr", "acomp", "oprd", "xcomp"})


def _window_phrase(engine: Engine, doc: Any, window: tuple[int, int], before: bool
                   ) -> tuple[int, int] | None:
    """The noun phrase next to a misparsed cue, by its tags: the last one before it, the
    first one after it ("needs protected time")."""
    start, end = window
    runs: list[tuple[int, int]] = []
    i = start
    while i < end:
        j = i
        while j < end and doc[j].tag_ in ("JJ", "VBN", "VBG", "NN", "NNS") and doc[j].is_alpha:
            j = min(syntax.hyphen_end(doc, j), end)  # "micro-plans", "walk-round"
        if j > i and doc[j - 1].tag_ in ("NN", "NNS", "VBG"):
            runs.append((i, j))
        i = max(j, i + 1)
    if not runs:
        return None
    first, last = runs[-1] if before else runs[0]
    head = doc[last - 1]
    if head.lower_ in _VAGUE or head.lemma_.lower() in engine.cue_words or len(head.text) < 3:
        return None
    while first >= 2 and doc[first - 1].text == "-" and not doc[first - 1].whitespace_ \
            and not doc[first - 2].whitespace_ and doc[first - 2].is_alpha:
        first -= 2  # "the drop-ins": the whole hyphenated word
    return first, last


def _leading_noun(engine: Engine, doc: Any, window: tuple[int, int], inside: list[_Found]
                  ) -> int | None:
    """In words read around a misparsed cue, a noun opening the window and followed by a
    preposition that holds every concept: "violence against crews [erodes]"."""
    start, end = window
    while start < end and doc[start].tag_ in ("DT", "PRP$", "JJ"):
        start += 1
    if start + 1 >= end or doc[start].tag_ not in ("NN", "NNS") or doc[start + 1].tag_ != "IN":
        return None
    word = doc[start]
    if word.lower_ in _VAGUE or word.lemma_.lower() in engine.cue_words or not word.is_alpha:
        return None
    if engine.lexicon and word.lemma_.lower() in engine.lexicon.polar_words:
        return None  # "lack of recognition": what is lacking is the argument
    return start if all(f.start > start + 1 for f in inside) else None


def _names_itself(engine: Engine, head: Any, inside: list[_Found]) -> bool:
    """A noun head the codebook lacks, whose concepts all stand in a prepositional phrase
    after it or in an adjective before it: the argument is about the head ("delays in
    discharge", "a professional interpreter")."""
    if head.pos_ not in ("NOUN", "PROPN") or any(f.start <= head.i < f.end for f in inside):
        return False
    specific = any(c.dep_ == "compound" for c in head.lefts)  # "communication problems"
    if _head_phrase(engine, head) is None or (head.lemma_.lower() in _VAGUE and not specific):
        return False
    if head.lemma_.lower() in _FACETS:
        return False  # "the education side": education
    attached = {t.i for c in head.children if (c.dep_ == "prep" and c.i > head.i)
                or c.dep_ in ("poss", "compound", "amod", "det") for t in c.subtree}
    return all(f.start in attached for f in inside)


def _subject_of(verb: Any) -> Any:
    """The noun subject of a clause's verb, or None."""
    if verb.pos_ not in ("VERB", "AUX"):
        return None
    return next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")
                 and c.pos_ in ("NOUN", "PROPN")), None)


def _done_to(token: Any, head: Any) -> bool:
    """ "doing it right", "getting it wrong": what a gerund is done to is part of the deed."""
    return (head is not None and head.tag_ == "VBG" and token.head.i == head.i
            and token.dep_ == "dobj")


def _determiner(token: Any, head: Any) -> bool:
    """ "that improvement", "those delays": a demonstrative before its noun."""
    if head is not None:
        return token.dep_ == "det"
    following = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
    return following is not None and following.tag_ in ("NN", "NNS", "JJ")


def _right_dislocated(engine: Engine, a: _Analysed, pronoun: Any, exclude: str | None
                      ) -> str | None:
    """The noun phrase after a comma that a sentence's opening "that" or "it" stands for:
    "that's what keeps the patients safe, the routine, not the cleverness"; or that a
    pronoun ending its clause stands for, right after it: "it came from that, the staffing"."""
    doc = a.parsed
    if pronoun.lower_ not in ("that", "this", "it"):
        return None
    opening = next((t.i for t in doc if t.lower_ not in _INTERJECTIONS and not t.is_punct), 0)
    while a.question and opening < pronoun.i and doc[opening].pos_ == "AUX":
        opening += 1  # "Is it also what damages morale, the shortages?"
    stops = [t.i for t in doc if t.text == ","] + [len(doc) - doc[-1].is_punct]
    if pronoun.i != opening:
        comma = next((i for i in stops[:-1] if i > pronoun.i), None)
        if comma is None or pronoun.dep_ not in ("pobj", "dobj") or any(
                t.dep_ not in _ADVERBIAL for t in doc[pronoun.i + 1 : comma]):
            return None  # "it came from that, the staffing", "it helps with it a lot, the grief"
        stops = stops[stops.index(comma) :][:2]
    for start, end in pairwise(stops):
        phrase = _dislocated_phrase(engine, a, start + 1, end, exclude, pronoun.i != opening)
        if phrase is not None:
            return phrase or None
    return None


_ADVERBIAL = frozenset({"advmod", "npadvmod", "det", "amod", "neg", "prt"})


def _dislocated_phrase(engine: Engine, a: _Analysed, start: int, end: int, exclude: str | None,
                       appended: bool = False) -> str | None:
    """The concept a phrase between commas names, "" for a phrase that names the predicate
    again (unless it is `appended` to the pronoun itself), None for anything else ("I think",
    "not the cleverness")."""
    doc = a.parsed
    head = syntax.span_head(doc, start, end)
    deed = head is not None and _deed_verb(engine, head)  # "it builds trust, knowing everybody"
    if head is None or doc[start].lower_ == "not" or (
            head.pos_ not in ("NOUN", "PROPN") and not deed) or any(
            t.pos_ in ("VERB", "AUX") and t.tag_ != "VBG" for t in doc[start:end]):
        return None
    second = head.dep_ in ("appos", "conj") or (head.dep_ == "attr" and head.head.lemma_ == "be")
    if second and not appended and not _said_of_what(head.head):
        return ""  # "that's down to the consultants, really, the diabetologists": a 2nd name
    named = [f.iri for f in a.found if start <= f.start and f.end <= end
             and f.iri != exclude and f.category != "Role"]
    if named:
        return named[0]
    phrase = _deed_phrase(engine, head) if deed else _head_phrase(engine, head)
    return _provisional(a, *phrase) if phrase else None


def _said_of_what(noun: Any) -> bool:
    """A noun in a clause about "what", or beside one ("that's what kills morale, the rota",
    "that's what keeps people here, the teamwork"): it names what "what" stands for, not the
    noun before it again."""
    clauses = [*noun.ancestors, *(c for c in noun.head.children if c.dep_ == "ccomp")]
    return any(c.lower_ == "what" and c.i < verb.i and c.dep_ in ("nsubj", "nsubjpass", "dobj")
               for verb in clauses if verb.pos_ in ("VERB", "AUX") for c in verb.children)


def _change_before(engine: Engine, analysed: list[_Analysed], pos: int, pronoun: Any, role: str,
                   exclude: str | None) -> _Side | None:
    """What "that" or "this" stands for right after a clause telling of a change, in its
    sentence or as the sentence before in the turn ("night falls dropped by half, and I'd put
    that down to the rounds", "Falls halved. That was the rounds."): the change, with its
    direction."""
    clauses = [(t, _clause_only(t)) for t in pronoun.sent if t.i < pronoun.i
               and t.dep_ in ("ROOT", "conj") and t.pos_ == "VERB"]
    clauses = [(t, rest) for t, rest in clauses  # the pronoun not in the verb's own clause
               if pronoun.i in rest or pronoun.i not in {x.i for x in t.subtree}]
    at = pos
    if not clauses:
        before = _before(analysed, pos)
        if before is None or before.root is None or before.question:
            return None
        at, clauses = pos - 1, [(before.root, _clause_only(before.root))]
    verb, rest = clauses[-1]
    if engine.lexicon is None or not any(
            c.dep_ in ("nsubj", "nsubjpass") and c.pos_ in ("NOUN", "PROPN")
            for c in verb.children) or not syntax.changing(engine.lexicon, verb):
        return None
    side = _side(engine, analysed, at, syntax.Arg(verb.i, frozenset(rest)), role, exclude,
                 (0, 0))
    return side if side is not None and side.direction in ("less", "more") else None


def _clause_only(verb: Any) -> set[int]:
    """The tokens of the clauses coordinated with a verb's: not its own clause."""
    return {t.i for c in verb.children if c.dep_ == "conj" for t in c.subtree}


def _earlier_in_sentence(
    engine: Engine, a: _Analysed, pronoun: Any, exclude: str | None
) -> str | None:
    """What a pronoun in a later clause stands for when an earlier clause of its sentence
    names it: "the hierarchy is still there, and it still stops people speaking up"."""
    end = _first_break(a, pronoun)
    if end is None:
        return None
    before = _heads_first(a, [f for f in a.found if f.end <= end
                              and f.iri != exclude and f.category != "Role"])
    root = a.parsed[pronoun.i].sent.root
    subject = _earlier_subject(engine, a, end, exclude) if (
        a.parsed[pronoun.i].dep_ in ("nsubj", "nsubjpass")) else None
    if subject:  # "the review did not cause more errors; it caused more reporting": the review
        return subject
    if before:
        return before[0].iri
    named = [c for dep in ("nsubj", "dobj", "attr") for c in root.children
             if c.dep_ == dep and c.i < end and c.pos_ in ("NOUN", "PROPN")
             and not any(f.start <= c.i < f.end for f in a.found)]
    phrase = _head_phrase(engine, named[0]) if named else None  # "we do reflective practice,
    return _provisional(a, *phrase) if phrase else None  # and I think it helps"


def _earlier_plural(a: _Analysed, pronoun: Any, exclude: str | None) -> str | None:
    """What "they" or "them" in a later clause stands for when an earlier clause of its
    sentence names a concept in the plural that is no people: "the vacancies came first and
    the anger came from them"."""
    end = _first_break(a, pronoun)
    plural = [f for f in a.found if end is not None and f.end <= end and f.iri != exclude
              and f.category != "Role" and _plural(a, f)]
    return _heads_first(a, plural)[0].iri if plural else None


def _plural(a: _Analysed, found: _Found) -> bool:
    """A concept named in the plural ("the vacancies"): what "they" can stand for."""
    return a.parsed[found.end - 1].tag_ in ("NNS", "NNPS")


def _first_break(a: _Analysed, pronoun: Any) -> int | None:
    """Where the first clause of a pronoun's sentence ends (a comma, a semicolon, "and",
    "but" before the pronoun), or None."""
    return next((t.i for t in a.parsed[: pronoun.i] if t.text in (",", ";", "and", "but")), None)


def _earlier_subject(engine: Engine, a: _Analysed, end: int, exclude: str | None) -> str | None:
    """The concept the subject of a sentence's first clause names, when it ends before `end`."""
    subjects = [t for t in a.parsed[:end] if t.dep_ in ("nsubj", "nsubjpass")
                and t.pos_ in ("NOUN", "PROPN") and t.head.pos_ in ("VERB", "AUX")]
    if not subjects:
        return None
    span = range(subjects[0].left_edge.i, subjects[0].right_edge.i + 1)
    named = [f for f in a.found if f.start in span and f.category != "Role"]
    if named:
        return named[0].iri if named[0].iri != exclude else None
    phrase = _head_phrase(engine, subjects[0])
    iri = _provisional(a, *phrase) if phrase and not any(
        f.start in span for f in a.found) else None
    return iri if iri != exclude else None


def _left_dislocated(engine: Engine, a: _Analysed, pronoun: Any, exclude: str | None
                     ) -> str | None:
    """What a subject pronoun right after a comma takes up from the phrase the sentence opens
    with: "being invisible, honestly, that's what kills morale", "the rounds, they built
    trust"; the codebook concept in it, else the phrase."""
    phrase = _dislocated(engine, a.parsed, pronoun)
    if phrase is None:
        return None
    named = [f.iri for f in a.found if phrase[0] <= f.start and f.end <= phrase[1]
             and f.iri != exclude and f.category != "Role"]
    return named[0] if named else _provisional(a, *phrase)


def _dislocated(engine: Engine, doc: Any, pronoun: Any) -> tuple[int, int] | None:
    """The phrase a sentence opens with, before a comma, that a subject pronoun right after a
    comma takes up."""
    if pronoun.i < 2 or doc[pronoun.i - 1].text != "," or not pronoun.dep_.startswith("nsubj"):
        return None
    start = next((t.i for t in doc if t.lower_ not in _INTERJECTIONS), 0)
    comma = next((t.i for t in doc[start : pronoun.i] if t.text == ","), pronoun.i)
    head = syntax.span_head(doc, start, comma)
    if head is None:
        return None
    if _deed_verb(engine, head):
        return _deed_phrase(engine, head)  # "moving a confused old lady at night, that's..."
    return _head_phrase(engine, _held(head))


def _held(gerund: Any) -> Any:
    """What a gerund that only has, gets or goes through something names: its object ("having
    the stock on the ward", "getting the results back"); else the word itself."""
    held = [c for c in gerund.children if c.dep_ == "dobj" and c.pos_ in ("NOUN", "PROPN")]
    light = gerund.tag_ == "VBG" and gerund.lemma_ in _THROUGH_VERBS | _LIGHT_HAVE
    return held[0] if held and light else gerund


def _means_asked(a: _Analysed, link: syntax.Link, subject: _Side) -> bool:
    """A subject that is the answer to a how-question, put for "you" or "we"."""
    head = a.parsed[link.subject.head] if link.subject.head is not None and a.parsed else None
    return subject.answer is not None and head is not None and _asked_how(head)


def _asked_how(person: Any) -> bool:
    """ "you" or "we" doing the cue in a how-question: the answer names the means ("How did you
    get the waiting down?" "Triage at the door.")."""
    return person.lower_ in ("you", "we") and person.dep_ == "nsubj" and any(
        c.lower_ == "how" and c.dep_ == "advmod" for c in person.head.children)


def _reply(engine: Engine, analysed: list[_Analysed], pos: int) -> _Analysed | None:
    """The sentence of the next speaker's turn that answers the question in sentence `pos`: its
    first, or the one after a first that only announces the answer ("Two things.") or says how
    ("Slowly.")."""
    answer = _answering(analysed, pos)
    if answer is None or not _preamble(engine, answer):
        return answer
    after = analysed[pos].next_turn + 1  # _answering's sentence is the next turn's first
    return analysed[after] if after < len(analysed) and analysed[after].turn == answer.turn \
        else answer


def _preamble(engine: Engine, a: _Analysed) -> bool:
    """A short sentence that only announces an answer ("Two things.", "Honestly.") or says how
    ("Slowly.", "Gradually."), not whether (a verdict: "Probably.", "Absolutely."): an adverb
    by its parse, or before the parse by its ending ("Lonely." is not passed over)."""
    doc = a.doc
    words = [t for t in doc if not t.is_punct]
    if len(words) == 1 and (a.parsed[0].pos_ == "ADV" if a.parsed is not None
                            else words[0].lower_.endswith("ly")) and not any(
            _opens_with(engine, verdict, a) for verdict in _VERDICTS):
        return True
    return 0 < len(words) <= PREAMBLE_WORDS and (
        any(t.lemma_.lower() in _ANNOUNCED for t in words)
        or all(t.lower_ in _INTERJECTIONS for t in words))


_VERDICTS = ("deny", "hedge", "confirm")  # in the order an answer's opening is judged
PREAMBLE_WORDS = 3
_ANNOUNCED = frozenset({"thing", "reason", "factor", "word", "answer", "point"})


def _answering(analysed: list[_Analysed], pos: int) -> _Analysed | None:
    """The first sentence of the next turn, when another speaker takes it, past one that only
    hums ("Hmm. I'd be careful there.")."""
    here = analysed[pos]
    first = here.next_turn
    nxt = analysed[first] if first < len(analysed) else None
    if nxt is None or nxt.speaker == here.speaker:
        return None
    humming = all(t.lower_ in _INTERJECTIONS or t.is_punct for t in nxt.doc)
    after = analysed[first + 1] if first + 1 < len(analysed) else None
    return after if humming and after is not None and after.turn == nxt.turn else nxt


def _filler(engine: Engine, answer: _Analysed, exclude: str | None) -> str | None:
    """What an answer to an open question names ("What erodes morale?" "Staff shortages,
    mostly."): its first codebook concept, else the noun phrase of an answer that is only a
    noun phrase; an answer that opens with a denial or a hedge names nothing."""
    if any(_opens_with(engine, verdict, answer) for verdict in ("deny", "hedge")):
        return None
    named = [f.iri for f in answer.found if f.category != "Role" and f.iri != exclude]
    return named[0] if named else _fragment(engine, answer)


def _listed(engine: Engine, side: _Side, exclude: str) -> list[_Side]:
    """The other items of a list that answers an open question ("What does the induction
    include?" "The electronic record, the escalation process and safeguarding."): a side for
    each item but the one the side already names."""
    answer = side.answer
    root = answer.root if answer is not None else None
    if root is None or root.pos_ not in ("NOUN", "PROPN"):
        return []
    items = [root]
    for token in root.subtree:
        if token.dep_ in ("conj", "appos") and token.head in items and (
                token.pos_ in ("NOUN", "PROPN") or token.tag_ == "VBG"):
            items.append(token)
    out: list[_Side] = []
    for item in items:
        if any(c.dep_ in ("nummod", "quantmod") for c in item.children):
            continue  # "forty-one schools, two secondaries": a count, not a part
        inner = {t.i for t in item.subtree} - {t.i for other in items if other.i > item.i
                                                for t in other.subtree}
        named = [f.iri for f in answer.found if f.start in inner and f.category != "Role"]
        deed = item.tag_ == "VBG" and _deed_verb(engine, item)  # "and safeguarding"
        phrase = None if named else (
            _deed_phrase(engine, item) if deed else _head_phrase(engine, item))
        iri = named[0] if named else (_provisional(answer, *phrase) if phrase else None)
        if iri and iri not in (side.iri, exclude) and iri not in {o.iri for o in out}:
            out.append(_Side(iri, "", True, answer))
    return out


def _relative_target(pronoun: Any) -> Any:
    """What a relative or free-relative subject stands for: the noun a relative clause hangs on
    ("the on-call that burns people out"), or the other side of the copula of a pseudo-cleft
    ("what causes harm is a delayed transfer", "that's what wrecks continuity")."""
    verb = pronoun.head.head if pronoun.dep_ == "pobj" else pronoun.head  # "where B comes from"
    if verb.dep_ == "relcl":
        return _identified(verb.head) or verb.head
    if verb.dep_ in ("csubj", "ccomp", "attr", "xcomp") and verb.head.lemma_ == "be":
        wanted = ("attr", "acomp") if verb.dep_ == "csubj" else ("nsubj", "csubj")
        others = [c for c in verb.head.children if c.dep_ in wanted and c.i != verb.i] or [
            c for c in verb.head.children if verb.dep_ == "csubj" and c.dep_ == "nsubj"
            and c.i > verb.head.i]  # "what keeps them here is the team": the parse's subject
        return others[0] if others else None
    return _cleft_focus(pronoun) if pronoun.lower_ in ("that", "who") else None


def _cleft_focus(pronoun: Any) -> Any:
    """The focus of an it-cleft the parse did not join to its relative clause ("I think it was
    the rehearsals, more than the weeks, that made the team work"): the noun after "it is" or
    "it was" before the pronoun, in the same sentence."""
    doc = pronoun.doc
    if pronoun.head.lemma_ == "be" or doc[pronoun.i - 1].lower_ not in (",", "–", "-"):
        return None  # "..., that's not supervision", "and that keeps people quiet"
    for i in range(pronoun.i - 2, 0, -1):
        if doc[i].lemma_ == "be" and doc[i - 1].lower_ == "it":
            if any(c.dep_ == "mark" or c.lower_ in _SUBORDINATING for c in doc[i].children):
                return None  # "even when it's bad news, that builds trust"
            nouns = [t for t in doc[i + 1 : pronoun.i] if t.head.i == i and t.dep_ == "attr"
                     and t.pos_ in ("NOUN", "PROPN")]
            return nouns[0] if nouns else None
    return None


_SUBORDINATING = frozenset({"when", "whenever", "if", "because", "while", "although", "though",
                            "unless", "since", "once"})


def _identified(noun: Any) -> Any:
    """What a vague subject of a copula is said to be ("the thing that kills communication is
    the time pressure": the time pressure), or what is said to be a vague complement ("trust
    is the one thing that keeps them", "one of the things that"): trust."""
    if noun.lower_ not in _VAGUE and noun.lower_ not in ("one", "problem", "issue", "something"):
        return None
    if noun.dep_ == "pobj" and noun.head.lower_ == "of" and noun.head.head.lower_ == "one":
        noun = noun.head.head  # "A is one of the things that keeps B": one of them is A
    verb = noun.head
    if verb.lemma_ != "be" or noun.dep_ not in ("nsubj", "attr"):
        return None
    if noun.dep_ == "attr":  # "supervision is the thing that keeps staff safe": supervision
        others = [c for c in verb.children if c.dep_ in ("nsubj", "csubj") and c.i < noun.i
                  and c.lower_ not in ("it", "that", "this", "what")]
        return others[0] if others else None
    others = [c for c in verb.children if c.dep_ in ("attr", "acomp") and c.i > noun.i]
    return others[0] if others else None


def _specific_role(engine: Engine, a: _Analysed, chosen: _Found, head: Any) -> str | None:
    """A provisional concept for a role the words make specific ("agency staff", "night
    nurses"), where the codebook names only the role."""
    if head is None or chosen.category != "Role" or not chosen.start <= head.i < chosen.end:
        return None
    compounds = [c for c in head.lefts if c.dep_ == "compound" and c.i == chosen.start - 1]
    if not compounds or not _content(compounds[0]):
        return None
    start = _compound_start(engine, head, compounds[0].i)  # "assistant nurse managers"
    return _provisional(a, min(start, compounds[0].i), chosen.end)


def _salient(doc: Any, found: list[_Found], head: Any, window: Any, cue: tuple[int, int]) -> _Found:
    """The concept an argument is about: the one holding its head, else the one nearest the
    root; for a whole clause or a window, people's roles only when nothing else is named."""
    if head is None or _clause(head):
        found = [f for f in found if f.category != "Role"] or found
    if head is not None and _clause(head):  # a clause: what it is about
        core = {head.i} | {t.i for c in head.children if c.dep_ in _CORE for t in c.subtree}
        found = [f for f in found if core.intersection(range(f.start, f.end))] or found
    if head is not None:
        holding = [f for f in found if f.start <= head.i < f.end]
        if holding:
            return holding[0]
        return min(found, key=lambda f: (min(map(_depth, doc[f.start : f.end])), f.start))
    before = window[1] <= cue[0]  # a window before the cue: the concept nearest the cue
    return max(found, key=lambda f: f.start) if before else min(found, key=lambda f: f.start)


def _quantified(head: Any) -> Any:
    """What a vague quantity or a number is of: "some of the staff", "two of them"."""
    return syntax.quantified(head)


def _marked(engine: Engine, head: Any) -> tuple[str, Any]:
    return syntax.marked(engine.lexicon.polarity if engine.lexicon else {}, head)


def _changing(engine: Engine, head: Any, a: _Analysed | None = None) -> str:
    """The direction a clause's verb gives what it is about; a bare "goes" says a thing is
    lost ("the motivation just goes"), not that a person leaves ("when the manager goes")."""
    if engine.lexicon is None:
        return ""
    direction = syntax.changing(engine.lexicon, head, gone=False)
    if direction or a is None or not syntax.is_gone(head):
        return direction
    subjects = [c for c in head.children if c.dep_ == "nsubj"]
    return "" if any(_person(engine, a, s) for s in subjects) else "less"


def _told_change(engine: Engine, a: _Analysed, found: _Found, cue: tuple[int, int]) -> str:
    """The change a window's concept is said to undergo by the verb it is the subject of
    ("..., which is why morale fell") or that people start or stop it by, where that verb is
    not the link's cue."""
    if a.parsed is None:
        return ""
    token = a.parsed[found.end - 1]
    verb = token.head
    if cue[0] <= verb.i < cue[1]:
        return ""
    phase = syntax.phased(verb) if token.dep_ in ("xcomp", "ccomp") else None
    if phase is not None and phase[0].i == token.i:  # "..., which is why people stopped
        return phase[1]  # reporting": the reporting, less
    return _changing(engine, verb, a) if token.dep_ in ("nsubj", "nsubjpass") else ""


def _window_direction(engine: Engine, doc: Any, start: int, floor: int = 0) -> str:
    """The mark of quantity in the two words before `start`, not before `floor` (a cue's own
    words, "without" in "A without B is hazardous", mark nothing)."""
    polarity = engine.lexicon.polarity if engine.lexicon else {}
    return next((d for d in (syntax.mark_of(polarity, t)
                             for t in doc[max(0, floor, start - 2) : start]) if d), "")


def _head_phrase(engine: Engine, head: Any, result: bool = False) -> tuple[int, int] | None:
    """The noun phrase an argument's head stands for, when it can be a concept: its compound
    and adjective modifiers right before it, no determiner, no vague or cue word. An outcome
    ("makes people defensive", "stops people speaking up") may be an adjective or a verb."""
    doc = head.doc
    start = _hyphenated(doc, head.i)
    if start < head.i and (head.dep_ not in ("prt", "advmod") or _determined(head)):
        # "the catch-up", "ping-pong", "stops the bounce-back" (its "back" read as an adverb)
        return _compound_start(engine, head, start), head.i + 1
    end = syntax.hyphen_end(doc, head.i)
    if end > head.i + 1 and head.pos_ in ("NOUN", "PROPN") and len(doc[end - 1]) > 2:
        return _compound_start(engine, head, head.i), end  # "the pre-alert", parsed as "pre"
    staying = head.lemma_ in ("stay", "remain") and not any(
        c.dep_ in ("acomp", "attr", "xcomp", "oprd") for c in head.children)  # "makes people stay"
    outcome = result and head.tag_ in ("JJ", "JJR", "VB", "VBG", "VBN", "RB") and (
        head.lemma_ not in _BARE_VERBS or staying) and not (
        head.tag_ == "JJR" and head.lemma_.lower() in _SIZES)  # "makes the queue bigger"
    nominal = (head.pos_ in ("NOUN", "PROPN") or _misread_noun(head) or _adjective_noun(head)
               or (head.pos_ in ("VERB", "AUX") and head.tag_ == "VBG"))  # "being calm"
    if not nominal and not outcome:
        return None
    specific = any(c.dep_ == "compound" and c.i == head.i - 1 and _content(c) for c in head.lefts)
    vague = head.lower_ in _VAGUE and not specific and head.tag_ != "VB"  # "to challenge"
    if vague or len(head.text) < 3 or not head.is_alpha:
        return None  # "problems" is vague, "prescription problems" is not
    if _name(head):
        return None  # "an ANP isn't a GP, Carla": who is addressed, not a concept
    modified = any(c.dep_ in ("compound", "amod") for c in head.lefts)  # "lone working"
    gerund = head.tag_ == "VBG" and head.dep_ in _NOMINAL_DEPS  # "crowding is what drives it"
    deed = outcome and head.tag_ == "VB"  # "makes it harder to challenge"
    if head.pos_ not in ("NOUN", "PROPN") and head.lemma_.lower() in engine.cue_words \
            and not (modified or gerund or deed or _misread_noun(head)):
        return None  # a cue word is never a concept, but "breaks" may be a noun
    start = _compound_start(engine, head, head.i)
    end = head.i + 1
    particle = [c for c in head.rights if c.dep_ == "prt" and c.i == end]
    end += len(particle)
    if head.lemma_.lower() in _LIGHT and head.tag_ == "VBG":  # "feeling valued", "being heard"
        complement = [c for c in head.rights if c.i == end and (
            (c.dep_ in ("acomp", "oprd", "xcomp", "ccomp") and c.tag_ in ("JJ", "VBN"))
            or (c.dep_ == "advmod" and c.lower_ in _PLACES))]  # "being there"
        end += len(complement)
        place = [c for c in head.rights if c.i == end and c.dep_ == "prep" and not complement
                 and head.lemma_ == "be" and c.right_edge.i - c.i < 5]
        end = place[0].right_edge.i + 1 if place else end  # "being in the same room"
    return start, _measured(engine, head, end)


_QUALITIES = frozenset({"bad", "poor", "poorer", "weak", "weaker", "worse", "better", "strong",
                        "stronger", "great"})
_SIZES = frozenset({"big", "large", "small", "great", "high", "low", "long", "short", "much",
                    "little", "few", "many", "good", "bad", "easy", "hard"})


def _name(token: Any) -> bool:
    """A name the speaker addresses: a capitalised proper noun set off by commas ("an ANP
    isn't a GP, Carla, and ...", "... than me, Keith.")."""
    doc = token.doc
    after = doc[token.i + 1].text if token.i + 1 < len(doc) else "."
    return (token.pos_ == "PROPN" and token.text.istitle() and token.i > 0
            and doc[token.i - 1].text == "," and after in (",", ".", "?", "!"))


def _measured(engine: Engine, head: Any, end: int) -> int:
    """Where a measure's phrase ends: a measure names what it measures ("length of stay",
    "rate of sickness"), not a concept of its own."""
    if head.lemma_.lower() not in _MEASURES:
        return end
    of = [c for c in head.rights if c.dep_ == "prep" and c.lower_ == "of" and c.i == end]
    measured = [c for c in of[0].children if c.dep_ == "pobj"] if of else []
    phrase = _head_phrase(engine, measured[0]) if measured else None
    return phrase[1] if phrase and phrase[0] == end + 1 else end


def _event(head: Any) -> Any:
    """The gerund a noun is the subject of ("ambulances queuing", "staff speaking up"): what
    they do is what the argument names."""
    if head.pos_ not in ("NOUN", "PROPN") or head.i + 1 >= len(head.doc):
        return None
    after = head.doc[head.i + 1]  # the parse may hang it on the noun's head instead
    if after.dep_ == "neg" and after.head.i == head.i + 2:  # "staff not washing their hands"
        after = after.head
    hung = after.head == head or after.head in head.ancestors
    being = after.lemma_ == "be"  # "the kit not being there" is the kit
    return after if after.dep_ == "acl" and after.tag_ == "VBG" and hung and not being else None


def _not_there(head: Any) -> bool:
    """ "the kit not being there": a noun said not to be there."""
    doc = head.doc
    return head.i + 2 < len(doc) and doc[head.i + 1].dep_ == "neg" and (
        doc[head.i + 2].lemma_ == "be") and doc[head.i + 2].tag_ == "VBG"


def _determined(word: Any) -> bool:
    """A word with an article of its own ("the bounce-back"): a noun, whatever its tag."""
    return any(c.dep_ == "det" and c.lower_ in ("a", "an", "the") for c in word.children)


def _hyphenated(doc: Any, i: int) -> int:
    """Where the hyphenated word ending at token `i` starts ("catch-up", "out-of-hours")."""
    while i >= 2 and syntax.glued_hyphen(doc, i - 1) and doc[i - 2].is_alpha:
        i -= 2
    return i


def _stray_compound(head: Any, child: Any) -> bool:
    """A noun right before a noun that the parser made its subject or modifier ("the night
    rounds have done more": "night" the subject of "rounds"): a compound."""
    return head.pos_ == "NOUN" and child.pos_ == "NOUN" and child.dep_ in (
        "nsubj", "npadvmod", "nmod") and not any(c.dep_ in ("det", "poss") for c in head.lefts
                                                 if c.i > child.i)


def _compound_start(engine: Engine, head: Any, start: int) -> int:
    """The start of a head's noun phrase: its compound and adjective modifiers right before
    it, without polarity or evaluative words ("good surgery" is surgery)."""
    doc, word = head.doc, start
    for child in reversed(list(head.lefts)):
        if child.i == start - 1 and (child.dep_ in ("compound", "amod") or _stray_compound(
                head, child)) and _content(child):
            start = _hyphenated(doc, child.i)  # "task-focused care", "the night rounds"
    while start >= 1 and doc[start - 1].dep_ == "compound" and start <= doc[start - 1].head.i \
            < head.i and _content(doc[start - 1]):
        start -= 1  # "response time targets": a compound of a compound
    if start >= 1 and _hyphenated(doc, start - 1) < start - 1:
        start = _hyphenated(doc, start - 1)  # "out-of-area placements", however parsed
    polarity = _polar_words(engine)
    while start < word and (doc[start].lower_ in polarity
                            or doc[start].lower_ in _EVALUATIVE_MODIFIERS) \
            and not syntax.glued_hyphen(doc, start + 1):  # "a drop-in clinic" keeps its "drop"
        start += 1  # "good surgery" is surgery, "the sheer volume" is volume
    return start


_EVALUATIVE_MODIFIERS = frozenset({"good", "bad", "proper", "real", "right", "great", "decent",
                                   "nice", "whole", "same", "certain", "particular", "sheer",
                                   "actual", "general", "basic", "main", "big", "huge", "own"})
_BARE_VERBS = frozenset({"be", "remain", "stay", "become", "get", "do", "have", "make", "go",
                         "come", "keep", "feel", "seem", "look", "try", "want", "need"})
_LIGHT_HAVE = frozenset({"have", "get", "be", "give", "provide"})
_UNSAID_DEEDS = _BARE_VERBS | _TELLING | {"take", "bring", "give", "put", "use", "treat"}
_LIGHT = frozenset({"feel", "be", "get", "become", "stay", "seem", "look"})
_PLACES = frozenset({"there", "here", "around", "about", "present", "available", "visible"})
_MEASURES = frozenset({"length", "rate", "number", "level", "amount", "proportion", "frequency",
                       "duration", "speed"})


def _is_provisional(iri: str) -> bool:
    return iri.startswith(f"{CONCEPT}provisional/")


def _in_clause(doc: Any, match: _Match, positions: list[int]) -> bool:
    """True when a cue (a hedge) starts in the clause that holds the match."""
    left, _ = _boundaries(doc, match.start, match.cue_end)
    right = next((t.i for t in doc[match.cue_end :] if _clause_stop(t)), len(doc))
    return any(left <= p < right for p in positions)


def _negation_start(a: _Analysed, match: _Match) -> int:
    """Negation counts between the last concept before the cue and the cue ("X does not Y")."""
    left, _ = _boundaries(a.doc, match.start, match.cue_end)
    before = [f.end for f in a.found if f.end <= match.start]
    return max([*before, left, match.start - 5])


def _unique(claims: Iterable[Claim]) -> list[Claim]:
    seen: set[tuple[str, str, str]] = set()
    out = []
    for claim in claims:
        key = (claim.subject, claim.relation, claim.object)
        if key not in seen:
            seen.add(key)
            out.append(claim)
    return out


def _evidence(a: _Analysed) -> Evidence:
    s = a.sentence
    return Evidence(a.turn, s.index, s.text, s.start, s.end, s.line_start, s.line_end)


def _answer(analysed: list[_Analysed], pos: int) -> list[_Analysed]:
    """Sentences that may answer the question in sentence `pos`: the next one, then the next
    turn's first sentence when another speaker takes over."""
    out = []
    if pos + 1 < len(analysed) and analysed[pos + 1].turn == analysed[pos].turn:
        out.append(analysed[pos + 1])
    nxt = _answering(analysed, pos)
    return [*out, nxt] if nxt is not None else out


def _askers(analysed: list[_Analysed]) -> frozenset[str]:
    """The speakers who ask (an interviewer, a facilitator): a question in at least two of
    their turns and in at least a third of them."""
    turns: dict[str, set[int]] = {}
    asking: dict[str, set[int]] = {}
    for a in analysed:
        turns.setdefault(a.speaker, set()).add(a.turn)
        if a.question:
            asking.setdefault(a.speaker, set()).add(a.turn)
    return frozenset(speaker for speaker, held in turns.items()
                     if len(asking.get(speaker, ())) >= 2
                     and 3 * len(asking.get(speaker, ())) >= len(held))


def _settle(
    engine: Engine, analysed: list[_Analysed], pos: int, claims: list[Claim],
    askers: frozenset[str] = frozenset(),
) -> list[Claim]:
    """Resolve questions by their answers, and apply a short denial in the next sentence."""
    a = analysed[pos]
    if not claims:
        return claims
    summary = _summary(engine, analysed, pos) or _put(engine, analysed, pos, askers)
    if summary is not None:  # "So technology has solved the distance." "No, I wouldn't say that."
        return _put_to(claims, *summary)
    if a.question or (_reported(engine, a) and a.own is None):
        granted = "" if a.question else _granted(engine, a)
        if granted:  # "People say A, and they're right"
            return [replace(c, negated=granted == "deny" or c.negated) for c in claims]
        answered = [c for c in claims if c.answer is not None]  # "What erodes X?" "Y."
        if answered:
            return answered
        for answer in _answer(analysed, pos):
            answer, verdict = _judged(engine, analysed, answer)
            if verdict:
                return _put_to(claims, answer, verdict)
        return []  # a question nobody answered, or a view only reported, is not a claim
    nxt = analysed[pos + 1] if pos + 1 < len(analysed) else None
    if nxt is not None and nxt.turn == a.turn and _short_denial(engine, nxt):
        return [replace(c, negated=True) for c in claims]
    return claims


def _outranked(claims: list[Claim]) -> list[Claim]:
    """The claims, less a proposition confirmed by an answer's opening word that the same answer
    then denies in words, of the same relation between akin concepts ("Does remote triage burn
    people out? I've heard it's relentless." "It's relentless, yes. But I don't think the
    remote work is what burns people out.")."""
    denied = [c for c in claims if c.negated]
    return [c for c in claims if c.negated or not c.question or c.answer is None or not any(
        d.speaker == c.speaker and d.evidence.turn == c.answer.turn and d.relation == c.relation
        and _akin(d.subject, c.subject) and _akin(d.object, c.object) for d in denied)]


def _same_thing(first: str, second: str) -> bool:
    """One concept, or a new one named by words of the other's name: "data" and *data and
    information*, "coordinator" and "discharge coordinator"."""
    words = [_name_words(iri) for iri in (first, second)]
    return first == second or any(
        _is_provisional(iri) and mine <= theirs
        for iri, mine, theirs in ((first, words[0], words[1]), (second, words[1], words[0])))


def _akin(first: str, second: str) -> bool:
    """Two concepts whose names share a word ("remote work", "remote triage")."""
    return first == second or bool(_name_words(first) & _name_words(second))


def _name_words(iri: str) -> set[str]:
    """The words of a concept's name, as its IRI spells them ("remote-triage")."""
    return set(_iri_words(iri))


def _iri_words(iri: str) -> list[str]:
    """The words of a concept's IRI name, a hyphenated word's parts apart ("drop_in" is "drop",
    "in")."""
    return re.split("[-_]", iri.rsplit("/", 1)[-1])


def _others_say(doc: Any) -> bool:
    """An answer that grants only that others hold the view ("They do say that.", "You'd
    expect me to say they do."): its verdict is in the sentence after."""
    words = [t.lower_ for t in doc if t.is_alpha]
    return bool(words) and words[0] in _OTHERS and any(w in _SAYING for w in words[1:])


_OTHERS = frozenset({"they", "people", "you", "some", "many", "everyone", "everybody", "lots"})
_SAYING = frozenset({"say", "says", "said", "saying", "claim", "claims", "argue", "argues",
                     "hear", "expect", "think", "believe"})


def _after(analysed: list[_Analysed], sentence: _Analysed) -> _Analysed | None:
    """The sentence after `sentence` in its turn, or None."""
    at = next(i for i, x in enumerate(analysed) if x is sentence)
    following = analysed[at + 1] if at + 1 < len(analysed) else None
    return following if following is not None and following.turn == sentence.turn else None


def _verdict(engine: Engine, answer: _Analysed) -> str:
    """How an answer opens: "deny", "hedge", "confirm", or "" for none of them."""
    return next((v for v in _VERDICTS if _opens_with(engine, v, answer)), "")


def _put_to(claims: list[Claim], answer: _Analysed, verdict: str) -> list[Claim]:
    """The claims of a proposition, as the answerer's, judged by the answer's verdict."""
    return [replace(c, speaker=answer.speaker, negated=verdict == "deny" or c.negated,
                    hedged=verdict == "hedge" or c.hedged, question=True,
                    answer=_evidence(answer),
                    confidence=round(c.confidence * QUESTION_PENALTY, 3)) for c in claims]


def _summary(engine: Engine, analysed: list[_Analysed], pos: int
             ) -> tuple[_Analysed, str] | None:
    """A summary put to the next speaker ("So overseas recruitment is what's causing your
    attrition."): the last sentence of a turn that opens as a summary, answered by another
    speaker with a verdict; the answer and its verdict, or None."""
    a = analysed[pos]
    last = pos + 1 >= len(analysed) or analysed[pos + 1].turn != a.turn
    if not last or not any(start == _first_word(a.doc)
                           for start, _end in _cues(engine, a, "summaries")):
        return None
    return _reply_verdict(engine, analysed, pos)


def _put(engine: Engine, analysed: list[_Analysed], pos: int, askers: frozenset[str]
         ) -> tuple[_Analysed, str] | None:
    """A statement an asker puts to the next speaker in the last two sentences of a turn
    ("Though speed and kindness, I imagine, are at odds. ..." "See, I don't agree with that
    one."), answered with a verdict; the answer and its verdict, or None."""
    a = analysed[pos]
    if a.speaker not in askers or a.question or a.next_turn - pos > 2:
        return None
    return _reply_verdict(engine, analysed, pos)


def _reply_verdict(engine: Engine, analysed: list[_Analysed], pos: int
                   ) -> tuple[_Analysed, str] | None:
    """The next speaker's answer to sentence `pos` and its verdict, or None for no verdict."""
    answer = _answering(analysed, pos)
    if answer is None:
        return None
    answer, verdict = _judged(engine, analysed, answer)
    return (answer, verdict) if verdict else None


def _judged(engine: Engine, analysed: list[_Analysed], answer: _Analysed
            ) -> tuple[_Analysed, str]:
    """An answer's verdict, read on in the sentence after an opening that only grants that
    others hold the view ("They do say that. I don't think it does.") or only counsels
    caution ("I'd be careful there. People set them up as opposites and I don't think they
    are."): the sentence that holds the verdict, and the verdict."""
    verdict = _verdict(engine, answer)
    if verdict == "confirm" and _others_say(answer.doc):
        after = _after(analysed, answer)
        return (after, _verdict(engine, after)) if after is not None else (answer, "")
    if verdict == "hedge" and _cautious(answer.doc):
        after = _after(analysed, answer)
        if after is not None and _denies(engine, after):
            return after, "deny"
    return answer, verdict


def _cautious(doc: Any) -> bool:
    """ "I'd be careful there.": a hedge that counsels caution, its verdict still to come."""
    return any(t.lower_ in ("careful", "cautious", "wary") for t in doc) and len(doc) <= 8


def _denies(engine: Engine, a: _Analysed) -> bool:
    """A denial in the speaker's own words anywhere in the sentence ("People set them up as
    opposites and I don't really think they are")."""
    return any(a.doc[start].lower_ == "i" for start, _end in _cues(engine, a, "deny"))


def _first_word(doc: Any) -> int:
    return next((t.i for t in doc if not t.is_punct), 0)


def _short_denial(engine: Engine, a: _Analysed) -> bool:
    """A sentence that is only a denial of the one before: it opens with a denial and says
    little else ("I don't think it does.", but not "No, we changed the rota.")."""
    doc = a.doc
    for start, end in _cues(engine, a, "deny"):
        if all(t.lower_ in _INTERJECTIONS or t.is_punct for t in doc[:start]):
            return sum(t.is_alpha for t in doc[end:]) <= SHORT_DENIAL
    return False


def _own_part(engine: Engine, a: _Analysed) -> int | None:
    """Where a sentence that opens with others' view turns to the speaker's own ("People frame
    it that way, but no, safety and dignity go together"): the token of the "but", or None."""
    doc = a.doc
    for start, end in _cues(engine, a, "reported"):
        turn = next((t.i for t in doc[end:] if t.lower_ in ("but", "however", "though")), None)
        if _opening(doc, start) and turn is not None:
            return turn
    return None


def _reported(engine: Engine, a: _Analysed) -> bool:
    """True when the sentence opens by reporting others' view ("People say ...", "Kindness
    and suspicion, you'd think they'd be opposites")."""
    return any(_opening(a.doc, start) for start, _end in _cues(engine, a, "reported"))


def _opening(doc: Any, start: int) -> bool:
    """A cue at the start of a sentence, or right after the short phrase it opens with
    ("Kindness and suspicion, you'd think ...")."""
    if start <= 2:
        return True
    return start <= 6 and [t.i for t in doc[:start] if t.text == ","] == [start - 1]


def _entities(engine: Engine, document: Document, analysed: list[_Analysed]) -> list[EntityMention]:
    out = []
    speakers = set(document.speakers)
    for a in analysed:
        for key, _start, _end in engine.entities(a.doc):
            iri = engine.nlp.vocab.strings[key]
            entity = engine.codebook.entities[iri]
            out.append(EntityMention(iri, entity.name, entity.kind, a.turn, a.sentence.index))
        for match in _TITLED.finditer(" ".join(a.sentence.text.translate(PLAIN).split())):
            name = match.group()
            if name not in speakers:
                iri = f"{DATA}{document.id}/person/{slug(name)}"
                out.append(EntityMention(iri, name, "person", a.turn, a.sentence.index))
    return list(dict.fromkeys(out))


def extract(document: Document, engine: Engine) -> Extraction:
    """Mentions, claims and named entities of one document."""
    analysed = _analyse(engine, document)
    claims: list[Claim] = []
    for pos, a in enumerate(analysed):
        a.claims = _claims_in(engine, analysed, pos)
    askers = _askers(analysed)
    for pos, a in enumerate(analysed):
        claims += _settle(engine, analysed, pos, a.claims, askers)
    claims = _outranked(claims)
    mentions = [
        Mention(
            f.iri, a.doc[f.start : f.end].text, a.sentence.index, a.turn, *a.offsets(f.start, f.end)
        )
        for a in analysed
        for f in a.found
    ]
    used = {c.subject for c in claims} | {c.object for c in claims}
    provisional: dict[str, str] = {}
    for a in analysed:
        for iri, label, start, end in a.provisional:
            if iri in used:
                provisional[iri] = label
                surface = a.doc[start:end].text
                mentions.append(
                    Mention(iri, surface, a.sentence.index, a.turn, *a.offsets(start, end), True)
                )
    return Extraction(
        document=document,
        mentions=tuple(mentions),
        claims=tuple(claims),  # unique: each sentence's claims are (see _claims_in)
        entities=tuple(_entities(engine, document, analysed)),
        provisional=dict(sorted(provisional.items())),
    )
