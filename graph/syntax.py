"""Relations read from the dependency parse of one sentence: cue words from the lexicon, the
constructions of syntax.yaml for verbs, adjectives and nouns, and clause-level handlers for
connectives (subordinators, prepositions, coordinators, discourse markers).

This module finds *links* between argument heads (token positions); turning an argument into a
concept, and an anaphor into its antecedent, is the extractor's job (graph.extract).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from itertools import pairwise
from typing import Any

from graph.lexicon import Cue, Lexicon
from graph.treematch import TreeMatcher

# verbs that pass their subject to the infinitive after them: "blame tends to squash learning"
RAISING = frozenset({"tend", "seem", "appear", "have", "use", "start", "begin", "continue",
                     "go", "happen", "used"})
SEEMING = frozenset({"seem", "appear"})  # raising verbs that hedge: "rotas seem to erode it"
NEGATIONS = frozenset({"not", "n't", "never", "no", "neither", "nor", "hardly", "nobody"})
MODALS = frozenset({"may", "might", "could"})
HEDGE_ADVERBS = frozenset({"maybe", "perhaps", "possibly", "probably", "arguably", "conceivably"})
HEDGE_VERBS = frozenset({"suspect", "guess", "suppose", "wonder", "imagine", "reckon"})
OPINION_VERBS = frozenset({"think", "believe", "say", "feel", "agree", "accept", "see", "find",
                           "reckon", "suppose", "expect", "imagine", "consider"})
CLAUSE_DEPS = frozenset({"advcl", "ccomp", "relcl", "conj", "parataxis", "csubj", "xcomp"})
INTERJECTIONS = frozenset({"and", "but", "well", "so", "oh", "um", "uh", ",", "-", "--"})
REACH = 6  # tokens a side read from words around a cue may span
TIGHT = 3  # tokens a coordinator's side may span: "trust, not blame"
SYMMETRIC = frozenset({"combinesWith", "contrastsWith"})
# adjectives are matched as written: a participle ("based on") has its verb as lemma
_CUE_ATTR = {"verb": "LEMMA", "causative": "LEMMA", "noun": "LEMMA", "adjective": "LOWER"}


@dataclass(frozen=True)
class Arg:
    """An argument: the subtree of `head` without the tokens in `exclude`; `head` None means
    the argument is the previous sentence (a discourse marker opening the sentence)."""

    head: int | None
    exclude: frozenset[int] = frozenset()
    window: tuple[int, int] | None = None  # a plain token window, where the parse is not used
    keep_polarity: bool = True
    result: bool = False  # an outcome ("makes people defensive"): an adjective or verb may name it
    pair: int | None = None  # the first (0) or second (1) of two concepts named just before
    #                          ("those two are in tension", "you need both")
    judged: str = ""  # what a causative made of it: "worse" or "better" ("makes the pain
    #                   worse"), "more" or "less" ("makes the queue longer")
    previous: bool = False  # the clause of the sentence before ("Morale fell. Because of X.")
    denied: bool = False  # a clause whose own verb is negated: "because nurses don't report"
    condition: bool = False  # what a requirement needs: "only works if the examiner is
    #                          independent" needs the independence, not the examiner


@dataclass(frozen=True)
class Link:
    """A relation the sentence states between two arguments, subject first."""

    relation: str
    subject: Arg
    object: Arg
    cue: tuple[int, int]  # token span of the cue words
    rule: str  # construction id, or the cue class for connectives
    confidence: float
    negated: bool
    hedged: bool
    remedy: bool = False  # "helps with": it undermines its object when that is a threat
    named: bool = False  # the second argument must name a codebook concept, not a provisional one
    harm: bool = False  # holds only when its object is a harm that happens ("without
    #                     supervision, burnout creeps in")


def build_matcher(lexicon: Lexicon) -> TreeMatcher:
    """A matcher of every construction."""
    matcher = TreeMatcher()
    for name, pattern in patterns(lexicon):
        matcher.add(name, pattern)
    return matcher


def patterns(lexicon: Lexicon) -> list[tuple[str, list[dict[str, Any]]]]:
    """Every construction's dependency pattern, its cue node bound to its class's lemmas."""
    out = []
    for construction in lexicon.constructions:
        pattern = [dict(node) for node in construction.pattern]
        if construction.word_class:
            for node in pattern:
                if node["RIGHT_ID"] == "cue":
                    key = _CUE_ATTR[construction.word_class]
                    own = node["RIGHT_ATTRS"].get(key, {})  # a construction may leave words out
                    left_out = set(own.get("NOT_IN", ())) if isinstance(own, dict) else set()
                    words = sorted(lexicon.lemmas(construction.word_class) - left_out)
                    node["RIGHT_ATTRS"] = {"DEP": {"NOT_IN": ["amod"]}, **node["RIGHT_ATTRS"],
                                           key: {"IN": words}}
        out.append((construction.id, pattern))
    return out


def links(doc: Any, matcher: Any, lexicon: Lexicon, lemmas: list[str] | None = None) -> list[Link]:
    """Every link the parse of `doc` states, in token order, without repeats. Where the parse
    reads no construction around a cue verb (the tagger takes "erodes" for a noun, a gerund
    for the verb), the words on either side of the verb are its arguments: `lemmas` are the
    tokens' lemmas from a lookup table, which do not depend on the tagger."""
    found = _constructions(doc, matcher, lexicon)
    taken = {i for link in found for i in range(*link.cue)}
    found += [x for x in _connectives(doc, lexicon) if not taken.intersection(range(*x.cue))]
    taken = {i for link in found for i in range(*link.cue)}
    if lemmas is not None:
        found += [x for x in _verb_windows(doc, lexicon, lemmas) if x.cue[0] not in taken]
    found += _instead(doc, found)
    found += _counted_parts(doc, lexicon)
    found += _proportional(doc)
    found += _share_of_that(doc)
    found += _did_that(doc)
    found += _change_with(doc, lexicon)
    found += _done_and_changed(doc, lexicon)
    found += _imperative_and(doc, lexicon)
    if not found:
        found += _outcome_after(doc, lexicon)
    seen: set[tuple[Any, ...]] = set()
    out = []
    for link in sorted(found, key=lambda x: (x.cue, x.rule)):
        key = (link.relation, link.subject.head, link.subject.window, link.object.head,
               link.object.window, link.cue)
        if key not in seen:
            seen.add(key)
            out.append(link)
    return out


# --- verbs, adjectives and nouns: the constructions --------------------------------------


def _constructions(doc: Any, matcher: Any, lexicon: Lexicon) -> list[Link]:
    by_id = lexicon.constructions_by_id
    out: list[tuple[str | None, Link]] = []
    overridden: set[int] = set()  # cue verbs a fixed construction has read
    overriding: set[Link] = set()  # the links of those constructions
    for name, tokens in matcher(doc):
        construction = by_id[name]
        names = [node["RIGHT_ID"] for node in construction.pattern]
        nodes = {name: doc[i] for name, i in zip(names, tokens, strict=True)}
        a, b = nodes["a"], nodes["b"]
        if _misparsed_subject(a) or _misparsed_subject(b):
            continue
        if construction.relation:  # a fixed relation: "A isn't B", but not "A isn't a cause of B"
            if b.lemma_.lower() in lexicon.lemmas("noun") | lexicon.lemmas("adjective"):
                continue
            verb = nodes.get("verb", nodes.get("cue"))  # its negation is the construction's
            negated = _denied(nodes.get("prep")) or (  # own in "A isn't B"
                "negation" not in nodes and verb is not None and is_negated(verb)) or any(
                c.dep_ == "det" and c.lower_ == "no" for name, node in nodes.items()
                if name not in ("a", "b") for c in node.children)  # "has no effect on"
            cue_token = nodes.get("cue", a.head)
            fixed = _pairs(construction.relation, a, b, cue_token, construction.id, 0.7, negated,
                           doc, hedged=verb is not None and is_hedged(verb))
            if construction.relation == "isConsequenceOf":  # "blame is why nurses don't report"
                fixed = [replace(x, subject=clause_denied(x.subject, doc),
                                 object=clause_denied(x.object, doc)) for x in fixed]
            if construction.outcome:  # "it has to be taught": the teaching
                fixed = [replace(x, object=replace(x.object, result=True)) for x in fixed]
            if construction.plain:  # "no A, no B": the "no"s are the construction's
                fixed = [replace(x, subject=replace(x.subject, keep_polarity=False),
                                 object=replace(x.object, keep_polarity=False)) for x in fixed]
            made = [replace(x, remedy=construction.remedy, named=construction.named) for x in fixed]
            out += [(None, x) for x in made]
            if construction.overrides:
                overridden.add(cue_token.i)
                overriding.update(made)
            continue
        if "noun" in nodes and nodes["noun"].lemma_.lower() in lexicon.lemmas("noun"):
            continue  # "an essential part of B": the noun's reading, not the adjective's
        cue = _entry(construction.word_class, nodes, lexicon)
        if cue is not None and cue.relation in construction.not_relations:
            continue  # "the hard part of the job is the children" judges, it does not list
        if cue is None or ("undergoer" in nodes and not _outcome(nodes, lexicon)
                           and b.lower_ not in _JUDGEMENTS):
            continue
        if _transitive(nodes, lexicon, construction.word_class):
            continue  # "builds trust on the night shift": builds trust, not builds on
        if construction.word_class == "verb" and _adjunct_object(nodes["cue"], b, cue):
            continue  # "causes delays, every day": the object, not when
        if idiom(b):
            continue  # "a consequence of the flooding, of course": no concept "course"
        if _elaborated(nodes["cue"], b):
            continue  # "three things make up supervision: time, ...": the list, not an object
        if cue.ceases and b.dep_ == "xcomp" and b.tag_ == "VBG":
            continue  # "people stop taking it seriously": they cease to, nothing is prevented
        if construction.word_class == "verb" and cue.change and not marked(
                lexicon.polarity, b)[0] and b.lemma_.lower() not in lexicon.harms:
            continue  # "leadership means listening" defines; "means fewer errors" and
            #           "rushing means mistakes" say what follows
        if construction.word_class == "causative" and (
                _possessive_got(nodes["cue"]) or _hortative(nodes["cue"])):
            continue  # "they've got kids": having, not causing; "Rhys, let's start": asking
        if _bare_participle(nodes["cue"]):
            continue
        if _own_subject(nodes["cue"], a):
            continue  # "a woman is frightened, and fear slows labour": fear, not the woman
        if construction.word_class == "noun" and any(c.tag_ in ("WRB", "WP") for c in b.children):
            continue  # "one piece of how we brought it down": a part of a deed, not of a concept
        if cue.relation in SYMMETRIC and construction.word_class == "noun" and b.conjuncts:
            a = b  # "it is a mix of A and B": the mix is of its conjuncts
            b = b.conjuncts[0]
        expletive = _expletive_outcome(nodes)
        b = expletive or _state_of_people(nodes) or b
        sustained = "undergoer" in nodes and b.lemma_.lower() in _SUSTAINED
        if sustained:  # "keeps the relationship going": the outcome is the relationship
            b = nodes["undergoer"]
        judged = ""
        if "undergoer" in nodes and (b.lower_ in _JUDGEMENTS or b.lower_ in _SIZED):
            judged = b.lower_ if b.lower_ in _JUDGEMENTS else _SIZED[b.lower_]
            b = nodes["undergoer"]  # "makes the pain worse": the pain; "makes the list longer":
            #                          the list, more
            nodes = {k: v for k, v in nodes.items() if k != "undergoer"}
        doing = [c for c in b.children if c.dep_ == "acl" and c.tag_ == "VBG"]
        if cue.relation == "undermines":  # "stops nurses from speaking up": the speaking up
            doing += [g for p in nodes["cue"].children if p.dep_ == "prep" and p.lower_ == "from"
                      and p.i > b.i for g in p.children if g.dep_ == "pcomp" and g.tag_ == "VBG"]
        if doing and b.dep_ == "dobj" and "undergoer" not in nodes:
            nodes = {**nodes, "undergoer": b}  # "stops nurses speaking up": the speaking up
            b = doing[0]
        subject, obj = (b, a) if cue.reverse else (a, b)
        anchor = nodes.get("verb", nodes["cue"])
        negated = is_negated(nodes["cue"]) or is_negated(anchor) or _denied(
            nodes.get("prep", nodes.get("agent")))  # "built by A, not by B"
        negated = negated and not (cue.denial_holds and _negated_here(anchor, nodes["cue"]))
        links = _pairs(cue.relation, subject, obj, nodes["cue"], construction.id, cue.confidence,
                       negated, doc, hedged=is_hedged(nodes["cue"]) or is_hedged(anchor))
        if "undergoer" in nodes and not sustained:  # who it happens to is not the outcome
            people = frozenset(t.i for t in nodes["undergoer"].subtree)
            if b.i in people:  # "nurses speaking up": the people without what they do
                people -= frozenset(t.i for t in b.subtree)
            if b.pos_ == "ADJ":  # "makes staff anxious about errors": the anxiety
                people |= frozenset(t.i for c in b.children if c.dep_ == "prep"
                                    for t in c.subtree)
            links = [_as_outcome(x, b, people) for x in links]
        if expletive is not None:  # the deed alone: not who does it nor what it is done to
            around = frozenset(t.i for c in expletive.children
                               if c.dep_ in ("nsubj", "dobj", "mark", "aux") for t in c.subtree)
            links = [_as_outcome(x, expletive, around) for x in links]
        if judged:
            links = [_judged(x, b, judged) for x in links]
        out += [(construction.word_class, replace(x, remedy=cue.remedy)) for x in links]
    out = [(word_class, x) for word_class, x in out
           if x in overriding or x.cue[0] not in overridden]
    return _as_tagged(doc, out)


def _own_subject(cue: Any, a: Any) -> bool:
    """A cue verb that takes its subject from a verb before it ("bullying hurts people and
    erodes morale") but has one of its own, which is not a pronoun for that subject."""
    return a.head.i != cue.i and a.dep_ in ("nsubj", "csubj") and any(
        c.dep_ in ("nsubj", "csubj") and c.lower_ not in _BACK_POINTING for c in cue.children)


_BACK_POINTING = frozenset({"it", "they", "he", "she", "this", "that", "which", "who"})


def marked(polarity: Mapping[str, frozenset[str]], head: Any) -> tuple[str, Any]:
    """The quantity or presence the words mark on an argument ("fewer errors", "lack of trust",
    "no time"), and the head of what is marked ("lack of trust": "trust")."""
    lemma = head.lemma_.lower()
    of = [c for c in head.children if c.dep_ == "prep" and c.lower_ == "of"]
    for direction, words in polarity.items():
        if lemma in words and of:
            inner = [c for c in of[0].children if c.dep_ in ("pobj", "pcomp")]
            if inner:
                return direction, inner[0]
    for child in head.children:
        if child.dep_ in ("det", "amod", "nummod", "advmod", "quantmod", "neg"):
            direction = mark_of(polarity, child)
            if direction:
                return direction, head
    return "", head


def mark_of(polarity: Mapping[str, frozenset[str]], token: Any, lemma: bool = True) -> str:
    """The quantity or presence a word marks ("fewer": less, "no": absent), by its form or,
    with `lemma`, its lemma; "" for none."""
    return next((direction for direction, words in polarity.items() if token.lower_ in words
                 or (lemma and token.lemma_.lower() in words)), "")


def repair(doc: Any) -> Any:
    """The parse with known misreadings of the small English parser mended in place, so that
    the constructions read the sentence as it is meant (pseudo-clefts, it-clefts, verbs under
    raising verbs); returns the doc."""
    for what in doc:
        if what.lower_ == "what" and what.dep_ in ("nsubj", "nsubjpass"):
            _mend_perfect(what)
            _mend_cleft(what.head)
            _mend_focus(what.head)
    for clause in doc:
        if clause.dep_ == "relcl":
            _mend_it_cleft(clause)
    for verb in [t for t in doc if t.dep_ == "xcomp"]:
        _mend_raising(verb)
    for word in [t for t in doc if t.lower_ in _MISREAD_VERBS and t.pos_ != "VERB"]:
        _mend_misread_verb(word)
    for copula in doc:
        if copula.dep_ == "ROOT" and copula.lemma_ == "be":
            _mend_inverted_question(copula)
    for item in [t for t in doc if t.dep_ in _STRAY_ITEM]:
        _mend_list(item)
    for gerund in [t for t in doc if t.dep_ == "conj" and t.tag_ == "VBG"]:
        _mend_gerund_pair(gerund)
    for gerund in [t for t in doc if t.dep_ == "amod" and t.tag_ == "VBG"]:
        _mend_gerund_subject(gerund)
    for gerund in [t for t in doc if t.dep_ in ("advcl", "dep") and t.tag_ == "VBG"]:
        _mend_denied_deed(gerund)
    for word in [t for t in doc if t.tag_ == "VB" and t.dep_ in ("nsubj", "nsubjpass")]:
        _mend_verb_subject(word)
    for clause in [t for t in doc if t.dep_ == "pcomp" and t.pos_ in ("VERB", "AUX")]:
        _mend_stranded(clause)
    for gerund in [t for t in doc if t.dep_ == "ROOT" and t.tag_ == "VBG"]:
        _mend_gerund_root(gerund)
    for prefix in [t for t in doc if t.pos_ == "ADP" and t.i + 2 < len(doc)]:
        _mend_hyphen_prefix(prefix)
    for work in [t for t in doc if t.lower_ in ("work", "happen") and t.dep_ == "dobj"]:
        _mend_made_work(work)
    for verb in [t for t in doc if t.dep_ == "conj" and t.pos_ == "VERB"]:
        _mend_subject_on_object(verb)
    return doc


def _mend_subject_on_object(verb: Any) -> None:
    """ "We brought in a rota and sickness went down": the parser joins the noun after "and"
    to the object before it, leaving the verb after it with no subject; the noun, right before
    the verb, is its subject, and "and" joins the two clauses."""
    if any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in verb.children) or \
            verb.head.pos_ not in ("VERB", "AUX") or verb.tag_ not in ("VBD", "VBZ", "VBP"):
        return
    noun = next((t for t in verb.doc[: verb.i] if t.right_edge.i == verb.i - 1
                 and t.dep_ == "conj" and t.pos_ in ("NOUN", "PROPN")
                 and t.head.dep_ == "dobj" and t.head.head.i == verb.head.i), None)
    if noun is None:
        return
    joint = [c for c in noun.head.children if c.dep_ == "cc" and c.i < noun.left_edge.i]
    if not joint or joint[-1].lower_ != "and":
        return
    joint[-1].head = verb.head
    noun.head, noun.dep_ = verb, "nsubj"


def _mend_made_work(work: Any) -> None:
    """ "Trust is what makes reporting work", "makes the drop-in work": the parser reads "work"
    at the end of the clause as a noun object with the real object as its modifier; the
    modifier is what is made to work, the subject of "work" as a verb after "make"."""
    doc, make = work.doc, work.head
    modifier = [c for c in work.lefts if c.dep_ in ("compound", "nmod", "amod")]
    after = doc[work.i + 1] if work.i + 1 < len(doc) else None
    if make.lemma_ != "make" or not modifier or (after is not None and not after.is_punct):
        return
    first = modifier[-1]
    thing = doc[min(hyphen_end(doc, first.i), work.i) - 1]  # "the drop-in": its last part
    for child in list(work.children):
        if child.dep_ in ("det", "poss", "amod", "compound") and child.i < first.i:
            child.head = thing
    if thing.i != first.i:
        first.head, first.dep_ = thing, "compound"
    thing.head, thing.dep_ = work, "nsubj"
    if thing.pos_ != "NOUN":
        thing.pos_, thing.tag_ = "NOUN", "NN"
    work.dep_, work.tag_, work.pos_ = "ccomp", "VB", "VERB"


def _mend_hyphen_prefix(prefix: Any) -> None:
    """ "a by-product of grief", "the out-patients": the parser reads a preposition glued by a
    hyphen to a noun as a preposition with its object; it is the first part of the noun."""
    doc = prefix.doc
    noun = doc[prefix.i + 2]
    if not (glued_hyphen(doc, prefix.i + 1) and noun.pos_ == "NOUN" and noun.head.i == prefix.i
            and noun.dep_ == "pobj"):
        return
    for child in list(prefix.children):
        if child.i != noun.i:
            child.head = noun
    root = prefix.head.i == prefix.i
    place = prefix.dep_ if prefix.dep_ != "prep" else (
        "attr" if prefix.head.lemma_ == "be" else "dobj")  # "is a by-product", "cut in-fighting"
    noun.head, noun.dep_ = (noun, "ROOT") if root else (prefix.head, place)
    prefix.head, prefix.dep_ = noun, "compound"


def hyphen_end(doc: Any, i: int) -> int:
    """Where the hyphenated word starting at token `i` ends ("pre-alert")."""
    while i + 2 < len(doc) and glued_hyphen(doc, i + 1) and doc[i + 2].is_alpha:
        i += 2
    return i + 1


def glued_hyphen(doc: Any, j: int) -> bool:
    """Token `j` is a hyphen with no space on either side ("catch-up"), not a dash."""
    return 0 < j < len(doc) and doc[j].text == "-" and not doc[j - 1].whitespace_ \
        and not doc[j].whitespace_


def _mend_gerund_root(gerund: Any) -> None:
    """ "Deprescribing only works if...", "Rostering matters more than pay": the parser reads
    a gerund that opens the sentence as its verb and the verb after it as the gerund's object;
    the gerund is the verb's subject."""
    objects = [c for c in gerund.children if c.dep_ in ("dobj", "dative")]
    if gerund.i != opening(gerund.doc) or len(objects) != 1:
        return
    verb = objects[0]
    between = gerund.doc[gerund.i + 1 : verb.i]
    verbal = verb.tag_ in ("VBZ", "VBD") or (verb.tag_ == "NNS" and any(
        c.dep_ in ("dobj", "prt") for c in verb.children))  # "Lecturing shuts people up"
    nominal = any(c.dep_ in ("det", "poss", "amod", "compound") for c in verb.children)
    if not verbal or nominal or not all(t.pos_ == "ADV" and t.head.i == verb.i for t in between):
        return
    for child in list(gerund.children):
        if child.i > verb.i:
            child.head = verb
    verb.head, verb.dep_, verb.pos_ = verb, "ROOT", "VERB"
    gerund.head, gerund.dep_ = verb, "csubj"


def _mend_stranded(clause: Any) -> None:
    """ "A clerk only gets listened to if the sister backs her": the parser hangs a clause
    opened by a subordinator on a preposition left at the end of its verb; it is the verb's
    adverbial clause."""
    prep = clause.head
    if prep.dep_ == "prep" and prep.i == clause.left_edge.i - 1 and any(
            c.dep_ == "mark" and c.lower_ in _STRANDED_MARKS for c in clause.children):
        clause.head, clause.dep_ = prep.head, "advcl"


_STRANDED_MARKS = frozenset({"if", "unless", "when", "because", "until", "once", "whenever"})


def _mend_verb_subject(word: Any) -> None:
    """ "Discharge only works if ...": a word the tagger read as a bare verb that is the
    subject of a clause, with no object or subject of its own, is a noun."""
    if not any(c.dep_ in ("dobj", "nsubj", "aux", "xcomp", "ccomp") for c in word.children):
        word.tag_, word.pos_ = "NN", "NOUN"


def _mend_denied_deed(gerund: Any) -> None:
    """ "Infections come from staff not washing their hands": the parser hangs a negated
    gerund right after the object of a preposition on the clause's verb; it says what the
    object's people or things do not do."""
    doc, i = gerund.doc, gerund.i
    if i < 2 or doc[i - 1].dep_ != "neg" or doc[i - 1].head.i != i:
        return
    noun = doc[i - 2]
    if noun.dep_ == "pobj" and noun.pos_ in ("NOUN", "PROPN", "PRON") and (
            noun.head.head.i == gerund.head.i):
        gerund.head, gerund.dep_ = noun, "acl"


def _mend_gerund_subject(gerund: Any) -> None:
    """ "Overcrowding drives infections": the parser hangs a gerund that opens the sentence on
    the finite verb after it as an adjective; it is the verb's subject."""
    verb = gerund.head
    if gerund.i != opening(gerund.doc) or verb.i != gerund.i + 1 or verb.tag_ not in (
            "VBZ", "VBD") or verb.pos_ != "VERB" or any(
            c.dep_ in ("nsubj", "nsubjpass", "csubj") for c in verb.children):
        return
    gerund.dep_, gerund.pos_ = "csubj", "VERB"


def _mend_gerund_pair(gerund: Any) -> None:
    """ "Looking clean and being clean are not the same": the parser joins the second gerund
    to the first one's complement; it is a conjunct of the first gerund."""
    complement = gerund.head
    first = complement.head
    if complement.dep_ in ("acomp", "dobj", "attr", "oprd") and first.tag_ == "VBG" and (
            first.i < complement.i < gerund.i):
        gerund.head = first


_STRAY_ITEM = frozenset({"npadvmod", "appos", "dep", "dobj"})


def _mend_list(item: Any) -> None:
    """ "Errors come from fatigue, poor handovers and too many alerts": the parser hangs a
    list's second item, after its comma, on the verb; it is a conjunct of the first, the
    object just before the comma, when it opens a list of its own ("..., B and C")."""
    doc = item.doc
    start = item.left_edge.i
    comma = doc[start - 1] if start > 1 else None
    first = doc[start - 2] if start > 1 else None
    if comma is None or comma.text != "," or first is None or first.pos_ not in ("NOUN", "PROPN"):
        return
    if first.dep_ not in ("pobj", "dobj") or item.pos_ not in ("NOUN", "PROPN") or (
            item.lemma_.lower() in _TIMES):
        return  # "every four hours, day and night": when, not what
    verb = first.head.head if first.dep_ == "pobj" else first.head
    hung = item.head
    if first.right_edge.i != first.i or not (hung.i == verb.i or (
            hung.head.i == verb.i and hung.i < verb.i)):  # on the verb, or on its subject
        return
    if not any(c.dep_ == "cc" for c in item.children) or not any(
            c.dep_ == "conj" for c in item.children):
        return  # "we met them, every Monday": no list
    item.head, item.dep_ = first, "conj"


def _mend_inverted_question(copula: Any) -> None:
    """ "Is automation a threat to skills?": the parser makes both nouns after the copula its
    complements; the first is its subject."""
    complements = [c for c in copula.children if c.dep_ == "attr" and c.i > copula.i]
    if _leads(copula) and copula.doc[-1].text == "?" and len(complements) == 2 and not any(
            c.dep_ in ("nsubj", "expl") for c in copula.children):
        complements[0].dep_ = "nsubj"


# Verbs the small parser reads as plural nouns before their preposition ("teamwork hinges on
# trust": "hinges" a noun), with their lemmas.
_MISREAD_VERBS = {"hinges": "hinge"}


def _mend_misread_verb(word: Any) -> None:
    """A verb read as a noun before "on" becomes the verb of its clause, the noun phrase before
    it its subject: "teamwork hinges on trust" (a compound on it), "deprescribing hinges on
    ownership" (the object of a gerund), "the quality of the reviews hinges on time" (the
    object of "of")."""
    doc = word.doc
    on = doc[word.i + 1] if word.i + 1 < len(doc) else None
    if on is None or on.lower_ not in ("on", "upon") or on.dep_ != "prep" or any(
            t.i == word.i for t in on.subtree):
        return
    compounds = [c for c in word.children if c.dep_ == "compound" and c.i < word.i]
    if compounds and word.dep_ != "pobj":  # "our naloxone distribution hinges on pharmacies"
        subject = compounds[-1]
        for other in word.lefts:
            if other.i < subject.i:
                other.head = subject
        subject.dep_ = "nsubj"
    elif word.head.tag_ == "VBG" and word.head.i < word.i and word.dep_ in ("dobj", "npadvmod"):
        subject = word.head  # "deprescribing hinges on ownership"
        _take_place(word, subject)
        subject.head, subject.dep_ = word, "csubj"
    elif word.dep_ == "pobj" and word.head.lower_ == "of" and compounds:
        of = word.head  # "the quality of the reviews hinges on time"
        subject = of.head
        _take_place(word, subject)
        subject.head, subject.dep_ = word, "nsubj"
        inner = compounds[-1]
        inner.head, inner.dep_ = of, "pobj"
        for other in compounds[:-1]:
            other.head = inner
    else:
        return
    on.head = word  # "the quality of the reviews hinges on time": the parse hung it on quality
    word.pos_, word.tag_, word.lemma_ = "VERB", "VBZ", _MISREAD_VERBS[word.lower_]


def _mend_raising(verb: Any) -> None:
    """A verb under a raising or aspectual verb ("blame tends to squash learning", "trust has
    to come first", "it's going to cause errors"), or right after "help" ("supervision helps
    prevent burnout"), gets its subject and becomes the clause's head, the raising verb an
    auxiliary of it, as a modal would be ("blame can squash")."""
    raiser = verb.head
    bare = raiser.lemma_ == "help" and verb.i == raiser.i + 1 and verb.tag_ == "VB" and not any(
        c.dep_ in ("dobj", "dative") for c in raiser.children)  # "supervision helps prevent it"
    if ((raiser.lemma_ not in RAISING and not bare) or raiser.pos_ not in ("VERB", "AUX")
            or verb.pos_ != "VERB"
            or not (bare or any(c.dep_ == "aux" and c.lower_ == "to" and c.i == verb.i - 1
                                for c in verb.children))
            or any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children)
            or not any(c.dep_ in ("nsubj", "nsubjpass", "csubj") for c in raiser.children)):
        return
    moved = [c for c in raiser.children if c.i != verb.i]
    _take_place(verb, raiser)
    raiser.head, raiser.dep_ = verb, "aux"
    for child in moved:
        child.head = verb


def _take_place(token: Any, of: Any) -> None:
    """Put `token` where `of` stands in the tree: the same head (itself at the root) and
    dependency label."""
    token.head = token if of.dep_ == "ROOT" else of.head
    token.dep_ = of.dep_


def _mend_it_cleft(clause: Any) -> None:
    """An it-cleft's relative clause hung on a noun inside its focus ("It's the lack of housing
    that loses us nurses" on "housing"): the clause is about the whole focus, its head."""
    noun = clause.head
    focus = noun
    while focus.dep_ in ("pobj", "prep") and focus.head.i < focus.i:
        focus = focus.head
    copula = focus.head
    if focus is noun or focus.dep_ != "attr" or copula.lemma_ != "be" or not any(
            c.dep_ == "nsubj" and c.lower_ in ("it", "that", "this") for c in copula.children):
        return
    if focus.i < noun.i < clause.i:
        clause.head = focus


def _mend_perfect(what: Any) -> None:
    """ "what's" before a past participle read as a passive or as an adjective ("that's what's
    kept me here", "that's what's lifted morale"): the contracted "has" of a perfect, whose
    participle takes the noun after it as its object."""
    doc = what.doc
    if what.i + 2 >= len(doc) or doc[what.i + 1].lower_ not in ("'s", "’s"):
        return
    has, verb = doc[what.i + 1], doc[what.i + 2]
    if verb.tag_ != "VBN" or any(c.dep_ == "agent" for c in verb.children):
        return
    noun = verb.head
    if verb.dep_ == "amod" and noun.i > verb.i and noun.dep_ == "attr":
        verb.head, verb.dep_ = noun.head, "ccomp"
        noun.head, noun.dep_ = verb, "dobj"
    elif not any(c.dep_ == "dobj" for c in verb.children):
        return
    what.head, what.dep_ = verb, "nsubj"
    has.head, has.dep_ = verb, "aux"


def _mend_focus(relative: Any) -> None:
    """A pseudo-cleft's gerund focus hung on the copula as a clause when an aside comes between
    them ("What builds trust is, I think, seeing the same nurse"): the copula's complement."""
    copula = relative.head
    if relative.dep_ != "csubj" or copula.lemma_ != "be" or any(
            c.dep_ in ("attr", "acomp") for c in copula.children):
        return
    focus = [c for c in copula.rights if c.tag_ == "VBG" and c.dep_ in ("advcl", "xcomp", "ccomp")]
    if focus:
        focus[0].dep_ = "attr"


def _mend_cleft(relative: Any) -> None:
    """A pseudo-cleft whose focus is a gerund or a participle ("What knocks their confidence is
    being told off"), read as a progressive or passive ("their confidence is being told off"):
    the copula heads the clause again, the free relative is its subject, the stranded noun the
    relative verb's object and the focus the copula's complement."""
    focus = relative.head
    if relative.dep_ not in ("csubj", "csubjpass") or focus.tag_ not in ("VBG", "VBN"):
        return
    copulas = [c for c in focus.children if c.dep_ in ("aux", "auxpass") and c.lemma_ == "be"
               and relative.i < c.i < focus.i and c.tag_ in ("VBZ", "VBD")]
    stranded = [c for c in focus.children if c.dep_ in ("nsubj", "nsubjpass")
                and relative.i < c.i]
    if not copulas or len(stranded) > 1:
        return
    copula = copulas[0]
    before = [c for c in focus.children if c.i < copula.i and c.i != relative.i]
    _take_place(copula, focus)
    relative.head, relative.dep_ = copula, "csubj"
    for token in before:  # the relative's object, and asides before the copula
        token.head = relative
        if token in stranded:
            token.dep_ = "dobj"
    focus.head, focus.dep_ = copula, "attr"


def _misparsed_subject(token: Any) -> bool:
    """The second of two noun subjects the parse gives a verb, not joined by "and" ("the
    debrief after the sim is..."), or "having" / "being" read as a subject before the noun
    that is ("having families on the round has...")."""
    siblings = [c for c in token.head.children if c.i != token.i]
    if token.dep_ == "csubj" and token.tag_ == "VBG" and token.lemma_ in ("have", "be"):
        return any(c.dep_ == "nsubj" and c.i > token.i for c in siblings)
    doc = token.doc
    return token.dep_ == "nsubj" and any(
        c.dep_ == "nsubj" and c.i < token.i and c.pos_ in ("NOUN", "PROPN")
        and not any(t.pos_ == "CCONJ" for t in doc[c.i : token.i])  # ", and the parents are"
        for c in siblings)


_TAGGED_CLASS = {"NOUN": "noun", "ADJ": "adjective"}


def _as_tagged(doc: Any, found: list[tuple[str | None, Link]]) -> list[Link]:
    """The links, where a cue read both as a noun and as an adjective ("key to safety") keeps
    only the reading the tagger gives it."""
    classes: dict[int, set[str | None]] = {}
    for word_class, link in found:
        classes.setdefault(link.cue[0], set()).add(word_class)
    return [link for word_class, link in found
            if not {"noun", "adjective"} <= classes[link.cue[0]]
            or _TAGGED_CLASS.get(doc[link.cue[0]].pos_, word_class) == word_class]


def _state_of_people(nodes: dict[str, Any]) -> Any:
    """ "made us safer", "makes them braver": the state the people are put in is the outcome,
    not the people, named by a pronoun."""
    complement, b = nodes.get("complement"), nodes["b"]
    if complement is None or complement.pos_ != "ADJ" or b.tag_ != "PRP" or b.head != complement:
        return None
    return complement


def _expletive_outcome(nodes: dict[str, Any]) -> Any:
    """ "makes it easier to speak up", "makes it harder for staff to challenge": what is made
    easier is the deed in the clause after the adjective, not "it"."""
    complement, b = nodes.get("complement"), nodes["b"]
    if complement is None or b.lower_ != "it":
        return None
    deeds = [c for c in complement.children if c.dep_ in ("xcomp", "advcl", "ccomp")
             and c.pos_ == "VERB"]
    return deeds[0] if deeds else None


def _transitive(nodes: dict[str, Any], lexicon: Lexicon, word_class: str) -> bool:
    """A cue verb read with its preposition ("build on") that has a direct object of its own
    and a reading without the preposition: the object reading is the one meant, unless the
    object is only who it happens to ("protects us from burnout")."""
    cue, prep = nodes["cue"], nodes.get("prep")
    objects = [c for c in cue.children if c.dep_ == "dobj"]
    if prep is None or word_class != "verb" or not objects:
        return False
    if objects[0].tag_ == "PRP" or objects[0].lemma_.lower() in _WHO:
        return False
    return any(not e.prep for e in lexicon.lookup(word_class, cue.lemma_.lower()))


_WHO = frozenset({"people", "staff", "everyone", "everybody", "patient", "colleague"})
_SHIFTING_PARTICLES = frozenset({"in", "back", "off", "over", "away", "on", "along", "around",
                                 "round", "through", "out"})


def _adjunct_object(verb: Any, b: Any, cue: Cue) -> bool:
    """An adverbial read as a cue verb's object beside a real one ("causes delays, every
    day"), or a verb whose particle makes it another verb ("bring in", "take over")."""
    if b.dep_ in ("npadvmod", "advmod") and any(c.dep_ == "dobj" for c in verb.children):
        return True
    if cue.with_ and any(t.dep_ == "prep" and t.lower_ == "from" and (
            t.head.i == verb.i or t.head.lower_ in ("away", "out")) for t in verb.subtree):
        return True  # "takes the energy (away) from the team": taken away, not needed
    return any(c.dep_ == "prt" and c.lower_ in _SHIFTING_PARTICLES
               and c.lower_ not in cue.with_ for c in verb.children)


def _negated_here(verb: Any, cue: Any) -> bool:
    """True when the negation is on the copula or the cue itself ("isn't a substitute", "no
    substitute"), not on an opinion above it ("I don't think A is a substitute for B")."""
    return any(c.dep_ == "neg" or c.lower_ in ("no", "never") for t in (verb, cue)
               for c in t.children)


def _possessive_got(cue: Any) -> bool:
    """ "have got": possession, not the causative "get"."""
    return cue.lemma_ == "get" and any(c.dep_ == "aux" and c.lemma_ == "have"
                                       for c in cue.children)


def idiom(word: Any) -> bool:
    """A noun in a fixed phrase that only comments on the sentence ("of course", "in fact",
    "at least", "for example", "in my experience")."""
    if word.dep_ == "prep":  # "keeps people, in my experience": the prep of a place
        word = next((c for c in word.children if c.dep_ == "pobj"), word)
    prep = word.head
    if prep.dep_ == "prep" and (prep.lower_, word.lower_) in _OPINIONS:
        return True  # "in my experience", "in my view"
    return prep.dep_ == "prep" and (prep.lower_, word.lower_) in _IDIOMS and not any(
        c.dep_ in ("det", "amod", "poss") for c in word.children)


_OPINIONS = frozenset({("in", "experience"), ("in", "view"), ("in", "opinion")})
_IDIOMS = frozenset({("of", "course"), ("in", "fact"), ("at", "least"), ("at", "most"),
                     ("for", "example"), ("for", "instance"), ("in", "general"),
                     ("in", "particular"), ("in", "practice"), ("in", "turn"), ("at", "times"),
                     ("on", "average"), ("in", "theory"), ("by", "far"), ("at", "all")})


def _hortative(cue: Any) -> bool:
    """ "let's": a suggestion to do something together, not something let happen."""
    doc = cue.doc
    return cue.lower_ == "let" and cue.i + 1 < len(doc) and doc[cue.i + 1].lower_ in ("'s", "’s")


def _denied(prep: Any) -> bool:
    """ "comes from A, not from B": the phrase after "not" is denied."""
    return prep is not None and prep.i > 0 and prep.doc[prep.i - 1].lower_ in ("not", "n't")


def _bare_participle(cue: Any) -> bool:
    """ "need protected time": a past participle with no form of "have" or "be" before it is
    an adjective the parser took for the verb."""
    if cue.tag_ != "VBN":
        return False
    if cue.lower_ == cue.lemma_.lower() and any(c.dep_ == "nsubj" for c in cue.children):
        return False  # "crises come from...": "come", "cut", "put" are base forms too
    return not any(c.lemma_ in ("have", "be", "get") for c in cue.children
                   if c.dep_ in ("aux", "auxpass"))


def _outcome(nodes: dict[str, Any], lexicon: Lexicon) -> bool:
    """A causative names an outcome for someone: not "makes it possible", "makes that harder"
    (what is made easier is named elsewhere) nor a comparison."""
    result, undergoer = nodes["b"], nodes["undergoer"]
    if prone(result) is not None:
        return True  # "makes staff more likely to report": the reporting
    if result.lemma_.lower() in _EVALUATIVE or (
            undergoer.lower_ in _NOT_UNDERGOERS and not (
                undergoer.lower_ == "it" and result.pos_ == "ADJ" and result.dep_ == "oprd")):
        return False  # "makes it harder", "makes the job easier": what is eased is elsewhere;
        #               "keeps it safe" names the outcome
    following = result.doc[result.i + 1] if result.i + 1 < len(result.doc) else None
    if result.pos_ == "ADV" and following is not None and following.pos_ in ("VERB", "AUX"):
        return False  # "made the managers upstairs count heads": a place, not an outcome
    companions = {w for e in lexicon.lookup("verb", nodes["cue"].lemma_.lower()) for w in e.with_}
    return result.lower_ not in companions


def measure(noun: Any, of: Any) -> bool:
    """A noun of quantity with "a" before it and a bare noun after its "of" ("a piece of
    plastic", "a bit of paper"): an amount of stuff, no part of it (the caller keeps "a piece
    of teamwork", where the codebook names the stuff)."""
    return noun.lemma_.lower() in _PORTIONS and any(
        c.dep_ == "det" and c.lower_ in ("a", "an") for c in noun.children) and not any(
        c.dep_ in ("det", "poss") for c in of.children)


_PORTIONS = frozenset({"piece", "bit", "slice", "scrap", "lump", "chunk"})


def prone(adjective: Any) -> tuple[Any, str] | None:
    """The deed an adjective of readiness says people are more or less ready to do, and
    which way: "more likely to report" (the reporting, more), "less willing to speak up",
    "unlikely to come back" (less); None for another word."""
    lemma = adjective.lemma_.lower()
    deeds = [c for c in adjective.children if c.dep_ == "xcomp" and c.pos_ == "VERB"]
    if lemma not in _READY or not deeds:
        return None
    degree = [c.lower_ for c in adjective.children if c.dep_ == "advmod"]
    way = "less" if lemma.startswith("un") or "less" in degree else (
        "more" if "more" in degree else "")
    return deeds[0], way


_READY = frozenset({"likely", "unlikely", "willing", "unwilling", "able", "unable", "inclined",
                    "prone", "keen", "ready"})


_SUSTAINED = frozenset({"go", "going", "run", "running", "alive", "afloat", "together",
                        "moving", "ticking", "flowing"})
_NOT_UNDERGOERS = frozenset({"it", "that", "this", "things", "everything", "what", "which"})
_EVALUATIVE = frozenset({"easy", "hard", "difficult", "possible", "impossible", "simple",
                         "complicated", "clear", "obvious", "normal", "worse", "better", "bad",
                         "good", "tough", "quick", "slow", "likely", "unlikely", "more", "less"})


_JUDGEMENTS = frozenset({"worse", "better"})
_SIZED = {"longer": "more", "bigger": "more", "larger": "more", "higher": "more",
          "greater": "more", "shorter": "less", "smaller": "less", "lower": "less"}


def _judged(link: Link, outcome: Any, judged: str) -> Link:
    """The side a causative judges ("makes the breathlessness worse") records the judgement."""
    def side(arg: Arg) -> Arg:
        return replace(arg, judged=judged) if arg.head == outcome.i else arg

    return replace(link, subject=side(link.subject), object=side(link.object))


def _as_outcome(link: Link, outcome: Any, left_out: frozenset[int]) -> Link:
    """A causative's outcome ("makes people defensive", "makes it easier to speak up"): its
    side leaves out `left_out`, and an adjective or a verb may name it."""

    def side(arg: Arg) -> Arg:
        if arg.head != outcome.i:
            return arg
        return replace(arg, exclude=arg.exclude | left_out, result=True)

    return replace(link, subject=side(link.subject), object=side(link.object))


def _entry(word_class: str, nodes: dict[str, Any], lexicon: Lexicon) -> Cue | None:
    """The lexicon entry a construction's cue stands for: its preposition must be one the entry
    allows, and an entry that needs a word beside the cue ("drive ... underground") wins."""
    cue = nodes["cue"]
    prep = nodes.get("prep")
    word = cue.lower_ if _CUE_ATTR[word_class] == "LOWER" else cue.lemma_.lower()
    compound = prep is None and nodes["b"].dep_ == "compound"  # "a safety risk": risk to safety
    entries = [
        e
        for e in lexicon.lookup(word_class, word)
        if ((prep is None) == (not e.prep) or compound) and (prep is None or prep.lower_ in e.prep)
    ]
    near = {t.lower_ for t in cue.children if t.dep_ not in _SUBJECTS} | {
        t.lower_ for c in cue.children if c.dep_ in ("dobj", "xcomp", "oprd")
        for t in c.subtree if t.dep_ in ("advmod", "prt", "acomp", "oprd")
    }
    near |= {nodes["complement"].lemma_.lower()} if "complement" in nodes else set()
    specific = [e for e in entries if e.with_ and near.intersection(e.with_)]
    if specific:
        return specific[0]
    if "complement" in nodes:
        return None  # a complement is only read for entries that name its word
    plain = [e for e in entries if not e.with_]
    return plain[0] if plain else None


_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass"})  # "staff take it home"


def _elaborated(cue: Any, b: Any) -> bool:
    """An argument after a colon that spells out an argument of the same kind before it."""
    colons = [t.i for t in cue.doc[cue.i : b.i] if t.text == ":"]
    return bool(colons) and any(c.dep_ == b.dep_ and c.i < colons[0] for c in cue.children)


def _pairs(
    relation: str,
    subject: Any,
    obj: Any,
    cue: Any,
    rule: str,
    confidence: float,
    negated: bool,
    doc: Any,
    hedged: bool = False,
) -> list[Link]:
    """One link per pair of conjuncts: "A and B undermine C" gives two."""
    span = (cue.i, cue.i + 1)
    return [
        Link(relation, Arg(s.i, _others(s)), Arg(o.i, _others(o)), span, rule, confidence,
             negated, hedged)
        for s in _conjuncts(subject)
        for o in _conjuncts(obj)
        if s.i != o.i
    ]


def _conjuncts(token: Any) -> list[Any]:
    """A token and the nouns coordinated with it; for a quantity, with what it is of ("most of
    our referrals and dispositions")."""
    if token.pos_ == "VERB":
        return [token]
    inner = quantified(token)
    listed = [x for a in token.children if a.dep_ == "appos" and a.conjuncts
              and a.left_edge.i <= token.i + 2  # not a list the parse hung far from it
              for x in (a, *a.conjuncts)]  # "a longer appointment, a quiet room and the GP"
    joined = [c for c in token.conjuncts if _joined(token, c)]
    if token.dep_ == "pobj":  # "comes from the wards and from the traffic"
        joined += [c for p in token.head.conjuncts if p.lower_ == token.head.lower_
                   and _joined(token.head, p) for c in p.children if c.dep_ == "pobj"]
    return [token, *joined, *listed, *(inner.conjuncts if inner is not token else ())]


def _joined(token: Any, other: Any) -> bool:
    """Two conjuncts said together, not set against each other ("legitimacy rather than rank",
    "support but not control")."""
    low, high = sorted((token.i, other.i))
    return not any(t.lower_ in _SET_AGAINST and t.dep_ in ("cc", "neg", "preconj", "advmod")
                   for t in token.doc[low + 1 : high + 1])


_SET_AGAINST = frozenset({"than", "but", "not", "instead", "versus", "vs", "nor"})


QUANTITIES = frozenset(["some", "most", "much", "many", "all", "any", "half", "none", "each",
                        "minutes", "hours", "days", "nights", "weeks", "months", "years",
                        "majority", "bulk", "rest", "share", "proportion", "plenty", "lot",
                        "lots", "bit", "kind", "sort", "amount", "number", "deal", "couple",
                        "load", "loads", "level", "degree", "third", "quarter", "fifth",
                        "tenth", "fraction", "percent", "cent", "variety", "range", "handful",
                        "host", "pile", "array", "chunk", "slice", "portion"])


def quantified(head: Any) -> Any:
    """What a vague quantity or a number is of: "a lot of the conflict", "some of the staff",
    "most of it", "two of them"; not "one of the things", which names a member."""
    if head.lower_ not in QUANTITIES and (head.tag_ != "CD" or head.lower_ == "one"):
        return head
    of = [c for c in head.children if c.dep_ == "prep" and c.lower_ == "of"]
    inner = [c for c in of[0].children if c.dep_ in ("pobj", "pcomp")] if of else []
    return inner[0] if inner else head


def _others(token: Any) -> frozenset[int]:
    """Tokens of the conjuncts of `token` and of relative clauses: not part of its argument."""
    out: set[int] = set()
    verb = token.pos_ in ("VERB", "AUX")  # its complement is part of it: "get people reporting"
    for child in token.children:
        if child.dep_ in ("conj", "cc", "relcl", "appos", "punct") or (
                child.dep_ in CLAUSE_DEPS and not (verb and child.dep_ in _COMPLEMENTS)) or (
                child.dep_ == "prep" and any(g.dep_ == "neg" for g in child.children)):
            #  "from the old people, not from the training": what it is set against
            out.update(t.i for t in child.subtree)
    return frozenset(out)


_COMPLEMENTS = frozenset({"ccomp", "xcomp"})


AUXILIARIES = frozenset({"can", "could", "will", "would", "may", "might", "must", "should",
                         "does", "do", "did", "to", "'ll", "'d", "n't", "not", "never", "also",
                         "really", "just", "always", "often"})
QUESTION_AUXILIARIES = frozenset({"does", "do", "did", "can", "could", "will", "would", "should",
                                  "might", "has", "have"})
NEGATION_WORDS = frozenset({"not", "n't", "never", "no", "cannot"})
BE = frozenset({"is", "are", "was", "were", "be", "been", "being", "'s", "'re", "gets", "get",
                "got"})


def _opens(doc: Any, i: int) -> bool:
    """True when token i opens the sentence, after fillers ("And", "Um,")."""
    return all(t.is_punct or t.lower_ in _FILLERS for t in doc[:i])


_FILLERS = frozenset({"and", "but", "so", "well", "oh", "um", "uh", "er", "erm", "yeah", "just",
                      "really", "honestly"})


def _verb_windows(doc: Any, lexicon: Lexicon, lemmas: list[str]) -> list[Link]:
    """Cue verbs read from the words around them: "A erodes B", "A and B erode C",
    "B is eroded by A", "A leads to B"; only a word in a verb's form (inflected, or after an
    auxiliary) counts."""
    out = []
    for i, token in enumerate(doc):
        entries = lexicon.lookup("verb", lemmas[i])
        if not entries or not _verb_form(doc, i, lemmas[i]) or _participle_adjective(doc, i):
            continue
        if token.dep_ == "aux" and token.pos_ == "VERB":
            continue  # "helps" of "helps prevent burnout": the verb it helps is the cue
        if token.tag_ == "VBN" and (i == 0 or doc[i - 1].lemma_ not in ("be", "have", "get")):
            continue  # "needs protected time": a participle as an adjective
        after = i + 1
        companion, entry = next(((t.i, e) for t in doc[after : after + REACH + 1]
                                 for e in entries if t.lower_ in e.with_),
                                (None, None))  # "drives it underground"
        entry = entry or next((e for e in entries if e.prep and not e.with_ and after < len(doc)
                               and doc[after].lower_ in e.prep), None)
        entry = entry or next((e for e in entries if not e.prep and not e.with_
                               and (after >= len(doc) or doc[after].tag_ != "IN")), None)
        if entry is None:  # "protects against B" is not "protects B"
            continue
        particle = companion is not None and companion == after  # "chips away at trust"
        after = companion + 1 if particle else after
        after += bool(entry.prep) and after < len(doc) and doc[after].lower_ in entry.prep
        if entry.change and not any(t.lower_ in lexicon.marks for t in doc[after : after + 2]):
            continue  # "leadership means listening" defines; "means fewer errors" says more
        if any(t.lower_ in _SHIFTING_PARTICLES and t.lower_ not in entry.with_
               for t in doc[after : after + 4]):
            continue  # "drives good nurses out": another verb, read by the rules if at all
        left = max((t.i + 1 for t in doc[:i] if _stop(t) or t.text == ","
                    or t.tag_ in ("VBZ", "VBP", "VBD", "MD")), default=0)
        right = next((t.i for t in doc[after:] if _stop(t) or t.text == ","), len(doc))
        if entry.with_ and not particle:
            right = min(right, companion)
        passive = i > 0 and doc[i - 1].lower_ in BE and token.lower_.endswith(("ed", "en"))
        if passive:
            by = next((t.i for t in doc[after:right] if t.lower_ == "by"), None)
            if by is None:
                continue
            agent, patient = Arg(None, window=(by + 1, min(right, by + 1 + REACH))), Arg(
                None, window=(max(left, i - REACH), i))
        else:
            agent = Arg(None, window=(max(left, i - REACH), i))
            patient = Arg(None, window=(after, min(right, after + REACH)))
            if _opens(doc, i) and token.lower_.endswith("s"):  # "Planned maintenance. Cuts
                agent = Arg(None)  # breakdowns.": the subject is the sentence before
        if any(w.window is not None and w.window[0] >= w.window[1] for w in (agent, patient)):
            continue  # nothing on one side: "..., teamwork grows."
        subject, obj = (patient, agent) if entry.reverse else (agent, patient)
        before = {t.lower_ for t in doc[max(left, i - 3) : i]}
        out.append(Link(entry.relation, subject, obj, (i, after), "cue-verb-words",
                        round(entry.confidence * 0.9, 3),
                        bool(before & NEGATION_WORDS) or is_negated(token)
                        or _denied_opinion(doc, i),
                        bool(before & MODALS) or is_hedged(token)))
    return out


def _denied_opinion(doc: Any, i: int) -> bool:
    """ "I don't believe A erodes B", read from the words: a negated opinion verb before, not
    before a "but" ("I don't think A is the problem, but B kills C")."""
    start = max((t.i + 1 for t in doc[:i] if t.lower_ in ("but", "yet", ";")), default=0)
    return any(
        token.lemma_.lower() in OPINION_VERBS
        and {t.lower_ for t in doc[max(0, token.i - 2) : token.i]} & NEGATION_WORDS
        for token in doc[start:i]
    )


def _participle_adjective(doc: Any, i: int) -> bool:
    """ "protected time", "reduced staffing": a participle used as an adjective."""
    token = doc[i]
    following = doc[i + 1] if i + 1 < len(doc) else None
    return (token.dep_ == "amod" and token.lower_.endswith("ed") and following is not None
            and following.pos_ in ("NOUN", "PROPN") and token.head.i == following.i)


def _verb_form(doc: Any, i: int, lemma: str) -> bool:
    """An inflected verb ("erodes", "eroded", "is eroding"), or a base form after an
    auxiliary ("can erode") or after a plural subject ("A and B erode")."""
    if _opens(doc, i):  # "Cuts breakdowns.", not "Cuts hurt everyone."
        following = doc[i + 1] if i + 1 < len(doc) else None
        return (doc[i].lower_ != lemma and doc[i].lower_.endswith("s") and following is not None
                and following.pos_ not in ("VERB", "AUX"))
    word, previous = doc[i].lower_, doc[i - 1]
    if word.endswith("ing"):
        return previous.lower_ in BE
    if word != lemma and word.endswith(("s", "ed", "en")):
        return True
    plural = previous.pos_ in ("NOUN", "PROPN", "PRON") and previous.lower_.endswith(("s", "y"))
    followed = i + 1 < len(doc) and doc[i + 1].lower_ != "of"
    asked = doc[0].lower_ in QUESTION_AUXILIARIES and i >= 2  # "Does the rota undermine ..."
    return previous.lower_ in AUXILIARIES or ((plural or asked) and followed)


def is_negated(token: Any) -> bool:
    """A negation on the word, a governing "I don't think" over its clause, or a denied cleft
    around it ("it's not the assault that makes people leave")."""
    if any((c.dep_ == "neg" or c.lower_ in ("never",)) and not _contrastive(c)
           for c in token.children):
        return True
    if _denied_cleft(token) or _denied_pseudo_cleft(token):
        return True
    if any(c.dep_ == "det" and c.lower_ == "no" for c in token.children) and token.pos_ == "NOUN":
        return True
    for below, above in pairwise([token, *token.ancestors]):
        if below.dep_ == "conj" and any(c.dep_ == "cc" and c.lower_ in ("but", "yet")
                                        for c in above.children):
            return False  # "I don't think A is the problem, but B kills C": B is said
        if above.lemma_ in OPINION_VERBS and below.dep_ in ("ccomp", "xcomp") and any(
                c.dep_ == "neg" for c in above.children):
            return True  # "I don't think workload is what drives sickness", however parsed
        if below.dep_ in ("acl", "ccomp", "relcl") and any(
                t.lemma_ in _EVIDENCE and any(c.dep_ == "det" and c.lower_ == "no"
                                              for c in t.children)
                for t in (above, *(c for c in above.children if c.dep_ in ("attr", "nsubj")))):
            return True  # "there's no evidence that naloxone increases drug use"
    return False


_EVIDENCE = frozenset({"evidence", "proof", "sign", "indication", "suggestion", "data"})


def _denied_pseudo_cleft(token: Any) -> bool:
    """The verb of a free relative after a negated copula: "workload isn't what drives
    sickness", "not knowing is not what makes them skip insulin", "that's not where the
    cancellations come from"."""
    copula = token.head
    if token.dep_ not in ("ccomp", "attr", "xcomp", "relcl", "advcl") or copula.lemma_ != "be":
        return False
    free = any(c.dep_ == "nsubj" and c.lower_ == "what" for c in token.children) or any(
        t.lower_ in ("where", "why", "how") and t.i < token.i for t in token.subtree)
    return free and _plainly_negated(copula)


def _denied_cleft(token: Any) -> bool:
    """The verb of a cleft's relative clause whose copula is negated: "it's not A that drives
    B", "it wasn't the money that kept them"."""
    if token.dep_ != "relcl" or token.head.dep_ != "attr":
        return False
    copula = token.head.head
    return copula.lemma_ == "be" and any(c.dep_ == "nsubj" and c.lower_ in ("it", "that")
                                         for c in copula.children) and _plainly_negated(copula)


def _plainly_negated(token: Any) -> bool:
    """A "not" on the word itself that denies it, not a phrase after it (see _contrastive)."""
    return any(c.dep_ == "neg" and not _contrastive(c) for c in token.children)


def _instead(doc: Any, found: list[Link]) -> list[Link]:
    """ "Deprivation drives it, not the schools", "it comes down to communication, not
    dentistry": the relation is denied of the phrase after "not", put in the place of the
    argument it stands against (the last one before it that is not a pronoun)."""
    out = []
    for negation in doc:
        if negation.lower_ != "not" or not _contrastive(negation):
            continue
        start = negation.i + 1 + (doc[negation.i + 1].pos_ == "ADP")  # "not from bad people"
        rival = _phrase_head(doc, start)
        if rival is None:
            continue
        for link in found:
            heads = [x.head for x in (link.subject, link.object)]
            if (link.negated or link.cue[0] > negation.i or None in heads
                    or max(heads) > negation.i or not _governs(doc, link, negation)):
                continue
            pairs = (("subject", link.subject), ("object", link.object))
            focus = [(arg.head, name) for name, arg in pairs if _cleft_focus(doc[arg.head])]
            sides = focus or sorted((arg.head, name) for name, arg in pairs
                                    if doc[arg.head].pos_ not in ("PRON", "DET"))
            before = next((t for t in reversed(doc[: negation.i]) if not t.is_punct), None)
            if before is None or not any(before in doc[head].subtree for head in heads):
                continue  # "keeps them safe, the routine, not the cleverness": no argument's
            if sides and _kind(doc[sides[-1][0]]) == _kind(rival):
                out.append(replace(link, **{sides[-1][1]: Arg(rival.i, _others(rival))},
                                   negated=True))
    return out


_HAVING = frozenset({"have", "get", "include", "comprise", "contain"})


def _counted_parts(doc: Any, lexicon: Lexicon) -> list[Link]:
    """ "It had three parts, the board rounds, criteria-led discharge and the lounge", "the hub's
    got four strands: ...": a whole, the counted parts it has, and the list that names them."""
    out = []
    for parts in doc:
        if parts.dep_ != "dobj":
            continue
        verb = parts.head
        wholes = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        if (verb.lemma_ not in _HAVING or not wholes
                or not any(c.dep_ == "nummod" for c in parts.children)
                or not any(e.relation == "isPartOf"
                           for e in lexicon.lookup("noun", parts.lemma_.lower()))):
            continue
        items = [t for t in doc[parts.i + 1 :] if t.pos_ in ("NOUN", "PROPN")
                 and (t.head in (parts, verb) or t.dep_ == "conj")]
        if not items and _ends_clause(parts):  # "The programme has four pieces." and then
            items, rule = [parts], "counted-sentences"  # the pieces, sentence by sentence
        else:
            rule = "counted-parts"
        out += [Link("isPartOf", Arg(item.i, _others(item)), Arg(wholes[0].i, _others(wholes[0])),
                     (parts.i, parts.i + 1), rule, 0.7, is_negated(verb),
                     is_hedged(verb)) for item in items]
    return out


def _ends_clause(noun: Any) -> bool:
    """A noun nothing follows in its sentence but punctuation and adverbs ("four parts,
    roughly.")."""
    return all(t.is_punct or t.pos_ == "ADV" for t in noun.doc[noun.i + 1 :])


def _proportional(doc: Any) -> list[Link]:
    """ "The more you blame people, the less they report": two clauses each opened by "the"
    and a comparative; the first's growth goes with the second's (enables) or against it
    (undermines). A side is the noun the comparative measures ("the more time"), else its
    clause."""
    marks = [t for t in doc[1:] if t.lower_ in _COMPARATIVES and doc[t.i - 1].lower_ == "the"]
    if len(marks) != 2:
        return []
    first, second = (mark.head if mark.dep_ == "amod" and mark.head.pos_ == "NOUN" else next(
        (t for t in (mark, *mark.ancestors) if t.pos_ in ("VERB", "AUX")), None) for mark in marks)
    if first is None or second is None or first.i == second.i:
        return []
    same = _COMPARATIVES[marks[0].lower_] == _COMPARATIVES[marks[1].lower_]

    def clause_of(noun: Any) -> frozenset[int]:  # "the more time you give them": the time
        return frozenset(t.i for c in noun.children if c.dep_ == "relcl" and noun.pos_ == "NOUN"
                         for t in c.subtree)

    return [Link("enables" if same else "undermines",
                 Arg(first.i, clause_of(first), keep_polarity=False),
                 Arg(second.i, frozenset(t.i for t in first.subtree) | clause_of(second),
                     keep_polarity=False), (marks[0].i - 1, marks[0].i + 1),
                 "the-more-the-more", 0.7, False, is_hedged(second))]


_COMPARATIVES = {"more": 1, "less": -1, "fewer": -1, "higher": 1, "lower": -1, "greater": 1,
                 "bigger": 1, "smaller": -1, "better": 1, "worse": -1, "longer": 1,
                 "shorter": -1, "faster": 1, "sooner": 1}


def _share_of_that(doc: Any) -> list[Link]:
    """ "Complaints went up. A lot of that is the waiting.", "Part of that was the restructure":
    a share of what the sentence before says is put down to something, its cause."""
    out = []
    for share in doc:
        copula = share.head
        if share.dep_ != "nsubj" or share.lower_ not in _SHARES or copula.lemma_ != "be":
            continue
        of = [c for c in share.children if c.dep_ == "prep" and c.lower_ == "of"]
        back = [c for c in of[0].children if c.lower_ in ("that", "it", "this")] if of else []
        causes = [c for c in copula.children if c.dep_ == "attr" and c.i > copula.i]
        if back and causes:
            out.append(Link("isConsequenceOf", Arg(None, previous=True), Arg(causes[0].i),
                            (share.i, back[0].i + 1), "share-of-that", 0.65, is_negated(copula),
                            is_hedged(copula)))
    return out


_SHARES = frozenset({"lot", "most", "some", "much", "part", "half", "all", "bit", "plenty"})


def _did_that(doc: Any) -> list[Link]:
    """ "The kindness goes. The tiredness does that, not the person.", "That's what the
    assaults did": what a thing is said to have done stands for the sentence before, which is
    its consequence."""
    out = []
    for verb in doc:
        if verb.lemma_ != "do" or verb.pos_ != "VERB":
            continue
        doers = [c for c in verb.children if c.dep_ == "nsubj" and c.pos_ in ("NOUN", "PROPN")]
        copula = verb.head
        said = copula.lemma_ == "be" and any(c.dep_ == "nsubj" and c.lower_ in ("that", "this")
                                             for c in copula.children)  # "that's what A did"
        done = [c for c in verb.children if c.dep_ == "dobj" and (
            c.lower_ in ("that", "this") or (c.lower_ == "what" and said))]
        if doers and done:
            out.append(Link("isConsequenceOf", Arg(None, previous=True), Arg(doers[0].i),
                            (verb.i, verb.i + 1), "did-that", 0.6, is_negated(verb),
                            is_hedged(verb)))
    return out


def _outcome_after(doc: Any, lexicon: Lexicon) -> list[Link]:
    """ "We put a coordinator on the late shift. The queues dropped by half.": a change told on
    its own, with nothing else linked, is put down to the sentence before (whether that tells
    of something done is checked where the link is read)."""
    root = doc[:].root
    subjects = [c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")
                and c.pos_ in ("NOUN", "PROPN")]
    if not subjects or is_negated(root) or not changing(lexicon, root):
        return []
    return [Link("isConsequenceOf", Arg(root.i), Arg(None, previous=True), (root.i, root.i + 1),
                 "outcome-after", 0.6, False, is_hedged(root))]


def _done_and_changed(doc: Any, lexicon: Lexicon) -> list[Link]:
    """ "We put in sensor mats, and the falls halved": a clause of something done, and one
    coordinated with it telling of a change, which is put down to what was done (whether it
    tells of something put in place is checked where the link is read)."""
    return [Link("isConsequenceOf", Arg(change.i), Arg(verb.i, frozenset(
                     t.i for t in change.subtree)), (change.i, change.i + 1), "done-and-change",
                 0.6, False, is_hedged(change))
            for verb in doc if verb.dep_ == "ROOT" and verb.pos_ == "VERB"
            for change in verb.children if change.dep_ == "conj" and change.pos_ == "VERB"
            and not is_negated(change) and any(c.dep_ in ("nsubj", "nsubjpass") and c.pos_ in (
                "NOUN", "PROPN") for c in change.children) and changing(lexicon, change)]


def _change_with(doc: Any, lexicon: Lexicon) -> list[Link]:
    """ "With the electric beds, the back pain goes down", "sickness fell with the new rota",
    "her confidence grew through coaching": a change told with what came with it, or what it
    came through, is put down to that (not to a time: "with time", "through the night")."""
    out = []
    for verb in doc:
        if verb.dep_ not in ("ROOT", "conj") or is_negated(verb) or not changing(lexicon, verb):
            continue
        if not any(c.dep_ in ("nsubj", "nsubjpass") and c.pos_ in ("NOUN", "PROPN")
                   for c in verb.children):
            continue
        for prep in (c for c in verb.children if c.dep_ == "prep" and c.lower_ in ("with",
                                                                                   "through")):
            causes = [c for c in prep.children if c.dep_ == "pobj" and c.pos_ in ("NOUN", "PROPN")
                      and c.lemma_.lower() not in _TIMES and c.lower_ not in _THROUGH]
            if causes:
                around = frozenset(t.i for t in prep.subtree)
                out.append(Link("isConsequenceOf", Arg(verb.i, around), Arg(causes[0].i),
                                (prep.i, prep.i + 1), "change-with", 0.6, False, is_hedged(verb)))
    return out


_TIMES = frozenset({"time", "while", "year", "month", "week", "day", "hour", "minute", "moment",
                    "season", "age", "shift", "night", "morning", "evening"})


def _cleft_focus(token: Any) -> bool:
    """The relative pronoun of an it-cleft ("it's the culture that drives the errors, not the
    staff"): what a phrase after "not" at the end stands against is the focus it stands for."""
    clause = token.head
    return (token.tag_ in ("WDT", "WP") and clause.dep_ == "relcl" and clause.head.dep_ == "attr"
            and any(c.dep_ == "nsubj" and c.lower_ == "it" for c in clause.head.head.children))


def _kind(token: Any) -> str:
    """A noun or a verb: a phrase after "not" stands against an argument of its own kind."""
    return "verb" if token.pos_ in ("VERB", "AUX") else "noun"


def _phrase_head(doc: Any, start: int) -> Any:
    """The head of the noun phrase from `start` to the next punctuation mark."""
    end = next((t.i for t in doc[start:] if t.is_punct), len(doc))
    head = span_head(doc, start, end)
    return head if head is not None and head.pos_ in ("NOUN", "PROPN", "VERB") else None


def span_head(doc: Any, start: int, end: int) -> Any:
    """The one token of doc[start:end] whose head lies outside it, if the span is one phrase."""
    heads = [t for t in doc[start:end] if not start <= t.head.i < end or t.head.i == t.i]
    return heads[0] if len(heads) == 1 else None


def _governs(doc: Any, link: Link, negation: Any) -> bool:
    """The "not" hangs in the link's clause: on its cue or on one of its arguments."""
    anchors = {*range(*link.cue), link.subject.head, link.object.head}
    return negation.head.i in anchors or any(t.i in anchors for t in negation.ancestors)


def _contrastive(negation: Any) -> bool:
    """ "a consequence of A, not of B", "part of the training, not a favour": a "not" after a
    comma, before a preposition or a noun phrase, denies the phrase after it, not the word it
    hangs on."""
    doc, i = negation.doc, negation.i
    return (i > negation.head.i and i + 1 < len(doc) and doc[i - 1].text == ","
            and doc[i + 1].pos_ in ("ADP", "DET", "NOUN", "PROPN", "NUM"))  # ", not a favour"


def is_hedged(token: Any) -> bool:
    """A modal or a hedging adverb on the word, or a hedging verb governing its clause."""
    if any(c.lower_ in MODALS or c.lower_ in HEDGE_ADVERBS
           or (c.dep_ == "aux" and c.lemma_ in SEEMING) for c in token.children):
        return True  # "may erode", "probably erodes", "seems to erode"
    head = token
    while head.head.i != head.i:
        head = head.head
        if head.lemma_ in HEDGE_VERBS or head.lower_ in HEDGE_ADVERBS:
            return True
        if any(c.lower_ in HEDGE_ADVERBS for c in head.children):
            return True
    return False


# --- connectives: clause-level cues ------------------------------------------------------


class _Words:
    """A sentence's words as cue phrases are written ("n't" as "not"), and where each stands:
    read once for all the classes of connectives."""

    def __init__(self, doc: Any) -> None:
        self.words = ["not" if t.lower_ == "n't" else t.lower_ for t in doc]
        self.at: dict[str, list[int]] = {}
        for i, word in enumerate(self.words):
            self.at.setdefault(word, []).append(i)


def _phrases(sentence: _Words, lexicon: Lexicon, word_class: str) -> list[tuple[Cue, int, int]]:
    """Where the cues of a class stand in the sentence, longest first at each position."""
    words, at = sentence.words, sentence.at
    out: list[tuple[Cue, int, int]] = []
    taken: set[int] = set()
    for cue in lexicon.in_class(word_class):
        parts = _split_clitics(cue.lemma)
        n = len(parts)
        for i in at.get(parts[0], ()):
            if tuple(words[i : i + n]) == parts and not taken.intersection(range(i, i + n)):
                out.append((cue, i, i + n))
                taken.update(range(i, i + n))
    return sorted(out, key=lambda x: x[1])


@cache
def _split_clitics(phrase: str) -> tuple[str, ...]:
    out: list[str] = []
    for word in phrase.split():
        if "'" in word:
            stem, _, rest = word.partition("'")
            out += [stem, "'" + rest]
        else:
            out.append(word)
    return tuple(out)


def _connectives(doc: Any, lexicon: Lexicon) -> list[Link]:
    out: list[Link] = []
    words = _Words(doc)
    for cue, start, end in _phrases(words, lexicon, "subordinator") + _split_only(
            doc, words, lexicon):
        out += _subordinate(doc, lexicon, cue, start, end)
    for cue, start, end in _phrases(words, lexicon, "preposition") + _split_only(
            doc, words, lexicon, "preposition"):
        out += _preposition(doc, lexicon, cue, start, end)
    for cue, start, end in _phrases(words, lexicon, "coordinator"):
        out += _coordinate(doc, cue, start, end)
    for cue, start, end in _phrases(words, lexicon, "discourse"):
        out += _discourse(doc, cue, start, end)
    return out


def _split_only(doc: Any, words: _Words, lexicon: Lexicon, word_class: str = "subordinator"
                ) -> list[tuple[Cue, int, int]]:
    """ "B only works if A", "B only happens when A", "B only happens with A": "only" stands
    on the verb the clause or the phrase hangs on."""
    if "only" not in words.at:
        return []
    out = []
    for token in doc:
        entries = lexicon.lookup(word_class, f"only {token.lower_}")
        if not entries or token.i == 0 or doc[token.i - 1].lower_ == "only":
            continue
        clause = token.head
        if word_class == "preposition":
            governing = clause if token.dep_ == "prep" and clause.lemma_ in _OCCURRING else None
        else:
            governing = clause.head if clause.dep_ == "advcl" else None
        if governing is not None and any(c.lower_ == "only" for c in governing.children):
            out.append((entries[0], token.i, token.i + 1))
    return out


# verbs of what happens or lasts: "B only happens with A", not "she only left with a bag"
_OCCURRING = frozenset({"happen", "work", "come", "occur", "succeed", "grow", "last", "survive",
                        "function", "improve", "change", "thrive", "flourish", "develop"})


def _clause_verb(token: Any) -> Any:
    while token.pos_ not in ("VERB", "AUX") and token.head.i != token.i:
        token = token.head
    return token


def changing(lexicon: Lexicon, head: Any, gone: bool = True) -> str:
    """The direction a clause's verb gives what it is about: "morale drops", "engagement goes
    up", "we lost the camaraderie"."""
    if head.pos_ not in ("VERB", "AUX") or not list(head.children):
        return ""  # "They cut falls.": a verb with nothing of its own is a noun misread
    lemma = head.lemma_.lower()
    phase = phased(head)
    if phase is not None:
        return phase[1]  # "they stop reporting", "people start speaking up"
    if _first_to_go(head):
        return "less"  # "continuity is the first thing to go"
    if lemma in _CEASING and not any(
            c.dep_ in ("dobj", "xcomp", "ccomp", "prep", "prt", "attr", "acomp")
            for c in head.children) and any(
            c.dep_ == "nsubj" and c.pos_ in ("NOUN", "PROPN") for c in head.children):
        return "less"  # "the hoarding stopped", "the complaints ended"
    particles = {c.lower_ for c in head.children if c.dep_ in ("prt", "advmod")}
    moving = any(c.dep_ in ("prep", "dative") and c.lower_ not in _NOT_MOVING
                 for c in head.children)  # "coming down to the ward", not "down by half"
    level = [c for c in head.children if c.dep_ in ("advmod", "prt", "acomp")
             and c.lower_ in ("up", "down") and not list(c.children)]
    if lemma == "be" and level and any(c.dep_ == "nsubj" for c in head.children):
        return "more" if level[0].lower_ == "up" else "less"  # "assaults are down by a third",
        #                                   not "it's down to the manager", "it's up to you"
    if lemma in _MOVING and particles & _ABOVE:
        return "more"  # "when caseloads go above thirty-five"
    through = through_the(head)
    if through:
        return through  # "the waits went through the roof"
    if lemma in _MOVING and not moving:
        return "more" if "up" in particles else "less" if "down" in particles else (
            "less" if gone and is_gone(head) else "")
    for particle in (c.lower_ for c in head.children if c.dep_ == "prt"):
        direction = _change_of(lexicon, f"{lemma} {particle}")
        if direction:
            return direction  # "trust runs out", "complaints fell off", "it picked up"
    if any(c.dep_ == "prt" and c.lower_ not in ("up", "down") for c in head.children):
        return ""  # "students drop out", "fall behind": another verb
    direction = _change_of(lexicon, lemma)
    if direction:
        return direction
    passive = head.tag_ == "VBN" and any(c.dep_ == "auxpass" for c in head.children)
    gerund = head.tag_ == "VBG" and head.dep_ in ("csubj", "nsubj", "pobj", "pcomp")
    if (passive or gerund) and any(
            e.relation == "undermines" and not e.prep and not e.with_
            for e in lexicon.lookup("verb", lemma)):
        return "less"  # "the budget got cut", "staffing was reduced", "cutting the budget"
    return ""


def _change_of(lexicon: Lexicon, words: str) -> str:
    """ "less" or "more" when the lexicon's polarity lists `words` as a change ("drop", "run
    out"), else ""."""
    return next((d for d in ("less", "more") if words in lexicon.polarity.get(d, ())), "")


_MOVING = frozenset({"go", "come", "shoot", "creep"})
_NOT_MOVING = frozenset({"with", "by", "since", "after", "over", "within", "during", "across"})


def through_the(verb: Any) -> str:
    """ "went through the roof" (more), "drove morale through the floor" (less): the
    direction an idiom of going through a ceiling or a floor gives, else ""."""
    ends = [p.lower_ for c in verb.children if c.dep_ == "prep" and c.lower_ == "through"
            for p in c.children if p.dep_ == "pobj"]
    return _THROUGH.get(ends[0], "") if ends else ""


_THROUGH = {"roof": "more", "ceiling": "more", "floor": "less", "ground": "less"}


def _first_to_go(copula: Any) -> bool:
    """ "A is the first thing to go", "the first to go": A is what is lost."""
    if copula.lemma_ != "be":
        return False
    first = [c for c in copula.children if c.dep_ == "attr" and (c.lower_ == "first" or any(
        m.dep_ == "amod" and m.lower_ == "first" for m in c.children))]
    return any(v.dep_ in ("relcl", "acl") and v.lemma_ in _LOST for f in first
               for v in f.children)


_ABOVE = frozenset({"above", "over", "beyond"})
_LOST = frozenset({"go", "suffer", "slip", "disappear", "drop"})
_CEASING = frozenset({"stop", "cease", "end", "halt"})


def is_gone(verb: Any) -> bool:
    """A bare "go" that says something is lost: "the motivation just goes", "if the learning
    goes, the quality goes after it"; not "it goes well", "things go to the board"."""
    if verb.lemma_.lower() != "go" or verb.tag_ == "VBG":
        return False
    for child in verb.children:
        if child.dep_ in ("advmod", "prt") and child.lower_ not in _LOSING and child.tag_ != "WRB":
            return False
        if child.dep_ == "prep" and child.lower_ not in ("after", "with"):
            return False
        if child.dep_ in ("acomp", "xcomp", "ccomp", "oprd", "attr", "dobj", "npadvmod"):
            return False
    return any(c.dep_ == "nsubj" and (c.pos_ in ("NOUN", "PROPN") or c.tag_ == "VBG")
               for c in verb.children)


_LOSING = frozenset({"just", "too", "also", "then", "quickly", "soon", "completely", "away",
                     "altogether", "first", "straight", "simply", "all"})


_PHASES = {"start": "more", "begin": "more", "stop": "less", "quit": "less", "cease": "less"}


def phased(verb: Any) -> tuple[Any, str] | None:
    """What a verb of starting or stopping says people start or stop doing, and which way:
    "stop asking" is the asking, less."""
    phase = _PHASES.get(verb.lemma_.lower())
    done = [c for c in verb.children if c.dep_ in ("xcomp", "ccomp") and c.pos_ == "VERB"]
    return (done[0], phase) if phase and done else None


def _subordinate(doc: Any, lexicon: Lexicon, cue: Cue, start: int, end: int) -> list[Link]:
    """ "A because B", "A unless B", "if B, A": the clause the cue opens, and its head clause."""
    marker = doc[end - 1]
    if marker.dep_ not in ("mark", "advmod", "prep", "ROOT") and marker.head.dep_ != "advcl":
        return []
    if end < len(doc) and doc[end].lower_ == "of":
        return []  # "because of B" is a preposition
    opens = marker.dep_ == "mark" or (marker.dep_ == "advmod" and marker.head.dep_ == "advcl")
    inner = marker.head if opens else marker  # "because B", "when B"
    if inner.dep_ == "ROOT" and opens and _reason_alone(doc, cue, start, end):
        return _explaining_before(cue, Arg(inner.i), (start, end), is_hedged(inner))
    if inner.dep_ not in ("advcl", "ccomp", "prep", "pcomp") or inner.head.i == inner.i:
        return []
    main = _clause_verb(inner.head)
    return _conditional(lexicon, cue, _Clauses(inner, main, frozenset(),
                                               frozenset(t.i for t in inner.subtree)), (start, end))


_CONDITIONS = frozenset({"only if", "unless", "as long as", "so long as", "provided that"})


@dataclass(frozen=True)
class _Clauses:
    """The two clauses of a conditional, each with the tokens that are not part of it."""

    inner: Any  # the condition's verb: "if B"
    main: Any  # what follows from it
    inner_out: frozenset[int]
    main_out: frozenset[int]


def _conditional(lexicon: Lexicon, cue: Cue, c: _Clauses, span: tuple[int, int]) -> list[Link]:
    """The link between a condition (or reason) and its head clause, as the cue reads it."""
    inner, main = c.inner, c.main
    if cue.change and (not changing(lexicon, main) or (_absent(inner) and is_negated(main))):
        return _lacking(lexicon, cue, c, span)
    if span[1] - span[0] == 1 and any(x.lower_ == "only" for x in main.children):
        only = lexicon.lookup("subordinator", f"only {cue.lemma}")
        cue = only[0] if only else cue
    inner_arg = Arg(inner.i, c.inner_out, denied=said_not_to_happen(inner),
                    condition=cue.relation == "requires" and cue.lemma in _CONDITIONS)
    absent = cue.relation != "requires" and said_not_to_happen(main)
    main_arg = Arg(main.i, c.main_out, denied=absent)
    subject, obj = (inner_arg, main_arg) if cue.reverse else (main_arg, inner_arg)
    negated = cue.relation != "requires" and is_negated(main) and not absent
    return [Link(cue.relation, subject, obj, span, f"cue-{cue.word_class}",
                 cue.confidence, negated, is_hedged(main))]


def _lacking(lexicon: Lexicon, cue: Cue, c: _Clauses, span: tuple[int, int]) -> list[Link]:
    """ "If you don't have trust, you don't get feedback", "when there's no trust, teamwork
    fails": without B, no A (or A fails), so A requires B; "nobody reports if they're blamed":
    B stops A, so B undermines A; otherwise nothing ("when it rains, we stay")."""
    inner, main = c.inner, c.main
    conceded = span[0] > 0 and inner.doc[span[0] - 1].lower_ == "even"  # "even if"
    stopped = Arg(main.i, c.main_out, keep_polarity=False)
    rule, hedged = f"cue-{cue.word_class}", is_hedged(main)
    if cue.lemma == "if" and not conceded and _absent(main) and not _absent(inner):
        return [Link("undermines", Arg(inner.i, c.inner_out), stopped, span, rule,
                     cue.confidence, False, hedged)]
    if cue.lemma in ("if", "when", "whenever") and not conceded and _habit(main) and not (
            _absent(inner) or _absent(main)):  # "if people feel safe, they speak up"
        done, condition = Arg(main.i, stopped.exclude), Arg(inner.i, c.inner_out)
        if any(x.lower_ == "only" for x in main.children):  # "nurses only speak up if..."
            return [Link("requires", done, condition, span, rule, cue.confidence, False, hedged)]
        return [Link(cue.relation, condition, done, span, rule, cue.confidence, False, hedged)]
    if not (_absent(inner) and (_absent(main) or main.lemma_.lower() in lexicon.failure)):
        return []
    return [Link("requires", stopped, Arg(inner.i, c.inner_out, keep_polarity=False), span, rule,
                 cue.confidence, False, hedged)]


def _imperative_and(doc: Any, lexicon: Lexicon) -> list[Link]:
    """ "Punish people and they stop reporting", "talk to the families and half the complaints
    go away": an order, "and", then what happens is a condition and its outcome, read as "if
    you punish people, they stop reporting"."""
    cue = next(iter(lexicon.lookup("subordinator", "if")), None)
    if cue is None:
        return []
    out: list[Link] = []
    for order in doc:
        if not _ordered(order):
            continue
        for then in (c for c in order.children if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX")):
            joint = [c for c in order.children if c.dep_ == "cc" and c.lower_ == "and"
                     and c.i < then.i]
            if joint and any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in then.children):
                inner_out = frozenset(t.i for t in then.subtree) | {joint[0].i}
                main_out = frozenset(t.i for t in order.subtree) - inner_out | {joint[0].i}
                out += _conditional(lexicon, cue, _Clauses(order, then, inner_out, main_out),
                                    (joint[0].i, joint[0].i + 1))
    return out


def _ordered(verb: Any) -> bool:
    """The verb of an order that opens its sentence: "Punish people...", "Just talk to them"."""
    return verb.dep_ == "ROOT" and verb.tag_ == "VB" and not any(
        c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass", "expl") for c in verb.children
    ) and _leads(verb)


def _leads(token: Any) -> bool:
    """A word with only adverbs, interjections, conjunctions and punctuation before it in its
    sentence ("So, is...", "Just talk...")."""
    return all(t.pos_ in ("ADV", "INTJ", "PUNCT", "CCONJ") for t in token.doc[: token.i])


def _habit(verb: Any) -> bool:
    """What people in general do, in the present or as they will: "they speak up", "staff
    will stay"; not what we or one person did."""
    subjects = [c for c in verb.children if c.dep_ == "nsubj"]
    general = subjects and (subjects[0].lower_ in _GENERAL_PEOPLE or subjects[0].tag_ == "NNS")
    modal = any(c.dep_ == "aux" and c.lower_ in ("will", "'ll", "would", "'d")
                for c in verb.children)
    alone = not any(c.dep_ in ("conj", "xcomp", "ccomp") for c in verb.children)
    return bool(general) and alone and verb.pos_ == "VERB" and verb.lemma_ not in _NO_HABITS and (
        verb.tag_ in ("VBP", "VBZ") or modal)


_GENERAL_PEOPLE = frozenset({"they", "people", "staff", "everyone", "everybody", "nobody"})
_NO_HABITS = frozenset({"be", "have", "go", "come", "get", "do", "say", "think", "know", "want",
                        "need", "feel", "see", "look", "seem", "tell", "ask", "mean"})


def said_not_to_happen(verb: Any) -> bool:
    """A clause whose own verb is negated ("nurses don't report", "they didn't come back") or
    done by nobody ("because nobody noticed"): what it is about does not happen; a relation it
    is an argument of is not denied by it. Not a copula ("it's not because of the pay" denies
    the reason)."""
    return verb.pos_ in ("VERB", "AUX") and verb.lemma_ != "be" and (
        _plainly_negated(verb) or any(c.dep_ in ("nsubj", "nsubjpass") and _nobody(c)
                                      for c in verb.children))


def _nobody(noun: Any) -> bool:
    """ "nobody", "nothing", "no one"."""
    return noun.lower_ in _NOBODY or (noun.lower_ == "one" and any(
        c.lower_ == "no" for c in noun.children))


def clause_denied(arg: Arg, doc: Any) -> Arg:
    """The argument, marked denied when it is a clause said not to happen."""
    if arg.head is None or arg.window is not None or not said_not_to_happen(doc[arg.head]):
        return arg
    return replace(arg, denied=True)


def _absent(verb: Any) -> bool:
    """A clause that says something is missing: a negated verb, "no" on one of its nouns, or
    nobody doing it ("if nobody listens")."""
    return is_negated(verb) or any(is_negated(c) or c.lower_ in _NOBODY for c in verb.children
                                   if c.pos_ in ("NOUN", "PROPN", "PRON"))


_NOBODY = frozenset({"nobody", "nothing", "none", "noone"})


def _preposition(doc: Any, lexicon: Lexicon, cue: Cue, start: int, end: int) -> list[Link]:
    """ "A because of B", "no A without B": the prepositional phrase and what it hangs on."""
    last = doc[end - 1]
    prep = last if last.dep_ in ("prep", "pcomp") else doc[start]
    objects = [c for t in (prep, *doc[start:end]) for c in t.children
               if c.dep_ in ("pobj", "pcomp") and c.i >= end]  # "because of" may hang either way
    if not objects:
        return []
    head = doc[start].head
    if head.i in range(start, end):
        head = head.head
    if cue.change and (objects[0].lemma_.lower() in _TIMES or objects[0].like_num or not (
            head.pos_ in ("VERB", "AUX") and changing(lexicon, _clause_verb(head)))):
        return []  # "after the cuts, waits went up"; not "after a year", "since 2019"
    inner = Arg(objects[0].i, frozenset())
    if head.i in range(start, end) and _reason_alone(doc, cue, start, end):
        return _explaining_before(cue, inner, (start, end), is_hedged(head))
    absent = cue.relation != "requires" and head.pos_ in ("VERB", "AUX") and (
        said_not_to_happen(_clause_verb(head)))
    outer = Arg(_clause_verb(head).i if head.pos_ in ("VERB", "AUX") else head.i,
                frozenset(t.i for x in (prep, *doc[start:end]) for t in x.subtree),
                keep_polarity=cue.relation != "requires", denied=absent)
    negated = (is_negated(_clause_verb(head)) and not absent) or _denied(doc[start])
    if cue.relation == "requires" and not cue.lemma.startswith("only "):
        # "no A without B", "A without B is hazardous" say A requires B; "A without B" alone
        # says nothing of the kind
        judged = head.pos_ not in ("VERB", "AUX") or start < head.i  # not "left without a word"
        failing = any(t.lower_ in ("no", "nothing")
                      or (judged and t.lemma_.lower() in lexicon.failure)
                      or (judged and _belittled(t))
                      for t in doc if t.i not in range(start, end))
        if not (negated or failing):
            return _harm_without(cue, inner, outer, (start, end), head)
        negated = False
    subject, obj = (inner, outer) if cue.reverse else (outer, inner)
    return [Link(cue.relation, subject, obj, (start, end), f"cue-{cue.word_class}",
                 cue.confidence, negated, is_hedged(head))]


def _harm_without(cue: Cue, inner: Arg, outer: Arg, span: tuple[int, int], head: Any
                  ) -> list[Link]:
    """A clause said to happen without a thing, the thing put first ("Without supervision,
    burnout creeps in"): the thing keeps a harm away, when the clause names one."""
    if head.pos_ != "VERB" or head.i < span[0] or is_negated(head):
        return []  # not "without the rota, errors are rare"
    return [Link("undermines", inner, outer, span, f"cue-{cue.word_class}", cue.confidence,
                 False, is_hedged(head), harm=True)]


def _belittled(token: Any) -> bool:
    """ "just" or "only" on what a copula says a thing is: "care without trust is just
    paperwork", "audit without feedback is only a ritual"."""
    if token.lower_ not in ("just", "only", "merely", "simply", "nothing"):
        return False
    said = token.head
    return (said.dep_ == "attr" and said.head.lemma_ == "be") or (
        said.lemma_ == "be" and any(c.dep_ == "attr" for c in said.children))


def opening(doc: Any) -> int:
    """Where a sentence's words begin, after interjections and words of degree ("Well, mostly
    because ...": at "because"); its length when it has no other words."""
    return next((t.i for t in doc if not (t.lower_ in INTERJECTIONS or t.lower_ in _DEGREES
                                          or t.is_punct)), len(doc))


def _reason_alone(doc: Any, cue: Cue, start: int, end: int) -> bool:
    """A reason given in a sentence of its own ("Because procurement wanted three quotes.",
    "Mostly because of the rota."): it explains the sentence before. Not "If anything, ..." nor
    "Because they know that, they report everything", which has a clause of its own."""
    return (cue.relation == "isConsequenceOf" and opening(doc) >= start
            and not any(t.text in (",", ";", ":") for t in doc[end:]))


def _explaining_before(cue: Cue, reason: Arg, span: tuple[int, int], hedged: bool
                       ) -> list[Link]:
    """The link of a reason given on its own to the clause of the sentence before."""
    before = Arg(None, previous=True)
    subject, obj = (reason, before) if cue.reverse else (before, reason)
    return [Link(cue.relation, subject, obj, span, f"cue-{cue.word_class}", cue.confidence,
                 False, hedged)]


_DEGREES = frozenset({"mostly", "mainly", "partly", "largely", "probably", "just", "all",
                      "only", "simply", "really", "purely", "again"})


def _coordinate(doc: Any, cue: Cue, start: int, end: int) -> list[Link]:
    """ "A plus B", "A rather than B", "A, not B": the words just before and after the cue."""
    if cue.joint:
        return _both(doc, cue, start, end)
    if cue.listing:
        return _listed(doc, cue, start, end)
    if cue.lemma == "not" and (start == 0 or doc[start - 1].lower_ not in (",", "and", "but")):
        return []
    left = max((t.i + 1 for t in doc[:start] if _stop(t)), default=0)
    left = max(left, start - TIGHT - (doc[start - 1].text == ","))
    right = next((t.i for t in doc[end:] if _stop(t)), len(doc))
    right = min(right, end + TIGHT)
    if left >= start or right <= end:
        return []
    a = Arg(None, window=(left, start))
    b = Arg(None, window=(end, right))
    subject, obj = (b, a) if cue.reverse else (a, b)
    return [Link(cue.relation, subject, obj, (start, end), f"cue-{cue.word_class}",
                 cue.confidence, False, False)]


def _listed(doc: Any, cue: Cue, start: int, end: int) -> list[Link]:
    """ "support that can't be centralised: budgets, training and information": each item of
    a list of short noun phrases after the mark, with the noun before it (or the noun its
    relative clause hangs on). A list announced by its count ("an inspection is three things
    really: the walk-round of the kitchen, the paperwork, and the talk with the owner") may
    have longer items when it has as many as it announced."""
    before = next((t for t in reversed(doc[:start]) if t.pos_ != "ADV"), None)
    whole = next((t for t in (before, *before.ancestors) if t.pos_ in ("NOUN", "PROPN")),
                 None) if before is not None else None
    if whole is None:
        return []
    stop = next((t.i for t in doc[end:] if _stop(t)), len(doc))
    count = _announced(whole)
    items = _counted_items(doc[end:stop], count) if count else []
    if not items:
        whole = _counted_whole(whole)
        return [Link(cue.relation, Arg(None, window=item), Arg(whole.i, _others(whole)),
                     (start, end), f"cue-{cue.word_class}", cue.confidence, False, False)
                for item in _short_items(doc[end:stop])]
    needed = whole.dep_ == "dobj" and whole.head.lemma_ in _NEEDING
    whole = _counted_whole(whole, exact=True)
    if whole.i == before.i or whole in before.ancestors:
        return []  # "we look at three things: ...": what they are parts of is not said
    links = []
    for item in items:
        if doc[item[0]].tag_ in _WH:
            continue  # "what the doctor prescribed" names no concept
        part, of = _item(doc, item), Arg(whole.i, _others(whole))
        links.append(Link("requires", of, part, (start, end), "counted-list", cue.confidence,
                          False, False) if needed else
                     Link(cue.relation, part, of, (start, end), "counted-list", cue.confidence,
                          False, False))
    return links


_NEEDING = frozenset({"need", "require"})  # "good home care needs three things: ..."


def _item(doc: Any, item: tuple[int, int]) -> Arg:
    """An item of a counted list: the phrase's head where the parse keeps the item whole,
    else its words."""
    root = doc[item[0]:item[1]].root
    inside = {t.i for t in root.subtree}
    if root.pos_ not in ("NOUN", "PROPN") or not set(range(*item)) <= inside:
        return Arg(None, window=item)
    return Arg(root.i, frozenset(inside - set(range(*item))))


_WH = frozenset({"WP", "WRB", "WDT"})


def _short_items(span: Any) -> list[tuple[int, int]]:
    """The items of a list of short noun phrases, split at commas, "and" and "or"; none if
    the span is a clause ("the reason is simple: people are tired") or an item is long."""
    if any(t.tag_ in _FINITE for t in span):
        return []
    items = [(a, b) for a, b in _pieces(span, (",", "and", "or")) if b > a]
    if len(items) < 2 or any(b - a > LIST_ITEM for a, b in items):
        return []
    return items


def _pieces(span: Any, marks: tuple[str, ...]) -> list[list[int]]:
    """The stretches of a span between the words in `marks` (empty ones too), as [start, end]."""
    pieces, first = [], span.start
    for t in [*span, None]:
        if t is None or t.lower_ in marks:
            stop = t.i if t is not None else span.end
            pieces.append([first, stop])
            first = stop + 1
    return pieces


def _announced(noun: Any) -> int:
    """How many items a noun announces by its number ("three things": 3), else 0."""
    return next((NUMBERS.get(c.lower_, 0) for c in noun.children if c.dep_ == "nummod"), 0)


NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "2": 2, "3": 3, "4": 4, "5": 5}


def _counted_items(span: Any, count: int) -> list[tuple[int, int]]:
    """The items of a list after a count, split at commas (and at the last "and" or "or"
    when one comma is missing): only when there are as many as counted, each a phrase of at
    most COUNTED_ITEM words and none a clause of its own ("they throw him out, or ...")."""
    pieces = _pieces(span, (",",))
    if len(pieces) == count - 1:
        a, b = pieces[-1]
        joint = next((t.i for t in reversed(span.doc[a:b]) if t.lower_ in ("and", "or")), None)
        if joint is not None:
            pieces[-1:] = [[a, joint], [joint + 1, b]]
    doc = span.doc
    for piece in pieces:
        while piece[0] < piece[1] and doc[piece[0]].lower_ in ("and", "or", "then"):
            piece[0] += 1
    if len(pieces) != count or any(not 0 < sum(not t.is_punct for t in doc[a:b]) <= COUNTED_ITEM
                                   or _clause(doc[a:b]) for a, b in pieces):
        return []
    return [(a, b) for a, b in pieces]


def _clause(item: Any) -> bool:
    """An item with a finite verb of its own, not one inside a "what ..." or "that ..."
    clause ("what the doctor prescribed" is a noun phrase of a list)."""
    return any(t.tag_ in _FINITE and not any(w.tag_ in _WH or w.lower_ == "that"
                                            for w in item[: t.i - item.start])
               for t in item)


COUNTED_ITEM = 12  # words: an item of a list whose count is given may be a long phrase


def _counted_whole(noun: Any, exact: bool = False) -> Any:
    """What a noun of counting before a list is of: "the team is four people: ...", "the
    accord has three parts: ..." (the team, the accord); else the noun itself. Any noun
    counts when the list has exactly the items it announces ("the screen has three
    questions: ...")."""
    verb = noun.head.head if noun.dep_ == "pobj" else noun.head
    if (noun.lemma_.lower() not in _COUNTING and not exact) or not (
            (noun.dep_ in ("attr", "dobj") and verb.lemma_ in _HOLDING)
            or (noun.dep_ == "pobj" and verb.lemma_ in _MADE_OF)):
        return noun
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    return subject if subject is not None and (subject.pos_ in ("NOUN", "PROPN") or (
        exact and subject.lower_ in ("it", "this"))) else noun  # "it has three parts: ..."


_HOLDING = _NEEDING | {"be", "have", "include", "comprise", "show", "cover", "contain"}
_MADE_OF = frozenset({"make", "build", "consist", "base", "rest", "compose"})  # "made up of"


_COUNTING = frozenset({"people", "person", "part", "thing", "element", "component", "piece",
                       "strand", "member", "step", "bit"})
_FINITE = frozenset({"VBZ", "VBP", "VBD", "MD"})
LIST_ITEM = 5  # words: longer pieces after a colon are clauses or asides, not list items


def _both(doc: Any, cue: Cue, start: int, end: int) -> list[Link]:
    """ "both A and B", "A and B go together": two conjuncts the cue governs."""
    token = doc[start]
    verb = next((t for t in token.ancestors if t.pos_ in ("VERB", "AUX")), token.head)
    if cue.lemma == "both" and _floating(token, verb):
        return []  # "health and the council both order from us": each does it
    heads = [token.head] if cue.lemma == "both" else [
        c for c in verb.children if c.dep_ in ("nsubj", "dobj", "nsubjpass", "csubj")
    ]
    if token.head.pos_ in ("NOUN", "PROPN") and token.head.dep_ == "conj":
        heads.append(token.head.head)  # "ratio and experience together"
    elif token.head.pos_ in ("NOUN", "PROPN") and token.head.conjuncts and token.head not in heads:
        heads.append(token.head)  # "stories and numbers together, that's what works"
    out = []
    for head in heads:
        for other in head.conjuncts:
            out.append(Link(cue.relation, Arg(head.i, _others(head)), Arg(other.i, _others(other)),
                            (start, end), "coordination-both", cue.confidence, False, False))
    negated = is_negated(verb) and not any(t.lower_ in ("not", "n't", "never")
                                           for t in doc[start:end])
    hedged = is_hedged(verb)
    if out:
        return [replace(x, negated=negated, hedged=hedged) for x in out]
    if any(_names_pair(t) for t in [token, *heads]):
        first, second = Arg(None, pair=0), Arg(None, pair=1)
    else:  # "protocol and clinical judgement are different", misparsed: the subject's words
        joined = [h for h in heads if any(c.dep_ == "cc" for c in h.subtree)]
        if not joined:
            return []
        span = (joined[0].left_edge.i, joined[0].right_edge.i + 1)
        first, second = Arg(None, window=span, pair=0), Arg(None, window=span, pair=1)
    return [Link(cue.relation, first, second, (start, end), "coordination-both", cue.confidence,
                 negated, hedged)]


def _floating(both: Any, verb: Any) -> bool:
    """A "both" after the conjoined subject of a verb that says what each does ("they both
    order from us", "A and B both matter"), not what they do together ("both need to be
    there", "both work together")."""
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and c.conjuncts]
    return (bool(subjects) and both.i > subjects[0].right_edge.i
            and verb.lemma_.lower() not in _JOINT_VERBS)


_JOINT_VERBS = frozenset({"need", "require", "work", "go", "come", "fit", "belong", "sit"})


def _names_pair(token: Any) -> bool:
    """ "the two", "those two", "both" standing alone, "they": two things named before."""
    if token.lower_ == "both":
        return token.dep_ in ("nsubj", "dobj", "pobj", "appos", "conj")
    if token.lower_ == "two":
        return any(c.lower_ in ("the", "those", "these") for c in token.children)
    return token.lower_ in ("they", "them") and token.dep_ in ("nsubj", "dobj")


def _stop(token: Any) -> bool:
    return token.text in (";", ":", "(", ")", ".", "?", "!") or (
        token.text in ("-", "--") and bool(token.whitespace_)
    )


def _discourse(doc: Any, cue: Cue, start: int, end: int) -> list[Link]:
    """ "B, so A", "That's why A": the clause after the cue is the first argument, the clause
    before it (or the previous sentence, when the cue opens the sentence) the second."""
    opening = all(t.lower_ in INTERJECTIONS or t.is_punct for t in doc[:start])
    if opening and not cue.initial:
        return []
    last = doc[end - 1]
    if last.dep_ == "det" and last.head.i >= end and last.head.dep_ == "pobj":
        return []  # "because of this board": a determiner, not the sentence before
    after_end = next((t.i for t in doc[end:] if _stop(t)), len(doc))
    if after_end <= end:
        return []
    after = Arg(None, window=(end, after_end))
    if opening:
        before = Arg(None)
    else:
        left = max((t.i + 1 for t in doc[:start] if _stop(t)), default=0)
        before = Arg(None, window=(left, start))
    return [Link(cue.relation, after, before, (start, end), f"cue-{cue.word_class}",
                 cue.confidence, False, is_hedged(doc[end]) if end < len(doc) else False)]
