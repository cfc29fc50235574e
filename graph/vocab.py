"""Namespaces: leadgraph's own terms as a closed vocabulary, and the IRI bases of its data."""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

from graph.namespaces import PREFIXES

CONCEPT = Namespace(PREFIXES["lgc"])
ENTITY = Namespace(PREFIXES["lge"])
DATA = Namespace(PREFIXES["lgd"])
PERSON = Namespace(PREFIXES["lgp"])
OA = Namespace(PREFIXES["oa"])
SCHEMA = Namespace(PREFIXES["schema"])


class LG(DefinedNamespace):
    """Terms of ontology/leadgraph.ttl; a test keeps the two in step."""

    _NS = Namespace(PREFIXES["lg"])
    _fail = True

    # classes
    Transcript: URIRef
    Turn: URIRef
    Sentence: URIRef
    Claim: URIRef
    ProvisionalConcept: URIRef
    Category: URIRef
    # categories
    Value: URIRef
    Condition: URIRef
    Practice: URIRef
    Role: URIRef
    Outcome: URIRef
    Structure: URIRef
    Threat: URIRef
    Provisional: URIRef
    # relations
    isConsequenceOf: URIRef
    hasConsequence: URIRef
    requires: URIRef
    isRequiredBy: URIRef
    enables: URIRef
    isEnabledBy: URIRef
    undermines: URIRef
    isUnderminedBy: URIRef
    combinesWith: URIRef
    contrastsWith: URIRef
    isPartOf: URIRef
    hasPart: URIRef
    # claim properties
    negated: URIRef
    hedged: URIRef
    confidence: URIRef
    rule: URIRef
    cue: URIRef
    fromQuestion: URIRef
    statedRelation: URIRef
    oppositeLabel: URIRef
    actionLabel: URIRef
    harmful: URIRef
    oppositeActionLabel: URIRef
    publicActionLabel: URIRef
    oppositePublicActionLabel: URIRef
    causativeLabel: URIRef
    oppositeCausativeLabel: URIRef
    statedSubject: URIRef
    statedObject: URIRef
    subjectDirection: URIRef
    objectDirection: URIRef
    evidence: URIRef
    # document properties
    sha256: URIRef
    index: URIRef
    startLine: URIRef
    endLine: URIRef
    startTime: URIRef
    endTime: URIRef
    mentions: URIRef
    category: URIRef
    # the build's summary graph
    sentenceCount: URIRef
    turnCount: URIRef
    CorroboratedRelation: URIRef
    speakerCount: URIRef
    interviewCount: URIRef
    claimCount: URIRef
    CoMentionGap: URIRef
    firstConcept: URIRef
    secondConcept: URIRef
    sharedTurns: URIRef


RELATIONS = (
    "isConsequenceOf",
    "requires",
    "enables",
    "undermines",
    "combinesWith",
    "contrastsWith",
    "isPartOf",
)
SYMMETRIC = frozenset({"combinesWith", "contrastsWith"})
