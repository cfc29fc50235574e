"""Extraction over the dependency parse: the pinned pipeline, the cue lexicon (every entry run
through its group's example), the constructions, polarity, negation and hedges, and explain."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace

import pytest
from click.testing import CliRunner

from graph import nlp
from graph.cli import main
from graph.extract import extract
from graph.lexicon import LexiconError, load_lexicon
from graph.pipeline import ontology_file
from graph.rdf import claim_iri
from graph.readers import read_text


@pytest.fixture(scope="module")
def parsing(knowledge):
    from graph.pipeline import make_engine

    return make_engine(*knowledge)


def _claims(engine, text: str):
    source = f"Interviewer: Go on.\nPat Lee: {text}\n"
    return extract(read_text(source, "t.txt", source.encode()), engine).claims


def _label(engine, iri: str) -> str:
    concept = engine.codebook.concepts.get(iri)
    return concept.label if concept else iri.rsplit("/", 1)[-1].replace("-", " ").replace("_", " ")


def _stated(engine, claims):
    return {(_label(engine, c.subject), c.relation, _label(engine, c.object), c.negated)
            for c in claims}


def _readings(engine, claims):
    out = set()
    for c in claims:
        s, r, o = c.reading()
        out.add((_label(engine, s), r, _label(engine, o), c.negated))
    return out


def _sentence(template: str, cue: str, prep: str) -> str:
    text = template.format(cue=cue, prep=prep)
    return re.sub(r"(^|\. )(\w)", lambda m: m.group(1) + m.group(2).upper(), text)


def _groups():
    lexicon = load_lexicon(ontology_file("cues.yaml"), ontology_file("syntax.yaml"))
    return [pytest.param(n, g, id=f"{n + 1}-{g.relation}-{g.word_class}")
            for n, g in enumerate(lexicon.groups)]


def test_the_lexicon_has_four_hundred_cues_and_covers_every_relation():
    lexicon = load_lexicon(ontology_file("cues.yaml"), ontology_file("syntax.yaml"))
    assert len(lexicon.cues) >= 400
    per_relation = {}
    for cue in lexicon.cues:
        per_relation[cue.relation] = per_relation.get(cue.relation, 0) + 1
    assert len(per_relation) == 7 and min(per_relation.values()) >= 40, per_relation


@pytest.mark.parametrize(("number", "group"), _groups())
def test_every_cue_entry_gives_its_relation_in_its_groups_example(parsing, number, group):
    prep = group.prep[0] if group.prep else ""
    want = (group.example.subject, group.relation, group.example.object, group.example.negated)
    failed = []
    for lemma in group.lemmas:
        claims = _stated(parsing, _claims(parsing, _sentence(group.example.text, lemma, prep)))
        counter = _claims(parsing, _sentence(group.counter, lemma, prep))
        asserted = [c for c in counter if c.relation == group.relation and not c.negated]
        if want not in claims or asserted:
            failed.append(lemma)
    assert not failed, f"group {number + 1}: {failed}"


@pytest.mark.parametrize(("number", "group"), [
    g for g in _groups() if g.values[1].with_ and g.values[1].with_[0] != g.values[1].example.object])
def test_every_word_a_cue_takes_with_it_gives_its_relation(parsing, number, group):
    """ "make teamwork possible", "make teamwork real": each word of an entry's `with` list
    put in its example in place of the first."""
    want = (group.example.subject, group.relation, group.example.object, group.example.negated)
    text = _sentence(group.example.text, group.lemmas[0], group.prep[0] if group.prep else "")
    failed = [word for word in group.with_ if want not in _stated(
        parsing, _claims(parsing, re.sub(rf"\b{group.with_[0]}\b", word, text)))]
    assert not failed, f"group {number + 1}: {failed}"


@pytest.mark.parametrize("construction", load_lexicon(
    ontology_file("cues.yaml"), ontology_file("syntax.yaml")).constructions, ids=lambda c: c.id)
def test_every_construction_reads_its_examples(parsing, construction):
    for example in construction.examples:
        found = _stated(parsing, _claims(parsing, example.text))
        pairs = {pair for s, _, o, neg in found if not neg for pair in ((s, o), (o, s))}
        assert (example.subject, example.object) in pairs, (example.text, found)


@pytest.mark.parametrize(("text", "reading"), [
    ("Fewer errors are a consequence of speaking up.", ("speaking up", "undermines", "error")),
    ("Support from senior leaders reduces turnover.", ("support", "enables", "staff retention")),
    ("Morale is eroded by bullying.", ("bullying", "undermines", "morale")),
    ("Psychological safety is essential for speaking up.",
     ("speaking up", "requires", "psychological safety")),
    ("No improvement happens without clinical leadership.",
     ("quality improvement", "requires", "clinical leadership")),
    ("Staff won't speak up unless they feel safe.", ("speaking up", "requires", "psychological safety")),
    ("A just culture isn't a no-blame culture.", ("just culture", "contrastsWith", "blame")),
    ("Lack of recognition erodes morale.", ("recognition", "enables", "morale")),
])
def test_polarity_and_shape_are_read_into_the_claim(parsing, text, reading):
    assert (*reading, False) in _readings(parsing, _claims(parsing, text))


@pytest.mark.parametrize(("text", "reading"), [
    ("Fear of the inspection makes people defensive.",
     ("defensive practice", "isConsequenceOf", "fear")),
    ("Rigid rotas stop nurses speaking up.", ("rigid rota", "undermines", "speaking up")),
    ("Inconsistency is what drives a lot of the conflict.",
     ("consistency", "undermines", "conflict")),
    ("Reflection is where the learning comes from.", ("learning", "isConsequenceOf", "reflection")),
    ("Agitation comes from feeling trapped.", ("agitation", "isConsequenceOf", "feeling trapped")),
    ("Since the hierarchy got steeper, we have lost the camaraderie.",
     ("hierarchy", "undermines", "camaraderie")),
    ("Without protected time, supervision doesn't happen.",
     ("supervision", "requires", "protected time")),
    ("Violence against crews erodes morale.", ("violence", "undermines", "morale")),
    ("Compassionate leadership isn't soft leadership.",
     ("compassionate leadership", "contrastsWith", "soft leadership")),
    ("The weekly debrief is how we learn.", ("debrief", "enables", "learning")),
    ("Constant restructuring comes at the cost of morale.",
     ("constant restructuring", "undermines", "morale")),
    ("Ownership and burnout go hand in hand.", ("ownership", "combinesWith", "burnout")),
    ("Autonomy only works if there is supervision behind it.",
     ("autonomy", "requires", "supervision")),
    ("The backlog comes from not having enough radiologists.",
     ("radiologist", "undermines", "waiting times")),
    ("The near-miss log is one piece of our governance.",
     ("near miss log", "isPartOf", "governance")),
    ("Our call handlers are being burnt out by the sheer volume of calls.",
     ("burnout", "isConsequenceOf", "volume")),
    ("It's the staffing gap that leads to errors on this unit.",
     ("staffing", "undermines", "error")),
    ("Lone working makes staff feel forgotten.", ("forgotten", "isConsequenceOf", "lone working")),
    ("Daily huddles make for a calmer ward.", ("huddle", "enables", "calmer ward")),
    ("Caution drives most of our admissions and incident reports.",
     ("incident reporting", "isConsequenceOf", "caution")),
    ("Remote triage has cut our home visits by half.", ("remote triage", "undermines", "home visit")),
    ("Heavy rotas kill the check-in.", ("heavy rota", "undermines", "check in")),
    ("Regular contact is what keeps the partnership going.",
     ("regular contact", "enables", "partnership")),
    ("Home visits keep older patients out of hospital.", ("home visit", "undermines", "hospital")),
    ("Strict targets distort the appraisal.", ("targets", "undermines", "appraisal")),
    ("Night shifts eat into our training time.", ("night shift", "undermines", "training time")),
    ("Relying on locum cover comes at the cost of consistency.",
     ("locum cover", "undermines", "consistency")),
    ("Most of our discharge problems came from poor communication.",
     ("communication", "undermines", "discharge problem")),
    ("Bullying on placement is one of the reasons students drop out.",
     ("drop out", "isConsequenceOf", "bullying")),
    ("A triage checklist is no substitute for clinical judgement.",
     ("triage checklist", "contrastsWith", "clinical judgement")),  # not the surgical one
    ("Delays are a consequence of poor handover, not of anything the porters do.",
     ("handover", "undermines", "delay")),
    ("Most of our falls come out of boredom.", ("fall", "isConsequenceOf", "boredom")),
    ("Peer support helps with the stress.", ("mutual support", "undermines", "stress")),
    ("The new rota fixed our handover problems.", ("new rota", "enables", "handover")),
    ("Peer support helps with recruitment.", ("mutual support", "enables", "recruitment")),
    ("Appraisal isn't engagement.", ("appraisal", "contrastsWith", "engagement")),
    ("Juniors escalate because the consultants listen to them.",
     ("escalation", "isConsequenceOf", "listening")),
    ("Most of the complaints we see at night come from poor discharge letters.",
     ("discharge letter", "undermines", "complaint")),
    ("Most errors are a consequence of nurses skipping checks.",
     ("error", "isConsequenceOf", "skipping check")),
    ("Harm is often caused by ambulances queuing outside the department.",
     ("patient harm", "isConsequenceOf", "queuing")),
    ("The new pathway has cut our length of stay by two days.",
     ("new pathway", "undermines", "length of stay")),
    ("What I can say is that crowding is what drives harm.",
     ("patient harm", "isConsequenceOf", "crowding")),
    ("The hierarchy makes it harder for a junior to challenge a decision.",
     ("hierarchy", "undermines", "challenge")),
    ("Burnout rises because of the rota.", ("burnout", "isConsequenceOf", "rota")),
    ("We lost the camaraderie, which the merger destroyed.",
     ("merger", "undermines", "camaraderie")),
    ("The rota burns people out.", ("burnout", "isConsequenceOf", "rota")),
    ("Blame drives reporting underground.", ("blame", "undermines", "incident reporting")),
    ("Being calm isn't the same as being slow.", ("being calm", "contrastsWith", "being slow")),
    ("Punishment drives incident reporting underground.",
     ("sanction", "undermines", "incident reporting")),
    ("When fatigue rises, burnout goes up.", ("burnout", "isConsequenceOf", "fatigue")),
    ("If staffing drops, morale goes down.", ("staffing", "enables", "morale")),
    ("Bullying is one of the reasons students drop out.",
     ("drop out", "isConsequenceOf", "bullying")),
    ("The old punishments just frightened people.", ("fear", "isConsequenceOf", "sanction")),
    ("Self-discipline and compassion went together.",
     ("self discipline", "combinesWith", "compassion")),
    ("Poor handover was behind half of the insulin errors.",
     ("handover", "undermines", "insulin error")),
    ("Their backing is what lets a nurse challenge a doctor.",
     ("backing", "enables", "challenge")),
    ("Less bullying means more speaking up.", ("bullying", "undermines", "speaking up")),
    ("Compassionate visitors lift morale.", ("compassionate visitor", "enables", "morale")),
    ("The night shifts wear people out.", ("burnout", "isConsequenceOf", "night shift")),
    ("No helpdesk, no priorities.", ("priority", "requires", "helpdesk")),
    ("Anxiety makes the breathlessness worse.", ("breathlessness", "isConsequenceOf", "anxiety")),
    ("The new rota made communication worse.", ("new rota", "undermines", "communication")),
    ("The quiet room has done more for agitation than any drug.",
     ("quiet room", "undermines", "agitation")),
    ("Protected breaks make a real difference to burnout.",
     ("protected break", "undermines", "burnout")),
    ("So being in the same room is what built the trust.",
     ("being in same room", "enables", "trust")),
    ("The board round has done more for teamwork than anything.",
     ("board round", "enables", "teamwork")),
    ("Isolation feeds the depression.", ("depression", "isConsequenceOf", "isolation")),
    ("The debriefs help with the nightmares.", ("debrief", "undermines", "nightmare")),
    ("Planned maintenance. Cuts breakdowns.", ("planned maintenance", "undermines", "breakdown")),
    ("The rounds protect us from burnout.", ("round", "undermines", "burnout")),
    ("The thing that kills communication is the time pressure.",
     ("workload", "undermines", "communication")),
    ("The rota is burning the whole team out.", ("burnout", "isConsequenceOf", "rota")),
    ("Exhausted nurses make more errors.", ("error", "isConsequenceOf", "fatigue")),
    ("Frightened staff don't report incidents.", ("fear", "undermines", "incident reporting")),
    ("That's what keeps the patients safe, the routine.", ("routine", "enables", "safety")),
    ("It builds trust, knowing everybody.", ("knowing", "enables", "trust")),
    ("Being there on nights builds trust.", ("being there", "enables", "trust")),
    ("Engaged staff give better care.", ("engagement", "enables", "quality of care")),
    ("Bullying has killed the training side.", ("bullying", "undermines", "training")),
    ("A lack of trust drives over-ordering.", ("over ordering", "isConsequenceOf", "mistrust")),
    ("Being short-staffed makes us unsafe.", ("staffing shortage", "undermines", "safety")),
    ("Backing is what makes people brave enough to speak up.",
     ("speaking up", "isConsequenceOf", "backing")),
    ("Blame makes people afraid of reporting.", ("fear", "isConsequenceOf", "blame")),
    ("Listening to the nurses is what fixed the rota.", ("listening", "enables", "rota")),
    ("The huddle fixed the communication problems.",
     ("huddle", "enables", "communication")),
    ("The new rota fixed the burnout.", ("new rota", "undermines", "burnout")),
    ("So urgent requests make the rest late.", ("late", "isConsequenceOf", "urgent request")),
    ("When you blame people, they stop reporting.", ("blame", "undermines", "incident reporting")),
    ("When managers thank staff, staff start speaking up.",
     ("recognition", "enables", "speaking up")),
    ("The more you blame people, the less they report.",
     ("blame", "undermines", "incident reporting")),
    ("The more we listened, the more engaged people became.",
     ("listening", "enables", "engagement")),
    ("The shouting made me stop asking.", ("shouting", "undermines", "asking")),
    ("They sent me for management training, three weeks, and it helped me with the accounts.",
     ("training", "enables", "account")),
    ("My leadership team is made up of two assistant nurse managers.",
     ("assistant nurse manager", "isPartOf", "leadership team")),
    ("If people feel safe, they speak up.",
     ("psychological safety", "enables", "speaking up")),
    ("Nurses only speak up if they feel valued.", ("speaking up", "requires", "recognition")),
    ("The reflective review did not cause more errors; it caused more reporting.",
     ("incident reporting", "isConsequenceOf", "reflective review")),
    ("Safe staffing on my ward and flow for the hospital, some days they just pull in "
     "opposite directions.", ("safe staffing", "contrastsWith", "flow")),
    ("So the walkrounds, they built trust, slowly.", ("leadership walkrounds", "enables", "trust")),
    ("Staffing shortages, honestly, they erode morale.",
     ("staffing shortage", "undermines", "morale")),
    ("Isolation feeds burnout.", ("burnout", "isConsequenceOf", "isolation")),
    ("Interruptions raise the risk of error.", ("error", "isConsequenceOf", "interruption")),
    ("Most harm comes from not listening to families.",
     ("listening", "undermines", "patient harm")),
    ("The backlog is there because the estates budget got cut.",
     ("budgets", "undermines", "waiting times")),
    ("The huddle has fixed our communication problems.",
     ("huddle", "enables", "communication")),
    ("The delays come from not booking interpreters.",
     ("booking interpreter", "undermines", "delay")),
    ("Nurses leave because of the rota.", ("rota", "undermines", "staff retention")),
    ("Without development, nurses leave.", ("staff retention", "requires", "development")),
    ("Without clinical supervision, nurses burn out.",
     ("clinical supervision", "undermines", "burnout")),
    ("Getting patients up on day one needs physios at weekends.",
     ("getting patients up", "requires", "physio")),
    ("The new system only works if there's a nurse on the phone.",
     ("new system", "requires", "nurse")),
    ("The hierarchy, it stops the junior nurses from speaking up.",
     ("hierarchy", "undermines", "speaking up")),
    ("Blame discourages staff from reporting errors.",
     ("blame", "undermines", "incident reporting")),
    ("The simulation days made us safer.", ("simulation day", "enables", "safety")),
    ("Morale fell when we stopped the huddles.", ("huddle", "enables", "morale")),
    ("The targets push us to do quick visits.", ("quick visit", "isConsequenceOf", "targets")),
    ("The audit pressured the ward into cutting corners.",
     ("at-risk behaviour", "isConsequenceOf", "audit")),
    ("The on-call forced good nurses to leave.", ("on call", "undermines", "staff retention")),
    ("What keeps nurses here is the teamwork.", ("teamwork", "enables", "staff retention")),
    ("You cannot lead here without the trust of the community.", ("lead", "requires", "trust")),
    ("Stories and numbers together, that's what gets money out of the board.",
     ("story", "combinesWith", "number")),
    ("Short contracts chip away at trust.", ("short contract", "undermines", "trust")),
    ("Reporting went up when we stopped the blame.", ("blame", "undermines", "incident reporting")),
])
def test_outcomes_free_relatives_and_clause_verbs_are_read(parsing, text, reading):
    assert (*reading, False) in _readings(parsing, _claims(parsing, text))


@pytest.mark.parametrize(("text", "wrong"), [
    ("The registrars trust the consultant on call.", "isConsequenceOf"),
    ("We were going round with the team.", "combinesWith"),
    ("Patients wait for a hernia repair.", "requires"),
    ("Long shifts are tiring. They'd rather do three long days than five short ones, they've "
     "got kids, they've got lives.", "isConsequenceOf"),
    ("Burnout is rife. She works nights with us. That's why morale is high.", "burnout"),
    ("Trust makes it possible to speak up.", "possible"),
    ("Team leaders need protected time.", "enables"),
    ("Rest isn't a luxury.", "luxury"),
    ("If a nurse tells you about a broken hoist, harm follows.", "nurse"),
    ("That took a good year to recover from.", "requires"),
    ("Nurses learn from role models, not from lectures.", "lecture"),
    ("A confident registrar will stop an antibiotic early.", "antibiotic"),
    ("A tired scrub nurse loses count.", "count"),
    ("That's down to the consultants, really, the surgeons.", "surgeon"),
    ("They left without a word.", "word"),
    ("That huddle is how we stay on the same page.", "staff retention"),
    ("They leave the ward at five because of the rota.", "staff retention"),
    ("The lifts break because the budget got cut.", "lift"),
    ("After a month, people stop taking the huddle seriously.", "undermines"),
    ("She was the first nurse to arrive at the huddle.", "enables"),
    ("They pushed the audit trolley to the ward.", "isConsequenceOf"),
    ("A brilliant bedside teacher with no publications never gets promoted.", "requires"),
    ("The audits make staff anxious about errors.", "error"),
    ("There's always a tension between speed and doing it right.", "tension"),
    ("Leading a team of equals requires legitimacy rather than rank.", "rank"),
    ("When figures are used to rank boards, people learn to manage the figures.", "enables"),
    ("I have more time for the team and less money for the rota.", "enables"),
    ("Good leaders create the conditions for learning.", "isConsequenceOf"),
    ("Short staffing gives rise to errors.", "rise"),
    ("Shouting like this takes the energy from the team.", "requires"),
    ("Some people in the trust argue that targets drive bullying.", "bullying"),
    ("But the numbers also made the managers upstairs count heads.", "upstairs"),
])
def test_readings_that_would_be_wrong_are_not_made(parsing, text, wrong):
    found = _readings(parsing, _claims(parsing, text))
    assert not [r for r in found if wrong in r[0] or wrong in r[2] or wrong == r[1]], found


@pytest.mark.parametrize(("text", "reading"), [
    ("Audit and improvement are quite different.",
     ("audit", "contrastsWith", "quality improvement")),
    ("Supervision and appraisal aren't the same thing.",
     ("supervision", "contrastsWith", "appraisal")),
    ("We talk about autonomy and supervision. Those two are in tension.",
     ("autonomy", "contrastsWith", "supervision")),
    ("Coaching and feedback matter here. You need both.",
     ("coaching", "combinesWith", "feedback")),
    ("They go together, reflection and supervision.",
     ("reflection", "combinesWith", "supervision")),
])
def test_a_joint_predicate_relates_the_two_things_its_subject_names(parsing, text, reading):
    found = _readings(parsing, _claims(parsing, text))
    assert (*reading, False) in found or (reading[2], reading[1], reading[0], False) in found


@pytest.mark.parametrize("text", [
    "Good continuity doesn't keep frail patients out of hospital.",
    "I don't think students learn teamwork from lectures.",
])
def test_a_fixed_construction_under_a_negation_is_negated(parsing, text):
    claims = _claims(parsing, text)
    assert claims and all(c.negated for c in claims)


@pytest.mark.parametrize("text", [
    "When it rains, we stay late.",
    "If a nurse tells you, the huddle hears about it.",
])
def test_a_condition_without_a_change_states_nothing(parsing, text):
    assert not [c for c in _claims(parsing, text) if c.rule == "cue-subordinator"]


@pytest.mark.parametrize(("text", "reading"), [
    ("Ignoring the family is where most of the mistakes come from.",
     ("family", "undermines", "error")),
    ("Missing the immunosuppression is what causes the late rejections.",
     ("immunosuppression", "undermines", "late rejection")),
])
def test_ignoring_or_missing_a_concept_reads_it_as_less(parsing, text, reading):
    assert (*reading, False) in _readings(parsing, _claims(parsing, text))


def test_a_predicate_noun_with_a_denied_alternative_is_no_list(parsing):
    assert not _claims(parsing, "Breaks are a safety issue, not a nicety.")


def test_a_verb_with_its_own_object_is_not_read_with_its_preposition(parsing):
    claims = _claims(parsing, "Humour builds trust on a night shift.")
    assert not [c for c in claims if c.relation == "requires"]
    assert [c for c in claims if c.relation == "enables"]


def test_an_object_relative_pronoun_is_not_the_subject(parsing):
    claims = _claims(parsing, "We lost the camaraderie, which the merger destroyed.")
    assert not [c for c in claims if _label(parsing, c.subject) == "camaraderie"]


def test_a_contrast_others_draw_is_not_the_speakers(parsing):
    claims = _claims(parsing, "People set them up as opposites, audit and improvement, and I "
                              "don't think they are.")
    assert not [c for c in claims if c.relation == "contrastsWith" and not c.negated]


def test_a_cause_denied_after_the_cue_is_negated(parsing):
    claims = _claims(parsing, "That's where the delays come from, not from the porters.")
    assert claims and all(c.negated for c in claims if "porter" in c.object)


def test_a_denied_joint_predicate_is_negated(parsing):
    claims = _claims(parsing, "I don't accept that cost and quality are opposites.")
    assert claims and all(c.negated for c in claims if c.relation == "contrastsWith")


@pytest.mark.parametrize(("text", "negated"), [
    ("Fatigue comes from long shifts. I don't think it does.", True),
    ("Fatigue comes from long shifts. No, we changed the rota.", False),
    ("Long waits cause harm. That's not a maybe.", False),
    ("Long waits cause harm. That's not my opinion.", False),
    ("Long waits cause harm. That's not true.", True),
])
def test_only_a_denial_of_the_claim_negates_it(parsing, text, negated):
    claims = [c for c in _claims(parsing, text) if c.relation == "isConsequenceOf"]
    assert claims and all(c.negated == negated for c in claims)


@pytest.mark.parametrize(("text", "negated"), [
    ("So no, I don't think workload is what drives sickness.", True),
    ("Workload is not what drives sickness.", True),
    ("Workload is what drives sickness.", False),
    ("No, I do not find that the tablet reduces the contact.", True),
    ("I don't think the rota is the problem, but blame kills reporting.", False),
    ("I don't think blame kills reporting.", True),
    ("The pay gap is small, that's not where the errors come from at all.", True),
    ("No software is going to fix a staffing shortage.", True),
    ("There is no evidence that blame reduces errors.", True),
])
def test_a_denied_opinion_or_pseudo_cleft_negates_the_claim_under_it(parsing, text, negated):
    """A negated opinion verb denies the clause it governs however the parser attaches it, but
    not a clause after "but"; "isn't what drives" denies the free relative."""
    claims = _claims(parsing, text)
    assert claims and all(c.negated == negated for c in claims)


def test_a_list_after_a_colon_gives_each_item_as_a_part(parsing):
    found = _stated(parsing, _claims(
        parsing, "We built a safety culture: a daily huddle, open incident reporting and a weekly "
                 "debrief."))
    assert {("huddle", "isPartOf", "safety culture", False),
            ("debrief", "isPartOf", "safety culture", False)} <= found


@pytest.mark.parametrize("text", [
    "The reason is simple: people are tired.",
    "Our handover had one problem: the timing.",
])
def test_a_clause_or_a_single_item_after_a_colon_is_no_list(parsing, text):
    assert not [c for c in _claims(parsing, text) if c.relation == "isPartOf"]


def test_a_marked_side_keeps_its_mark_and_its_stated_relation(parsing):
    claims = [c for c in _claims(parsing, "Lack of recognition erodes morale.")
              if c.relation == "undermines"]
    assert claims and claims[0].subject_direction == "absent"
    assert claims[0].reading()[1] == "enables"


def test_conjoined_subjects_give_one_claim_each(parsing):
    found = _stated(parsing, _claims(parsing, "Bullying and incivility erode morale."))
    assert {("bullying", "undermines", "morale", False),
            ("incivility", "undermines", "morale", False)} <= found


@pytest.mark.parametrize(("text", "negated", "hedged"), [
    ("Hierarchy does not undermine speaking up.", True, False),
    ("I don't think hierarchy undermines speaking up.", True, False),
    ("Hierarchy might undermine speaking up.", False, True),
    ("I suspect hierarchy undermines speaking up.", False, True),
    ("Hierarchy undermines speaking up.", False, False),
])
def test_negation_and_hedges_come_from_the_parse(parsing, text, negated, hedged):
    claims = [c for c in _claims(parsing, text) if c.relation == "undermines"]
    assert claims, text
    assert (claims[0].negated, claims[0].hedged) == (negated, hedged)


def test_a_denied_opinion_denies_a_misparsed_cue(parsing):
    claims = [c for c in _claims(parsing, "I don't believe rigid targets erodes morale at all.")
              if c.relation == "undermines"]
    assert claims and all(c.negated for c in claims)


def test_a_lack_before_words_read_around_a_cue_marks_them(parsing):
    claims = [c for c in _claims(parsing, "A lack of protected time undermines teamwork.")
              if c.relation == "undermines"]
    assert claims and claims[0].subject_direction == "absent"


def test_a_without_phrase_alone_states_no_requirement(parsing):
    assert not [c for c in _claims(parsing, "We improved without clinical leadership.")
                if c.relation == "requires" and not c.negated]


def test_a_pronoun_argument_resolves_to_the_previous_sentences_concept(parsing):
    claims = _claims(parsing, "Bullying is everywhere here. It erodes morale.")
    assert ("bullying", "undermines", "morale", False) in _stated(parsing, claims)


@pytest.mark.parametrize(("text", "reading"), [
    ("We put a coordinator on the afternoon shift. The queues dropped by half.",
     ("coordinator", "undermines", "queue")),
    ("I appointed a discharge coordinator. Delays dropped.",
     ("discharge coordinator", "undermines", "delay")),
    ("We stopped the huddles. Morale fell.", ("huddle", "enables", "morale")),
])
def test_a_change_told_after_something_done_is_put_down_to_it(parsing, text, reading):
    assert (*reading, False) in _readings(parsing, _claims(parsing, text))


@pytest.mark.parametrize("text", [
    "We talked about the huddles. Morale fell.",
    "We didn't start the huddles. Morale fell.",
    "Did we put a coordinator on the late shift? The queues dropped.",
    "We put a coordinator on the afternoon shift. The queues never dropped.",
    "Morale and trust went up. We put a coordinator on the late shift, and it builds trust.",
])
def test_a_change_after_nothing_done_is_put_down_to_nothing(parsing, text):
    assert not [c for c in _claims(parsing, text) if c.rule == "outcome-after"]


@pytest.mark.parametrize(("text", "reading"), [
    ("I don't think the new rota makes anyone safer. It makes people more tired.",
     ("fatigue", "isConsequenceOf", "new rota")),
    ("Regular debriefs are quite new here. They help people recover after a bad shift.",
     ("debrief", "enables", "recover")),
    ("We debrief after every arrest. It's how we learn.", ("debrief", "enables", "learning")),
    ("The handover is difficult. For that we need structure.",
     ("handover", "requires", "structure")),
])
def test_a_pronoun_resolves_to_what_the_sentence_before_is_about(parsing, text, reading):
    assert (*reading, False) in _stated(parsing, _claims(parsing, text))


@pytest.mark.parametrize(("text", "reading"), [
    ("Discrepancy meetings. They are part of our learning system.",
     ("discrepancy meeting", "isPartOf", "learning system")),
    ("Disclosure only happens when she trusts you.", ("disclosure", "requires", "trust")),
    ("Agency staff make restraint far more likely.",
     ("restraint", "isConsequenceOf", "agency staff")),
    ("Being listened to is what makes people stay.",
     ("staff retention", "isConsequenceOf", "listening")),
    ("Street triage has brought the detentions right down.",
     ("street triage", "undermines", "detention")),
])
def test_fragments_only_when_and_more_likely_are_read(parsing, text, reading):
    assert (*reading, False) in _stated(parsing, _claims(parsing, text))


def test_a_changed_pipeline_file_is_refused(tmp_path):
    root = nlp._package_root(nlp.DEFAULT_PIPELINE)
    copy = tmp_path / "pipeline"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("__pycache__"))
    nlp.verify(copy)  # an exact copy passes
    meta = next(copy.rglob("meta.json"))
    meta.write_text(meta.read_text() + " ")
    with pytest.raises(nlp.PipelineError, match="not the published one"):
        nlp.verify(copy)


def test_an_unknown_pipeline_is_a_clear_error():
    with pytest.raises(nlp.PipelineError, match="not installed"):
        nlp._package_root("no_such_pipeline_here")


def test_a_cue_in_two_groups_is_refused_with_its_file(tmp_path):
    cues = tmp_path / "cues.yaml"
    text = ontology_file("cues.yaml").read_text(encoding="utf-8")
    cues.write_text(text.replace("lemmas: [enable, allow,", "lemmas: [undermine, enable, allow,"),
                    encoding="utf-8")
    with pytest.raises(LexiconError, match=r"cues.yaml: \[L006\] verb 'undermine'"):
        load_lexicon(cues, ontology_file("syntax.yaml"))


def test_a_misspelt_key_in_the_lexicon_names_the_file_and_line(tmp_path):
    cues = tmp_path / "cues.yaml"
    text = ontology_file("cues.yaml").read_text(encoding="utf-8")
    cues.write_text(text.replace("    reverse: true\n", "    revers: true\n", 1), encoding="utf-8")
    with pytest.raises(LexiconError, match=r"cues.yaml:\d+: \[L003\] .*revers"):
        load_lexicon(cues, ontology_file("syntax.yaml"))


def test_a_bad_tree_pattern_is_refused(tmp_path):
    syntax = tmp_path / "syntax.yaml"
    text = ontology_file("syntax.yaml").read_text(encoding="utf-8")
    syntax.write_text(text.replace('REL_OP: ">", RIGHT_ID: a', 'REL_OP: "~~", RIGHT_ID: a', 1),
                      encoding="utf-8")
    with pytest.raises(LexiconError, match=r"syntax.yaml:\d+: construction 'verb-object': \[L005\]"):
        load_lexicon(ontology_file("cues.yaml"), syntax)


def test_explain_shows_the_parse_the_concepts_and_the_claim(tmp_path):
    source = tmp_path / "talk.txt"
    source.write_text("Interviewer: Go on.\nPat Lee: Constant restructuring erodes morale.\n",
                      encoding="utf-8")
    result = CliRunner().invoke(main, ["explain", str(source), "--line", "2"])
    assert result.exit_code == 0, result.output
    assert re.search(r"i\s+token\s+tag\s+pos\s+dep\s+head", result.output)
    assert re.search(r"\d+\s+erodes\s+[A-Z]+\s+[A-Z]+\s+\w+\s+\d+ \w+", result.output)
    assert "morale [morale]" in result.output and "cue words: erodes" in result.output
    assert "constant restructuring (provisional) undermines morale; rule " in result.output


def test_explain_says_why_nothing_was_found(tmp_path):
    source = tmp_path / "talk.txt"
    source.write_text("Interviewer: Go on.\nPat Lee: Morale was low. We met.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["explain", str(source), "--grep", "we met"])
    assert result.exit_code == 0, result.output
    assert "not parsed" in result.output and "claims: none" in result.output


def test_explain_needs_a_line_or_text(tmp_path):
    source = tmp_path / "talk.txt"
    source.write_text("Interviewer: Go on.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["explain", str(source)])
    assert result.exit_code == 2 and "give --line N or --grep TEXT" in result.output


def _answered(engine, question: str, answer: str):
    source = f"Interviewer: {question}\nPat Lee: {answer}\n"
    return extract(read_text(source, "t.txt", source.encode()), engine).claims


@pytest.mark.parametrize(("answer", "negated", "hedged"), [
    ("Yes, it does. Nights are brutal.", False, False),
    ("Maybe. It's hard to say.", False, True),
    ("Partly, yes.", False, True),
    ("Sadly, yes, I think that's fair.", False, False),
    ("No, I don't think so at all.", True, False),
    ("Not on its own, no.", True, False),
    ("Not really. Nights are fine.", True, False),
    ("Hardly. Nights are fine.", True, False),
    ("It hasn't.", True, False),
    ("I believe it does, yes. Nights are brutal.", False, False),
    ("I think it would.", False, False),
    ("I don't think it does.", True, False),
])
def test_a_question_is_the_answerers_claim_as_answered(parsing, answer, negated, hedged):
    claims = [c for c in _answered(parsing, "Does the rota undermine morale?", answer)
              if c.relation == "undermines"]
    assert claims, answer
    assert all(c.speaker == "Pat Lee" and c.question for c in claims)
    assert (claims[0].negated, claims[0].hedged) == (negated, hedged)


def test_a_reply_without_a_subject_takes_the_phrase_before(parsing):
    claims = _answered(parsing, "And the huddle?", "The huddle. Builds trust, honestly.")
    assert ("huddle", "enables", "trust", False) in _readings(parsing, claims)
    assert not _answered(parsing, "And the cuts?", "Cuts hurt everyone.")


def test_a_view_the_speaker_has_heard_is_theirs_only_as_they_judge_it(parsing):
    denied = _claims(parsing, "I've heard people say burnout comes from the rota. No, I don't "
                              "think it does.")
    assert [c.negated for c in denied] == [True]
    assert not _claims(parsing, "I've heard people say burnout comes from the rota.")
    assert not _readings(parsing, _claims(parsing, "Nobody's leaving because of the nights."))


@pytest.mark.parametrize("text", [
    "I assumed the age of the fleet would be what drives breakdowns.",
    "I used to think bullying drives turnover.",
])
def test_a_belief_the_speaker_held_before_is_not_their_claim(parsing, text):
    assert not _claims(parsing, text)


def test_a_view_put_after_an_opening_phrase_is_reported_but_not_a_later_aside(parsing):
    assert not _claims(parsing, "Teamwork and autonomy, you'd think they'd be opposites.")
    assert not _claims(parsing, "Teamwork and autonomy, you might think they're opposites.")
    claims = _claims(parsing, "Clinical supervision reduces burnout, definitely, people say so.")
    assert ("clinical supervision", "undermines", "burnout", False) in _readings(parsing, claims)


def test_a_pronoun_takes_up_the_topic_a_prompt_names(parsing):
    claims = _answered(parsing, "Tell me about supervision.",
                       "We do it monthly. It builds confidence more than anything.")
    assert ("supervision", "enables", "confidence", False) in _readings(parsing, claims)
    claims = _answered(parsing, "What about the link nurse scheme?", "It builds confidence.")
    assert ("link nurse scheme", "enables", "confidence", False) in _readings(parsing, claims)


def test_a_summary_put_to_the_speaker_is_the_answerers_claim(parsing):
    claims = _answered(parsing, "So what you're saying is the rota drives burnout.", "Exactly.")
    assert [(c.speaker, c.question) for c in claims] == [("Pat Lee", True)]
    assert not _answered(parsing, "So what you're saying is the rota drives burnout.",
                         "We changed the rota last year.")


@pytest.mark.parametrize(("answer", "negated"), [
    ("No, I wouldn't say that. We still need the ambulance.", True),
    ("Yes, that's it exactly.", False),
])
def test_a_plain_summary_answered_with_a_verdict_is_the_answerers_claim(parsing, answer, negated):
    """"So A erodes B." put to the other speaker is theirs, as their verdict judges it."""
    claims = _answered(parsing, "So the rota erodes morale.", answer)
    assert [(c.speaker, c.question, c.negated) for c in claims
            if c.relation == "undermines"] == [("Pat Lee", True, negated)]


@pytest.mark.parametrize(("answer", "negated", "hedged"), [
    ("Hmm. I wouldn't say that.", True, False),
    ("Mm. I don't really think so.", True, False),
    ("Hmm. I'd be careful there. People set them up as opposites.", False, True),
])
def test_a_verdict_after_a_hum_judges_the_summary(parsing, answer, negated, hedged):
    """"Hmm." only hums: the sentence after it gives the verdict."""
    claims = _answered(parsing, "So the rota erodes morale.", answer)
    assert [(c.speaker, c.negated, c.hedged) for c in claims
            if c.relation == "undermines"] == [("Pat Lee", negated, hedged)]


def test_a_plain_summary_nobody_judges_stays_the_speakers_claim(parsing):
    """Only a verdict makes "So ..." a proposition: otherwise it is what the speaker says."""
    claims = _answered(parsing, "So the rota erodes morale.", "We changed the rota last year.")
    assert [(c.speaker, c.question) for c in claims] == [("Interviewer", False)]


@pytest.mark.parametrize(("question", "answer", "reading"), [
    ("How did you get the waiting down?", "Triage at the door.",
     ("triage", "undermines", "waiting")),
    ("How do you build trust with families?", "Turning up. Every time.",
     ("turning up", "enables", "trust")),
    ("What erodes morale on the ward?", "Two things. Staff shortages, and the rota.",
     ("staffing shortage", "undermines", "morale")),
    ("Why do nurses leave?", "The rota, mostly.", ("rota", "undermines", "staff retention")),
    ("How do you keep nurses?", "Rotation, mostly.", ("rotation", "enables", "staff retention")),
    ("Why were they leaving before?", "Lonely. Homesick.",
     ("lonely", "undermines", "staff retention")),
    ("Why do you think morale dropped?", "The rota.", ("rota", "undermines", "morale")),
    ("How do you rebuild trust?", "Slowly. By keeping small promises.",
     ("small promise", "enables", "trust")),
    ("How did you bring the waiting down?", "Gradually. Through triage at the door.",
     ("triage", "undermines", "waiting")),
    ("How do you keep nurses?", "By giving them a named mentor.",
     ("mentoring", "enables", "staff retention")),
])
def test_how_and_why_questions_are_completed_by_the_answer(parsing, question, answer, reading):
    """The answer to "how do you B?" is the means, to "why does B happen?" the cause; an answer
    that opens by announcing itself ("Two things.") is read from its next sentence."""
    claims = _answered(parsing, question, answer)
    assert (*reading, False) in _readings(parsing, claims)
    assert all(c.speaker == "Pat Lee" and c.question for c in claims)


def test_each_item_of_a_listed_answer_is_a_claim(parsing):
    claims = _answered(parsing, "What does the induction include?",
                       "The electronic record, the escalation process, and safeguarding.")
    parts = {r[0] for r in _readings(parsing, claims) if r[1:] == ("isPartOf", "induction", False)}
    assert parts == {"electronic record", "escalation", "safeguarding"}
    claims = _answered(parsing, "What erodes morale on the ward?", "Staff shortages and bullying.")
    assert {("staffing shortage", "undermines", "morale", False),
            ("bullying", "undermines", "morale", False)} <= _readings(parsing, claims)


@pytest.mark.parametrize(("question", "answer"), [
    ("Why is handover so important?", "Because errors happen at handover."),
    ("Why did you go into nursing?", "My mum was a nurse."),
    ("How are you?", "Tired."),
])
def test_why_and_how_questions_about_people_or_judgements_give_nothing(parsing, question, answer):
    assert not _answered(parsing, question, answer)


def test_a_verdict_that_opens_an_answer_is_not_passed_over_as_saying_how(parsing):
    """ "Slowly." says how and is passed over; "Probably." is a verdict, so the sentence after
    it is not read as the answer."""
    assert not _answered(parsing, "How do you rebuild trust?", "Probably. Maybe the huddles.")


def _talk(engine, *turns: str):
    speakers = ("Interviewer", "Pat Lee")
    source = "".join(f"{speakers[i % 2]}: {turn}\n" for i, turn in enumerate(turns))
    return extract(read_text(source, "t.txt", source.encode()), engine).claims


@pytest.mark.parametrize(("turns", "reading"), [
    (("You mentioned the ward committee.", "They are vital. Without them, morale collapses."),
     ("morale", "requires", "ward committee")),
    (("You talked about the huddle.", "It changed everything. It builds trust."),
     ("huddle", "enables", "trust")),
    (("What about the rota?", "It was a mess. It drove people out."),
     ("rota", "undermines", "staff retention")),
    (("I'd like to turn to the rota.", "It was a mess. It drove people out."),
     ("rota", "undermines", "staff retention")),
    (("I want to ask you about the huddles.", "They build trust."), ("huddle", "enables", "trust")),
    (("Let's talk about the waits. Where do they come from?", "Demand, mostly."),
     ("wait", "isConsequenceOf", "demand")),
])
def test_a_pronoun_early_in_an_answer_refers_to_the_topic_put_to_the_speaker(parsing, turns,
                                                                              reading):
    """ "they" or "it" at the start of an answer, through a chain of "it"s that say nothing
    of a relation, is the topic the interviewer named, not a word of the sentences between."""
    assert (*reading, False) in _readings(parsing, _talk(parsing, *turns))


def test_a_confirmation_the_answer_then_denies_in_words_is_no_claim(parsing):
    """ "Yes" to the question's aside, then a denial of its proposition: only the denial."""
    claims = _talk(parsing, "Does remote triage burn people out? I've heard it's relentless.",
                   "It's relentless, yes. But I don't think the remote work is what burns "
                   "people out.")
    assert claims and all(c.negated for c in claims)
    kept = _talk(parsing, "Does the rota erode morale?", "Yes. And I don't think pay erodes it.")
    assert [c for c in kept if not c.negated and c.question]


def test_an_unanswered_question_is_nobodys_claim(parsing):
    assert not _answered(parsing, "Does the rota undermine morale?", "Let me tell you about nights.")


@pytest.mark.parametrize(("question", "answer", "reading"), [
    ("What erodes morale on the ward?", "Staff shortages, mostly.",
     ("staffing shortage", "undermines", "morale")),
    ("Where does that confidence come from?", "Simulation, honestly.",
     ("confidence", "isConsequenceOf", "simulation")),
    ("What does good handover depend on?", "Time, really.", ("handover", "requires", "time")),
    ("What builds trust on a night shift?", "Gallows humour.",
     ("gallows humour", "enables", "trust")),
])
def test_an_open_question_is_completed_by_the_answer(parsing, question, answer, reading):
    claims = _answered(parsing, question, answer)
    assert (*reading, False) in _stated(parsing, claims)
    assert all(c.speaker == "Pat Lee" and c.question and c.answer for c in claims)


@pytest.mark.parametrize("answer", ["I don't know, honestly.", "Maybe morale, I'm not sure."])
def test_an_open_question_without_an_answer_is_nobodys_claim(parsing, answer):
    assert not _answered(parsing, "What erodes morale on the ward?", answer)


def test_a_provisional_and_a_codebook_concept_of_one_name_are_two_claims(parsing):
    source = "Interviewer: Go on.\nPat Lee: Bullying erodes morale.\n"
    doc = read_text(source, "t.txt", source.encode())
    claim = extract(doc, parsing).claims[0]
    open_twin = replace(claim, subject=claim.subject.replace("/concept/", "/concept/provisional/"))
    assert claim_iri(doc, claim) != claim_iri(doc, open_twin)


def test_after_others_view_only_the_speakers_own_part_is_a_claim(parsing):
    claims = _claims(parsing, "People say targets drive quality, but I think they drive gaming.")
    assert not [c for c in claims if "quality" in c.object or "quality" in c.subject]
    own = _claims(parsing, "People frame it that way, but no, safety and dignity go together.")
    assert [c for c in own if c.relation == "combinesWith" and not c.negated]


@pytest.mark.parametrize(("text", "reading"), [
    ("If you don't have trust, you don't get feedback.", ("feedback", "requires", "trust")),
    ("When there's no trust, teamwork fails.", ("teamwork", "requires", "trust")),
    ("If nobody listens, morale doesn't improve.", ("morale", "requires", "listening")),
])
def test_without_one_thing_no_other_is_a_requirement(parsing, text, reading):
    assert (*reading, False) in _stated(parsing, _claims(parsing, text))


@pytest.mark.parametrize("text", [
    "If it rains, we don't go out.",
    "When the rota came out, nobody was surprised.",
])
def test_a_condition_without_a_lack_on_both_sides_states_nothing(parsing, text):
    assert not [c for c in _claims(parsing, text) if c.relation == "requires"]


def test_protecting_against_a_threat_undermines_it(parsing):
    stated = _stated(parsing, _claims(parsing, "Supervision protects against burnout."))
    assert ("supervision", "undermines", "burnout", False) in stated
    assert not [x for x in stated if x[1] == "enables"]


def test_a_cue_of_two_word_classes_is_read_as_tagged(parsing):
    stated = _stated(parsing, _claims(parsing, "Good handovers are key to patient safety."))
    assert stated == {("patient safety", "requires", "handover", False)}


def test_a_prepositional_cue_is_not_part_of_the_phrase_it_hangs_on(parsing):
    stated = _stated(parsing, _claims(parsing, "We lose staff because of burnout."))
    assert len(stated) == 1 and all(s != o for s, _, o, _ in stated)


@pytest.mark.parametrize("text", [
    "Enhanced recovery has cut our length of stay by about two days.",
    "The adrenaline was kept in the drawer by the nurses.",
])
def test_a_quantity_after_by_is_no_means(parsing, text):
    assert not [c for c in _claims(parsing, text) if c.rule == "by-means"]


@pytest.mark.parametrize(("text", "reading"), [
    ("Nobody reports if all they ever hear back is blame.",
     ("blame", "undermines", "incident reporting")),
    ("Nobody speaks up if they're tired.", ("fatigue", "undermines", "speaking up")),
    ("The buddying is part of the training now, not a favour.",
     ("buddying", "isPartOf", "training")),
    ("And the debrief after the sim is where the learning actually happens.",
     ("debrief", "enables", "learning")),
    ("But having families on the round has done a lot for communication.",
     ("family", "enables", "communication")),
    ("Recognition like that is how you get people reporting the near misses.",
     ("recognition", "enables", "incident reporting")),
])
def test_clauses_conditions_and_misparsed_subjects(parsing, text, reading):
    assert (*reading, False) in _stated(parsing, _claims(parsing, text))


@pytest.mark.parametrize(("text", "wrong"), [
    ("And the debrief after the sim is where the learning actually happens.", "simulation"),
    ("But having families on the round has done a lot for communication.", "having"),
])
def test_a_second_subject_from_a_misparse_names_no_claim(parsing, text, wrong):
    assert wrong not in {s for s, _, _, _ in _stated(parsing, _claims(parsing, text))}


def test_even_if_concedes_and_states_no_relation(parsing):
    claims = _claims(parsing, "Nobody speaks up, even if they're tired.")
    assert not [c for c in claims if c.rule == "cue-subordinator"]


@pytest.mark.parametrize(("text", "reading"), [
    ("Cancelling on the day wrecks the patient experience.",
     ("cancelling", "undermines", "patient experience")),
    ("Moving us out killed the communication with the GPs.",
     ("moving us out", "undermines", "communication")),
    ("Relying on locums undermines continuity.", ("locum", "undermines", "continuity of care")),
    ("Ignoring the family is where most of the mistakes come from.",
     ("error", "isConsequenceOf", "family")),
])
def test_a_gerund_names_its_deed_unless_its_object_is_what_it_is_about(parsing, text, reading):
    assert (*reading, False) in _stated(parsing, _claims(parsing, text))


@pytest.mark.parametrize(("text", "denied"), [
    ("Trust builds teamwork, not rules.", ("trust", "enables", "rule")),
    ("Complaints come down to communication, not dentistry.",
     ("complaint", "isConsequenceOf", "dentistry")),
])
def test_the_phrase_after_not_is_denied_in_the_place_it_stands_against(parsing, text, denied):
    stated = _stated(parsing, _claims(parsing, text))
    assert (*denied, True) in stated
    assert (*denied, False) not in stated


@pytest.mark.parametrize(("text", "wrong"), [
    ("Poor communication with families causes delays, every day.", "day"),
    ("Family bring in a yoghurt for her most days.", "yoghurt"),
])
def test_adverbials_and_particle_verbs_give_no_object(parsing, text, wrong):
    assert wrong not in {o for _, _, o, _ in _stated(parsing, _claims(parsing, text))}


@pytest.mark.parametrize(("text", "reading"), [
    ("So we do reflective practice every fortnight, and I think it helps with the burnout.",
     ("reflective practice", "undermines", "burnout")),
    ("After every retrieval we do a short debrief. It's done more for our teamwork than anything.",
     ("debrief", "enables", "teamwork")),
])
def test_a_pronoun_finds_the_object_of_an_earlier_clause_or_sentence(parsing, text, reading):
    assert (*reading, False) in _stated(parsing, _claims(parsing, text))


@pytest.mark.parametrize(("text", "reading"), [
    ("Our out-of-area placements come from that occupancy.",
     ("out of area placement", "isConsequenceOf", "occupancy")),
    ("Our liaison nurse has made more difference to morale than any policy.",
     ("liaison nurse", "enables", "morale")),
])
def test_hyphenated_modifiers_and_a_difference_made_to(parsing, text, reading):
    assert (*reading, False) in _stated(parsing, _claims(parsing, text))


def test_a_question_answered_after_a_short_phrase_is_the_answerers_claim(parsing):
    source = ("Interviewer: Does that hierarchy get in the way of safety?\n"
              "Pat Lee: Course it does.\n"
              "Interviewer: Do the staff see the debrief as part of their teamwork?\n"
              "Pat Lee: Massive, yes.\n")
    claims = extract(read_text(source, "t.txt", source.encode()), parsing).claims
    stated = {(_label(parsing, c.subject), c.relation, _label(parsing, c.object), c.negated,
               c.speaker == "Pat Lee") for c in claims}
    assert ("hierarchy", "undermines", "safety", False, True) in stated
    assert ("debrief", "isPartOf", "teamwork", False, True) in stated


@pytest.mark.parametrize(("text", "reading"), [
    ("And being invisible, honestly, that's what kills morale in this job.",
     ("being invisible", "undermines", "morale")),
    ("Moving a confused patient between wards at night, that's what causes the falls.",
     ("fall", "isConsequenceOf", "moving confused patient")),
])
def test_that_after_a_comma_takes_up_the_phrase_the_sentence_opens_with(parsing, text, reading):
    assert (*reading, False) in _stated(parsing, _claims(parsing, text))


def test_having_is_read_through_to_what_is_had(parsing):
    claims = _claims(parsing, "And the delays come from the hospitals having no beds.")
    assert ("bed", "undermines", "delay", False) in _readings(parsing, claims)


@pytest.mark.parametrize(("text", "parts", "whole"), [
    ("Our governance has three parts: audit, huddles and incident reporting.",
     {"audit", "huddle", "incident reporting"}, "governance"),
    ("We ran a flow programme. It had three parts, the morning board rounds, criteria-led "
     "discharge, and the discharge lounge.",
     {"morning board round", "criteria led discharge", "discharge lounge"}, "flow programme"),
])
def test_a_counted_set_of_parts_and_its_list_are_each_part_of_the_whole(parsing, text, parts,
                                                                        whole):
    stated = _stated(parsing, _claims(parsing, text))
    assert {s for s, r, o, n in stated if r == "isPartOf" and o == whole and not n} == parts


@pytest.mark.parametrize(("text", "reading"), [
    ("Positive behaviour support depends on consistency.",
     ("positive behaviour support", "requires", "consistency")),
    ("The national response time targets make control rooms chase the clock.",
     ("chase clock", "isConsequenceOf", "response time target")),
    ("Engagement went up after staff felt heard.", ("listening", "enables", "engagement")),
])
def test_narrower_phrases_nested_compounds_and_change_after(parsing, text, reading):
    assert (*reading, False) in _stated(parsing, _claims(parsing, text))


@pytest.mark.parametrize(("text", "claimed"), [
    ("Flow isn't throughput.", True),
    ("Observation isn't engagement.", True),
    ("Rest isn't a luxury.", False),
])
def test_a_negated_identity_names_a_contrast_not_a_denied_description(parsing, text, claimed):
    assert bool([c for c in _claims(parsing, text) if c.relation == "contrastsWith"]) == claimed


def test_who_acts_is_no_cause_but_how_many_of_them_is(parsing):
    assert not _readings(parsing, _claims(parsing, "The manager cut the training budget."))
    claims = _claims(parsing, "More nurses on the ward reduce errors.")
    assert ("nurse", "undermines", "error", False) in _readings(parsing, claims)


def test_a_name_the_speaker_addresses_is_no_concept(parsing):
    claims = _claims(parsing, "But a physician associate isn't a GP, Carla, and you know that.")
    assert not any("carla" in c.object or "carla" in c.subject for c in claims)


def test_a_denied_cleft_denies_its_relation(parsing):
    denied = _claims(parsing, "It's not the rota that makes people leave.")
    assert denied and all(c.negated for c in denied)
    assert not any(c.negated for c in _claims(parsing, "It's the rota that makes people leave."))


@pytest.mark.parametrize(("text", "reading"), [
    ("What knocks their confidence is being told off in front of families.",
     ("being told off", "undermines", "confidence")),
    ("What builds trust here is, I think, seeing the same coordinator every time.",
     ("seeing same coordinator", "enables", "trust")),
    ("What causes harm is a delayed transfer.", ("patient harm", "isConsequenceOf",
                                                "delayed transfer")),
])
def test_a_pseudo_cleft_the_parser_misreads_is_mended(parsing, text, reading):
    """"What A is B-ing" read as a progressive or with an aside before its focus: the copula
    heads the clause again, and the gerund focus is the cause."""
    assert (*reading, False) in _readings(parsing, _claims(parsing, text))


def test_mending_leaves_a_real_progressive_alone(parsing):
    from graph.syntax import repair

    doc = parsing.parser("The team is seeing more patients.")
    before = [(t.dep_, t.head.i) for t in doc]
    assert [(t.dep_, t.head.i) for t in repair(doc)] == before


@pytest.mark.parametrize(("text", "reading"), [
    ("What keeps people here is feeling valued.",
     ("recognition", "enables", "staff retention")),
    ("Self-rostering is what keeps them.", ("self rostering", "enables", "staff retention")),
    ("What drives them out, in my experience, is the charting.",
     ("charting", "undermines", "staff retention")),
    ("The rota loses us our best nurses.", ("rota", "undermines", "staff retention")),
    ("We lose nurses because of the rota.", ("rota", "undermines", "staff retention")),
    ("Flexible working is what keeps older nurses in the service.",
     ("flexible working", "enables", "staff retention")),
])
def test_causatives_of_a_concepts_action_name_it(parsing, text, reading):
    """lg:causativeLabel: keeping people is making them stay, losing them their leaving."""
    assert (*reading, False) in _readings(parsing, _claims(parsing, text))


@pytest.mark.parametrize("text", [
    "That keeps us from going cynical.",
    "A good crisis team keeps people out of hospital.",
    "We keep them safe because we check.",
    "We keep them in till every assessment was done.",
    "That is what keeps people going.",
    "That fear keeps them on the sofa.",
    "We keep them in hospital too long.",
])
def test_keeping_people_in_a_state_or_a_place_is_not_retention(parsing, text):
    assert not any("staff retention" in (r[0], r[2])
                   for r in _readings(parsing, _claims(parsing, text)))


@pytest.mark.parametrize(("text", "reading"), [
    ("And tiredness makes me sharper with people.", ("sharp", "isConsequenceOf", "fatigue")),
    ("Rushing their discharges causes readmissions.",
     ("readmission", "isConsequenceOf", "rushing discharge")),
])
def test_outcomes_and_deeds_are_named_by_their_words(parsing, text, reading):
    """A comparative outcome is named by its adjective ("sharper": sharp); a gerund's object
    after a determiner belongs to the deed."""
    assert (*reading, False) in _readings(parsing, _claims(parsing, text))


@pytest.mark.parametrize(("text", "reading", "hedged"), [
    ("Blame tends to squash learning.", ("blame", "undermines", "learning"), False),
    ("Rotas seem to erode morale.", ("rota", "undermines", "morale"), True),
    ("Poor handover is going to cause errors.", ("handover", "undermines", "error"), False),
    ("Supervision and kindness have to go together.",
     ("supervision", "combinesWith", "kindness"), False),
])
def test_a_raising_verb_passes_its_subject_to_the_cue(parsing, text, reading, hedged):
    """"A tends to / seems to / has to / is going to V B" is read as "A V B", hedged by "seem"."""
    claims = _claims(parsing, text)
    assert (*reading, False) in _readings(parsing, claims)
    assert any(c.hedged for c in claims) == hedged


def test_a_negated_raising_verb_negates_the_cue(parsing):
    assert ("blame", "undermines", "learning", True) in _readings(
        parsing, _claims(parsing, "Blame doesn't tend to squash learning."))


def test_an_it_cleft_relative_belongs_to_the_whole_focus(parsing):
    """"It's the lack of housing that loses us nurses": the lack, not the housing, loses them."""
    claims = _claims(parsing, "It's the lack of housing that loses us nurses.")
    assert ("housing", "enables", "staff retention", False) in _readings(parsing, claims)


def test_a_mark_inside_a_new_concepts_name_is_not_its_direction(parsing):
    """"missed sessions" is a thing of its own, not sessions marked "less"."""
    claims = _claims(parsing, "Missed sessions come from the money side more than anything.")
    assert ("missed session", "isConsequenceOf", "money side", False) in _readings(parsing, claims)


def test_one_person_staying_is_not_staff_retention(parsing):
    claims = _claims(parsing, "But the debriefs only work if the surgeon stays.")
    assert not any("staff retention" in r for r in _readings(parsing, claims))
    claims = _claims(parsing, "Nurses stay because of the team.")
    assert ("staff retention", "isConsequenceOf", "team", False) in _readings(parsing, claims)


def _turn(engine, text: str):
    source = f"Interviewer: Go on.\nPat Lee: {text}\n"
    return extract(read_text(source, "t.txt", source.encode()), engine).claims


@pytest.mark.parametrize(("text", "reading"), [
    ("Morale collapsed last winter. Mostly because of the rota.",
     ("rota", "undermines", "morale")),
    ("Errors went down. Because of the checklist.",
     ("surgical safety checklist", "undermines", "error")),
])
def test_a_because_that_opens_a_sentence_speaks_of_the_one_before(parsing, text, reading):
    """"B. Because of A.": the clause of the sentence before, with its direction, is B."""
    assert (*reading, False) in _readings(parsing, _turn(parsing, text))


def test_a_because_after_another_speakers_turn_takes_nothing_from_it(parsing):
    assert not _answered(parsing, "Morale collapsed last winter.", "Because of the rota.")


@pytest.mark.parametrize("text", [
    "Morale collapsed last winter. If anything, the huddles built trust.",
    "Morale collapsed last winter. Because they know that, they report everything.",
    "Morale collapsed last winter. Once they're confident they speak up.",
])
def test_a_sentence_with_a_clause_of_its_own_does_not_explain_the_one_before(parsing, text):
    assert not any("morale" in r[::2] for r in _readings(parsing, _turn(parsing, text)))


@pytest.mark.parametrize(("text", "reading"), [
    ("Complaints went up last year. I think a lot of that is the waiting times.",
     ("complaint", "isConsequenceOf", "waiting times")),
    ("Sickness absence doubled. Part of that was the restructure.",
     ("sickness absence", "isConsequenceOf", "restructure")),
])
def test_a_share_of_a_change_put_down_to_something_is_its_cause(parsing, text, reading):
    assert (*reading, False) in _readings(parsing, _turn(parsing, text))


def test_a_share_of_something_that_does_not_change_is_not_caused(parsing):
    claims = _turn(parsing, "The job is hard. Part of that is the paperwork.")
    assert not [c for c in claims if c.rule == "share-of-that"]


def test_mending_the_parse_keeps_every_sentence_a_tree(parsing):
    """Over real transcripts, every token still reaches its sentence's root, and the mended
    parse reads the same on a second pass (mending is idempotent)."""
    from pathlib import Path

    from graph.readers import read_file
    from graph.syntax import repair

    root = Path(__file__).resolve().parent.parent / "eval"
    texts = [s.text for path in sorted(root.glob("unseen1[5-9]/*.txt"))
             for turn in read_file(path).turns for s in turn.sentences]
    assert len(texts) > 500
    mended = 0
    for doc in parsing.parser.pipe(texts):
        parsed = [(t.dep_, t.head.i) for t in doc]
        mended += [(t.dep_, t.head.i) for t in repair(doc)] != parsed
        for token in doc:
            seen = 0
            while token.head.i != token.i:
                token, seen = token.head, seen + 1
                assert seen <= len(doc), doc.text
        before = [(t.dep_, t.head.i) for t in doc]
        assert [(t.dep_, t.head.i) for t in repair(doc)] == before, doc.text
    assert mended > 5


@pytest.mark.parametrize(("text", "reading"), [
    ("Because of the blame, nurses do not report incidents.",
     ("blame", "undermines", "incident reporting")),
    ("Nurses don't report incidents because they fear blame.",
     ("fear", "undermines", "incident reporting")),
    ("Blame is why nurses don't report incidents.", ("blame", "undermines", "incident reporting")),
])
def test_a_clause_said_not_to_happen_is_absent_not_a_denial(parsing, text, reading):
    """"B doesn't happen because of A": A undermines B, asserted; the negation is B's."""
    assert (*reading, False) in _readings(parsing, _claims(parsing, text))


@pytest.mark.parametrize("text", [
    "Nurses don't leave because of the pay.",
    "I don't think nurses leave because of the pay.",
])
def test_a_negated_clause_that_already_goes_down_denies_the_reason(parsing, text):
    """Less retention said not to happen "because of the pay" denies that the pay drives it."""
    claims = [c for c in _claims(parsing, text) if c.relation != "isPartOf"]
    assert claims and all(c.negated for c in claims)


def test_a_change_told_in_a_clause_window_is_its_direction(parsing):
    """"..., which is why reporting dropped": less reporting, so blame undermines it."""
    claims = _claims(parsing, "Blame was everywhere, which is why reporting dropped.")
    assert ("blame", "undermines", "incident reporting", False) in _readings(parsing, claims)


def test_a_clause_window_naming_several_concepts_is_not_read(parsing):
    """"A and B never did C, which is why D suffered": which of them D is put down to is
    the clause's syntax, which a window of words does not keep."""
    text = "Nurses and doctors never trained together, which is why teamwork suffered."
    assert "cue-discourse" not in {c.rule for c in _claims(parsing, text)}


def test_a_restrictive_relative_clause_describes_not_relates(parsing):
    """"the nurse who needs support" says who; "bullying, which erodes morale" relates."""
    assert "verb-relative" not in {
        c.rule for c in _claims(parsing, "We saw the nurse who needs support with the rota.")}
    assert ("bullying", "undermines", "morale", False) in _readings(
        parsing, _claims(parsing, "We saw bullying, which erodes morale."))


@pytest.mark.parametrize("text", [
    "The patient needs a bed by the window.",
    "The new plan came from the district office.",
])
def test_what_people_need_or_where_a_thing_started_is_no_relation(parsing, text):
    """Lay people (the lexicon's `people`) are no side of a relation between concepts, and a
    place (`places`) is where something came from, not its cause."""
    assert not [c for c in _claims(parsing, text) if not c.negated]


@pytest.mark.parametrize(("text", "reading"), [
    ("The virtual ward needs carers.", ("virtual ward", "requires", "carer")),
    ("Families are part of the care team.", ("family", "isPartOf", "care team")),
    ("Most complaints come from poor communication.",
     ("communication", "undermines", "complaint")),
])
def test_people_and_places_keep_the_relations_they_have(parsing, text, reading):
    assert (*reading, False) in _readings(parsing, _claims(parsing, text))


def test_improved_before_a_clause_is_no_transitive_verb(parsing):
    """"B improved because A": B is a consequence of A, not "B improves A"."""
    claims = _claims(parsing, "Teamwork improved because the surgeons listen to the nurses.")
    assert ("teamwork", "enables", "listening", False) not in _stated(parsing, claims)


def test_a_hyphenated_word_read_around_a_cue_is_kept_whole(parsing):
    """"the drop-ins did most of that": the drop-ins, not "ins"."""
    claims = _turn(parsing, "The waiting list came down to twelve weeks. I'd say the drop-ins "
                            "did most of that.")
    assert ("waiting times", "isConsequenceOf", "drop ins", False) in _stated(parsing, claims)


@pytest.mark.parametrize(("text", "reading"), [
    ("The debriefs help people keep going.", ("debrief", "enables", "going")),
    ("Short shifts let people start exercising.", ("short shift", "enables", "exercising")),
])
def test_a_clause_about_people_in_general_names_what_they_do(parsing, text, reading):
    """"help people keep going": the going on, not the people."""
    assert (*reading, False) in _stated(parsing, _claims(parsing, text))


def test_whole_made_up_of_parts_reads_each_part(parsing):
    """"B is made up of A, C and D": each is part of B; the list the parse hangs on B is
    not coordinated with B."""
    claims = _stated(parsing, _claims(parsing, "Our team is made up of two doctors, eleven "
                                                "midwives and nine nurses."))
    assert ("doctor", "isPartOf", "team", False) in claims
    assert not any(s == "doctor" and o in ("midwife", "nurse") for s, _, o, _ in claims)


def test_a_whole_that_consists_of_parts_is_their_whole(parsing):
    claims = _stated(parsing, _claims(parsing, "The practice team consists of two nurses and "
                                                "a dispenser."))
    assert ("nurse", "isPartOf", "practice team", False) in claims
    assert ("practice team", "isPartOf", "nurse", False) not in claims


@pytest.mark.parametrize(("text", "reading"), [
    ("Good leaders inspire people.", ("leadership", "enables", "motivation")),
    ("The old discipline frightened the young nurses.",
     ("fear", "isConsequenceOf", "old discipline")),
])
def test_what_a_verb_makes_people_feel_is_its_concept(parsing, text, reading):
    """lg:causativeLabel: "inspire people" is motivation, "frighten nurses" fear."""
    assert (*reading, False) in _stated(parsing, _claims(parsing, text))


@pytest.mark.parametrize(("answer", "verdict"), [
    ("Massively.", (False, False)),
    ("A lot.", (False, False)),
    ("For sure.", (False, False)),
    ("A bit. Not as much as we hoped.", (False, True)),
    ("Up to a point.", (False, True)),
    ("Far from it.", (True, False)),
    ("Quite the opposite.", (True, False)),
    ("A lot of people say so, but no.", None),
])
def test_short_answers_judge_the_question(parsing, answer, verdict):
    """Spoken verdicts: "Massively." confirms, "A bit." hedges, "Far from it." denies; "A lot
    of people say so" opens no verdict at all."""
    claims = [c for c in _answered(parsing, "Does the huddle build trust?", answer)
              if c.relation == "enables"]
    assert [(c.negated, c.hedged) for c in claims] == ([verdict] if verdict else [])


def test_an_it_cleft_the_parse_did_not_join_still_has_its_focus(parsing):
    """"it was the rehearsals, more than the weeks, that made ...": the rehearsals did it."""
    claims = _claims(parsing, "I think it was the rehearsals, more than the three weeks, "
                              "that made the team work.")
    assert ("rehearsal", "enables", "team", False) in _stated(parsing, claims)


def test_what_is_taken_from_something_is_not_needed(parsing):
    """"takes time away from the clients": taken away, not "registration requires time"."""
    claims = _stated(parsing, _claims(parsing, "This registration takes time away from the "
                                                "clients."))
    assert not any(r == "requires" for _, r, _, _ in claims)
    assert ("change", "requires", "time", False) in _stated(
        parsing, _claims(parsing, "Change takes time."))


@pytest.mark.parametrize(("text", "combined"), [
    ("Health and the council both order from us.", False),
    ("Trust and accountability both matter.", False),
    ("Trust and accountability both need to be there.", True),
    ("You need both trust and accountability.", True),
])
def test_a_floating_both_says_what_each_does(parsing, text, combined):
    """"A and B both VERB" tells what each does; a combination only with a verb of doing or
    needing together."""
    claims = _claims(parsing, text)
    assert any(c.relation == "combinesWith" for c in claims) == combined


def test_a_plural_noun_the_parser_took_for_a_verb_is_a_concept(parsing):
    """"They cut falls.": "falls" tagged as a verb with nothing of its own is the falls."""
    claims = _turn(parsing, "Strength and balance classes, twelve weeks, proper progressive "
                            "ones. They cut falls.")
    assert ("class", "undermines", "fall", False) in _stated(parsing, claims)


@pytest.mark.parametrize(("text", "reading"), [
    ("I think the burnout came from that, the short staffing.",
     ("burnout", "isConsequenceOf", "staffing shortage", False)),
    ("The errors, they mostly come from that, the interruptions.",
     ("error", "isConsequenceOf", "interruption", False)),
    ("Burnout comes from that, the workload.", ("burnout", "isConsequenceOf", "workload", False)),
    ("Supervision helps with it a lot, the burnout.",
     ("supervision", "undermines", "burnout", False)),
])
def test_a_pronoun_ending_its_clause_stands_for_the_phrase_after_its_comma(parsing, text, reading):
    assert reading in _stated(parsing, _claims(parsing, text))


@pytest.mark.parametrize(("text", "reading"), [
    ("Anonymous reporting paved the way for nurses to speak up.",
     ("incident reporting", "enables", "speaking up", False)),
    ("Moving the checks to pharmacists paved the way for the errors to come down.",
     ("moving check", "undermines", "error", False)),
    ("Blame closes the door to learning.", ("blame", "undermines", "learning", False)),
])
def test_what_paves_the_way_for_a_thing_enables_it(parsing, text, reading):
    assert reading in _readings(parsing, _claims(parsing, text))


@pytest.mark.parametrize(("text", "reading"), [
    ("Being there gave them trust.", ("being there", "enables", "trust", False)),
    ("Coming back gave the porters a sense of belonging.",
     ("coming", "enables", "camaraderie", False)),
    ("The course didn't give them confidence.", ("course", "enables", "confidence", True)),
])
def test_what_gives_people_a_concept_enables_it(parsing, text, reading):
    assert reading in _readings(parsing, _claims(parsing, text))


@pytest.mark.parametrize("text", ["The council gave us a solar panel.",
                                  "The family gave her an envelope."])
def test_what_gives_people_a_thing_is_no_relation(parsing, text):
    assert not _claims(parsing, text)


@pytest.mark.parametrize(("text", "reading"), [
    ("Give nurses a voice and they stay.", ("speaking up", "enables", "staff retention", False)),
    ("Support your staff and they stay.", ("support", "enables", "staff retention", False)),
])
def test_an_order_and_what_then_happens_is_a_condition(parsing, text, reading):
    """"Do A and B happens" says "if you do A, B happens"."""
    assert reading in _readings(parsing, _claims(parsing, text))


@pytest.mark.parametrize("text", ["Go home and rest.",
                                  "Come in and the nurses will show you round."])
def test_an_order_and_an_event_with_no_concept_is_no_relation(parsing, text):
    assert not _claims(parsing, text)


@pytest.mark.parametrize("text", [
    "I'm Fiona Gallacher, one of the consultants on the spinal unit.",
    "But wounds are the bread and butter.",
    "Supplies are a disaster and a miracle at the same time.",
])
def test_a_person_in_a_group_or_a_figure_of_speech_is_no_part(parsing, text):
    """"X, one of the Ys" places a person; "Bs are A1 and A2" describes B, it lists no parts."""
    assert not [c for c in _claims(parsing, text) if c.relation == "isPartOf"]


@pytest.mark.parametrize(("text", "reading"), [
    ("Stigma is a big part of why people don't ask for help.",
     ("stigma", "undermines", "asking for help", False)),
    ("Information overload is a real part of what exhausts them.",
     ("fatigue", "isConsequenceOf", "information overload", False)),
])
def test_part_of_why_gives_a_reason_not_a_part(parsing, text, reading):
    readings = _readings(parsing, _claims(parsing, text))
    assert reading in readings
    assert not [r for r in readings if r[1] == "isPartOf"]


@pytest.mark.parametrize("text", ["The image may have to be repeated.",
                                  "The two records have to be read together."])
def test_what_has_to_be_done_next_is_no_requirement(parsing, text):
    """"A has to be taught" needs teaching; "has to be repeated" only says what happens."""
    assert not [c for c in _claims(parsing, text) if c.relation == "requires"]


@pytest.mark.parametrize(("text", "absent", "present"), [
    ("If I can't explain it, a woman is frightened, and fear slows labour.",
     ("woman", "undermines", "labour", False), None),
    ("Cancelling on the day wrecks the experience, and it wrecks any trust they had.",
     None, ("cancelling", "undermines", "trust", False)),
])
def test_a_joined_verb_with_a_subject_of_its_own_does_not_share_one(parsing, text, absent,
                                                                     present):
    readings = _readings(parsing, _claims(parsing, text))
    assert absent is None or absent not in readings
    assert present is None or present in readings


@pytest.mark.parametrize(("text", "reading"), [
    ("They leave because nobody noticed.", ("recognition", "enables", "staff retention", False)),
    ("Morale dropped because no one listened.", ("listening", "enables", "morale", False)),
    ("Nobody reports because they're scared.", ("fear", "undermines", "incident reporting", False)),
])
def test_a_clause_nobody_does_does_not_happen(parsing, text, reading):
    assert reading in _readings(parsing, _claims(parsing, text))


@pytest.mark.parametrize(("text", "reading"), [
    ("The erosion of trust came with the restructuring.",
     ("restructuring", "undermines", "trust", False)),
    ("Trust comes with accountability.", ("trust", "combinesWith", "accountability", False)),
])
def test_a_change_that_came_with_a_thing_is_put_down_to_it(parsing, text, reading):
    assert reading in _readings(parsing, _claims(parsing, text))


@pytest.mark.parametrize(("question", "answer", "reading"), [
    ("Is automation a threat to skills?", "Partly, yes.", ("automation", "undermines", "skill", False)),
    ("Was the rota the main cause of burnout?", "No.", ("burnout", "isConsequenceOf", "rota", True)),
])
def test_an_inverted_copular_question_has_its_subject_first(parsing, question, answer, reading):
    """The small parser makes both nouns of "Is A a B?" complements of the copula."""
    source = f"Interviewer: {question}\nPat Lee: {answer}\n"
    claims = extract(read_text(source, "t.txt", source.encode()), parsing).claims
    assert reading in _readings(parsing, claims)


@pytest.mark.parametrize(("text", "reading"), [
    ("The online kits took a lot of the workload off the clinic.",
     ("online kit", "undermines", "workload", False)),
    ("The new rota took the strain off the night staff.", ("new rota", "undermines", "strain", False)),
])
def test_what_takes_the_pressure_off_people_undermines_it(parsing, text, reading):
    assert reading in _readings(parsing, _claims(parsing, text))


@pytest.mark.parametrize(("text", "reading"), [
    ("The mistakes come from the numbers, not from the nurses.",
     ("error", "isConsequenceOf", "nurse", True)),
    ("It's not the nurses who cause the errors.", ("error", "isConsequenceOf", "nurse", True)),
])
def test_a_denial_that_people_caused_something_is_kept(parsing, text, reading):
    """Who acted is no concept's cause, so such claims are left out, but a speaker who denies
    that a group caused a harm says something about the harm."""
    assert reading in _readings(parsing, _claims(parsing, text))


@pytest.mark.parametrize(("view", "answer", "reading"), [
    ("People say standardisation takes choice away from clinicians.",
     "They do say that. I don't think it does.", ("standardisation", "undermines", "choice", True)),
    ("Some people feel the protocols take away professional judgement.",
     "They do say that. No, I don't think so.",
     ("protocol", "undermines", "clinical judgement", True)),
])
def test_granting_that_others_say_it_is_no_confirmation(parsing, view, answer, reading):
    """"They do say that." grants the report, not the view: the verdict is in what follows."""
    source = f"Interviewer: {view}\nPat Lee: {answer}\n"
    claims = extract(read_text(source, "t.txt", source.encode()), parsing).claims
    readings = _readings(parsing, claims)
    assert reading in readings
    assert (*reading[:3], False) not in readings


@pytest.mark.parametrize("text", ["Isolation drives doctors away.",
                                  "Isolation is what drives doctors away from the islands."])
def test_driving_people_away_with_its_particle_apart_undermines_retention(parsing, text):
    """"away" the parser hangs on the verb as an adverb is the particle of "drive away", read
    even where the verb's own reading (what drives people) gave no claim."""
    assert ("isolation", "undermines", "staff retention", False) in _readings(
        parsing, _claims(parsing, text))


@pytest.mark.parametrize("text", ["We opened the door to the ward.",
                                  "He showed us the way to the ward."])
def test_a_door_or_a_way_taken_literally_is_no_relation(parsing, text):
    assert not _claims(parsing, text)


@pytest.mark.parametrize(("text", "reading"), [
    ("With the electric beds, the back pain of the nurses goes down.",
     ("electric bed", "undermines", "pain", False)),
    ("Morale went up with the huddles.", ("morale", "isConsequenceOf", "huddle", False)),
])
def test_a_change_told_with_what_came_with_it_is_put_down_to_that(parsing, text, reading):
    assert reading in _readings(parsing, _claims(parsing, text))


@pytest.mark.parametrize("text", ["With time, the complaints went down.",
                                  "With the night shift, errors go up."])
def test_a_change_that_came_with_a_time_is_not_put_down_to_it(parsing, text):
    assert not any(c.rule == "change-with" for c in _claims(parsing, text))


@pytest.mark.parametrize(("text", "reading"), [
    ("They leave because they're lonely.", ("lonely", "undermines", "staff retention", False)),
    ("Nurses quit because they feel exhausted.",
     ("fatigue", "undermines", "staff retention", False)),
])
def test_a_state_people_are_said_to_be_in_is_the_reason(parsing, text, reading):
    assert reading in _readings(parsing, _claims(parsing, text))


@pytest.mark.parametrize("text", ["The nurses stay until they are eighteen years old.",
                                  "We keep the rota because we are able to."])
def test_a_time_or_an_ability_is_no_state_that_explains(parsing, text):
    assert not _claims(parsing, text)


def test_a_counted_list_in_the_sentences_after_names_each_item(parsing):
    """ "Three things cut our sickness absence. The new rota, first. Second, the huddles.": each
    item is a side, with its own sentence as evidence too."""
    claims = _claims(parsing, "Three things cut our sickness absence. The new rota, first. "
                              "Second, the huddles. Third, the coaching.")
    readings = _readings(parsing, claims)
    for item in ("new rota", "huddle", "coaching"):
        assert (item, "undermines", "sickness absence", False) in readings
    huddle = next(c for c in claims if _label(parsing, c.subject) == "huddle")
    assert huddle.answer is not None and huddle.answer.quote == "Second, the huddles."


def test_a_counted_list_after_a_colon_names_each_item_with_its_mark(parsing):
    claims = _claims(parsing, "Two things feed into burnout: low pay, and the long hours.")
    readings = _readings(parsing, claims)
    assert ("pay", "undermines", "burnout", False) in readings
    assert ("burnout", "isConsequenceOf", "workload", False) in readings


def test_a_count_followed_by_clauses_names_no_items(parsing):
    assert not _claims(parsing, "Three things drive burnout. We have a rota. The huddles help.")


@pytest.mark.parametrize(("text", "reading"), [
    ("Audit without feedback is only a ritual.", ("audit", "requires", "feedback", False)),
    ("Without that trust, the review is just a ceremony.", ("review", "requires", "trust", False)),
])
def test_a_thing_without_another_belittled_needs_it(parsing, text, reading):
    assert reading in _stated(parsing, _claims(parsing, text))


def test_a_thing_done_without_someone_is_not_belittled(parsing):
    assert not any(c.rule == "cue-preposition"
                   for c in _claims(parsing, "We ran the audit without the manager last week."))


@pytest.mark.parametrize(("text", "reading"), [
    ("Teamwork hinges on trust.", ("teamwork", "requires", "trust", False)),
    ("Our naloxone distribution hinges on the pharmacies now.",
     ("naloxone distribution", "requires", "pharmacy", False)),
    ("The quality of the reviews hinges on protected time.",
     ("quality", "requires", "protected time", False)),
    ("Deprescribing hinges on trust.", ("deprescribing", "requires", "trust", False)),
])
def test_hinges_read_as_a_noun_is_mended_into_the_verb(parsing, text, reading):
    """The small parser tags "hinges" before "on" as a plural noun; the mended tree reads it
    as the verb, the phrase before it as its subject."""
    assert reading in _stated(parsing, _claims(parsing, text))


def test_a_label_the_parse_split_before_a_cue_noun_is_kept_whole(parsing):
    """ "a patient safety risk": the parse hangs "patient" as an adjective on "risk"."""
    claims = _claims(parsing, "Bad behaviour is actually a patient safety risk.")
    assert any(_label(parsing, c.object) == "patient safety" for c in claims)


def test_being_able_to_do_a_thing_is_about_the_thing(parsing):
    claims = _claims(parsing, "Triage depends on actually being able to talk to the person.")
    assert not any("being able" in _label(parsing, c.object) for c in claims)


@pytest.mark.parametrize(("text", "reading"), [
    ("Supervision helps prevent burnout.", ("supervision", "undermines", "burnout", False)),
    ("The huddle helped reduce falls.", ("huddle", "undermines", "fall", False)),
    ("Supervision helps build trust.", ("supervision", "enables", "trust", False)),
])
def test_a_verb_right_after_help_is_the_cue(parsing, text, reading):
    """ "helps prevent burnout" prevents it: never read as helping burnout along."""
    readings = _readings(parsing, _claims(parsing, text))
    assert readings == {reading}


@pytest.mark.parametrize(("text", "reading"), [
    ("Trust is one of the cornerstones of good care.", ("trust", "isPartOf", "quality of care", False)),
    ("Handover is one of the building blocks of safe care.", ("handover", "isPartOf", "safety", False)),
])
def test_one_of_the_pillars_of_a_thing_is_part_of_the_thing(parsing, text, reading):
    readings = _readings(parsing, _claims(parsing, text))
    assert reading in readings
    assert not any(r[1] == "undermines" for r in readings)  # "blocks" here is no verb


@pytest.mark.parametrize(("text", "reading"), [
    ("The rota has a huge impact on morale.", ("morale", "isConsequenceOf", "rota", False)),
    ("The huddle has had a positive effect on teamwork.", ("huddle", "enables", "teamwork", False)),
    ("Bullying has a corrosive effect on teamwork.", ("bullying", "undermines", "teamwork", False)),
    ("The rota doesn't have an impact on morale.", ("morale", "isConsequenceOf", "rota", True)),
    ("Blame doesn't create the conditions for learning.", ("blame", "enables", "learning", True)),
])
def test_an_effect_on_a_thing_and_its_denial(parsing, text, reading):
    """A good or bad effect is signed; "no effect", "doesn't create the conditions" deny."""
    assert _readings(parsing, _claims(parsing, text)) == {reading}


@pytest.mark.parametrize(("text", "reading"), [
    ("When trust is low, reporting drops.", ("trust", "enables", "incident reporting")),
    ("When there is no trust, reporting drops.", ("trust", "enables", "incident reporting")),
    ("When trust drops, reporting drops.", ("trust", "enables", "incident reporting")),
    ("When trust goes, reporting goes too.", ("trust", "enables", "incident reporting")),
    ("Fatigue lowers morale.", ("fatigue", "undermines", "morale")),
    ("Low trust lowers morale.", ("mistrust", "undermines", "morale")),
    ("Low morale causes sickness.", ("morale", "undermines", "sickness")),
    ("Cutting the budget causes delays.", ("budgets", "undermines", "delay")),
    ("Rushing means mistakes.", ("error", "isConsequenceOf", "rushing")),
    ("Trust is what keeps it safe.", ("trust", "enables", "safety")),
    ("Every cancelled list makes the waiting list longer.",
     ("waiting times", "isConsequenceOf", "cancelled list")),
    ("Errors come from fatigue, a thin handover and too many alerts.",
     ("error", "isConsequenceOf", "handover")),
    ("Errors come from fatigue, poor handovers and too many alerts.",
     ("error", "isConsequenceOf", "alert")),
    ("Any change you make needs you to know the history first.",
     ("change", "requires", "know history")),
    ("Nurses and doctors have to go together.", ("nurse", "combinesWith", "doctor")),
    ("You can't have teamwork if there's no trust.", ("teamwork", "requires", "trust")),
    ("Good handovers cut down on errors.", ("handover", "undermines", "error")),
    ("Her confidence grew through coaching.", ("confidence", "isConsequenceOf", "coaching")),
    ("Supervision is one of the things that keeps staff safe.",
     ("supervision", "enables", "safety")),
    ("Trust is the one thing that keeps nurses here.", ("trust", "enables", "staff retention")),
    ("To build trust, you need time.", ("trust", "requires", "time")),
    ("For people to speak up, they need to feel safe.",
     ("speaking up", "requires", "psychological safety")),
    ("The debriefs only work if the surgeon stays.", ("debrief", "requires", "surgeon")),
    ("The mistrust we inherited is the price of centralisation.",
     ("mistrust", "isConsequenceOf", "centralisation")),
    ("Most errors come from the variety of pumps.", ("error", "isConsequenceOf", "pump")),
    ("Following that policy to the letter would make me less safe, not more.",
     ("policy", "undermines", "safety")),
])
def test_the_state_of_a_clause_and_a_list_the_parser_split_are_read(parsing, text, reading):
    assert (*reading, False) in _readings(parsing, _claims(parsing, text))


@pytest.mark.parametrize(("text", "wrong"), [
    ("When trust drops, reporting drops.", "undermines"),
    ("Fatigue lowers morale.", "enables"),
    ("Leadership means listening.", "isConsequenceOf"),
    ("A manager who can't delegate burns out, and when the manager goes, the ward tends to go "
     "with her.", "manager"),
    ("That makes it harder.", "harder"),
    ("If a nurse tells you, you listen.", "nurse"),
    ("It matters for patients.", "patient"),
    ("Stunting is not only a nutrition problem but a sanitation problem.", "nutrition"),
    ("That's a pharmacy problem, not a chair problem.", "pharmacy"),
    ("If I'd blamed her, the rest of them would have stopped telling me about their own "
     "mistakes.", "error"),

    ("Safety here depends on the observations, the withdrawal scores, every four hours, day and "
     "night.", "night"),
])
def test_a_reading_against_the_clause_is_not_made(parsing, text, wrong):
    found = _readings(parsing, _claims(parsing, text))
    assert not [r for r in found if wrong in r[0] or wrong in r[2] or wrong == r[1]], found


def test_a_list_after_a_colon_spells_out_the_object_and_its_items_are_not_parts_of_each_other(
        parsing):
    text = "Three things make up good supervision: protected time, reflection and feedback."
    found = {(r[0], r[2]) for r in _readings(parsing, _claims(parsing, text)) if r[1] == "isPartOf"}
    assert {("protected time", "supervision"), ("reflection", "supervision")} <= found
    assert {(x, y) for x, y in found if y != "supervision"} == set(), found


def test_because_of_this_before_a_noun_is_the_noun_not_the_sentence_before(parsing):
    found = _readings(parsing, _claims(
        parsing, "The cooperation is much better because of this board."))
    assert ("collaboration", "isConsequenceOf", "board", False) in found
    assert ("board", "isConsequenceOf", "collaboration", False) not in found


@pytest.mark.parametrize(("text", "reading"), [
    ("The scrutiny only works if the examiner is independent.",
     ("scrutiny", "requires", "independent")),
    ("Supervision only works if staff are honest.", ("supervision", "requires", "honest")),
    ("Partnership only works if management is transparent.",
     ("partnership", "requires", "transparency")),
    ("Being liked and being respected are different things.",
     ("being liked", "contrastsWith", "dignity and respect")),
    ("Honesty isn't bluntness.", ("transparency", "contrastsWith", "bluntness")),
    ("The pre-alert from the ambulance is what lets us have the whole team there.",
     ("pre alert", "enables", "team")),
    ("Self-harm is a consequence of isolation.", ("self harm", "isConsequenceOf", "isolation")),
    ("A just culture isn't a no-blame culture.", ("just culture", "contrastsWith", "blame")),
    ("What makes people defensive is blame.", ("defensive practice", "isConsequenceOf", "blame")),
    ("A nurse is not a doctor.", ("nurse", "contrastsWith", "doctor")),
    ("Induction, mainly. It keeps volunteers safe.", ("induction", "enables", "safety")),
    ("I think the night rounds have done more for morale than any pay rise could.",
     ("night round", "enables", "morale")),
    ("Once people trusted us, the complaints stopped.", ("trust", "undermines", "complaint")),
    ("When the workload went up, the morale fell off.", ("workload", "undermines", "morale")),
    ("Safeguarding sits within social work.", ("safeguarding", "isPartOf", "social work")),
    ("When staff are stressed, kindness is the first thing to go.",
     ("stress", "undermines", "kindness")),
    ("Supervision is part of looking after the staff.",
     ("supervision", "isPartOf", "looking after staff")),
    ("Looking clean and being clean are not the same thing.",
     ("looking clean", "contrastsWith", "being clean")),
    ("A good chunk of the errors come from agency use.",
     ("error", "isConsequenceOf", "agency use")),
    ("People who are frightened don't speak up.", ("fear", "undermines", "speaking up")),
    ("Stressed staff leave.", ("stress", "undermines", "staff retention")),
    ("People only tell you the real story if they feel safe.",
     ("story", "requires", "psychological safety")),
    ("Predictability keeps people, in my experience.",
     ("predictability", "enables", "staff retention")),
    ("Most of the nurses stay because of the team.",
     ("staff retention", "isConsequenceOf", "team")),
])
def test_a_condition_people_must_meet_and_hyphenated_words_are_read(parsing, text, reading):
    assert (*reading, False) in _readings(parsing, _claims(parsing, text))


@pytest.mark.parametrize(("text", "wrong"), [
    ("People waited until they were very sick, because they were afraid of the cost.", "sick"),
    ("It only works if I'm honest with them, to be honest.", "honest"),
    ("De-escalation only works if you know the person.", "escalation"),
    ("Dr Raghavan, let's start with the big picture.", "start"),
    ("Some doctors were worried that the service would make clinicians more defensive.",
     "defensive practice"),
    ("Burnout comes from the workload, of course.", "course"),
    ("They must, in their own defence, disconnect from the task. That makes them cold.",
     "disconnect"),
])
def test_a_state_that_is_not_a_condition_and_the_tail_of_a_hyphenated_word_are_not_read(
        parsing, text, wrong):
    found = _readings(parsing, _claims(parsing, text))
    assert not [r for r in found if r[0] == wrong or r[2] == wrong], found


@pytest.mark.parametrize(("text", "denied"), [
    ("People leave because they're exhausted, not because of the money.",
     ("money", "undermines", "staff retention")),
    ("What burns people out isn't death.", ("burnout", "isConsequenceOf", "death")),
    ("What keeps nurses here isn't the pay.", ("pay", "enables", "staff retention")),
])
def test_a_cause_denied_after_not_or_in_a_negated_pseudo_cleft_is_negated(parsing, text, denied):
    found = _readings(parsing, _claims(parsing, text))
    assert (*denied, True) in found and (*denied, False) not in found, found


@pytest.mark.parametrize(("text", "reading"), [
    ("Fear is what makes people refuse the operation.",
     ("refuse operation", "isConsequenceOf", "fear")),
    ("Shame makes nurses hide their mistakes.", ("hide mistake", "isConsequenceOf", "shame")),
    ("The penalties make crews chase the clock.", ("chase clock", "isConsequenceOf", "penalty")),
    ("That's what causes the backlog. Late bookings.",
     ("waiting times", "isConsequenceOf", "late booking")),
])
def test_a_deed_made_to_happen_and_a_noun_phrase_pointed_forward_to_are_read(
        parsing, text, reading):
    assert (*reading, False) in _readings(parsing, _claims(parsing, text))


@pytest.mark.parametrize(("text", "wrong"), [
    ("Shame makes nurses hide their mistakes.", ("error", "isConsequenceOf", "shame")),
    ("Blame makes people lose trust.", ("lose trust", "isConsequenceOf", "blame")),
    ("Good leadership makes people pursue improvement.",
     ("pursue improvement", "isConsequenceOf", "leadership")),
    ("That's what keeps people here. Every time.", ("time", "enables", "staff retention")),
])
def test_a_deed_of_amount_or_doing_a_thing_and_a_time_after_a_demonstrative_are_not_read(
        parsing, text, wrong):
    assert (*wrong, False) not in _readings(parsing, _claims(parsing, text))


@pytest.mark.parametrize(("text", "reading"), [
    ("Escalation only works if the hospital answers the phone.",
     ("escalation", "requires", "answer phone")),
    ("Learning only happens if somebody closes the loop.", ("learning", "requires", "close loop")),
])
def test_a_deed_a_condition_needs_of_someone_is_the_requirement(parsing, text, reading):
    assert (*reading, False) in _readings(parsing, _claims(parsing, text))


@pytest.mark.parametrize(("text", "wrong"), [
    ("Escalation only works if the hospital answers the phone.",
     ("escalation", "requires", "hospital")),
    ("Collaboration only works if management tells us.", ("collaboration", "requires", "tell")),
])
def test_the_doer_or_a_bare_verb_of_a_condition_is_not_the_requirement(parsing, text, wrong):
    assert (*wrong, False) not in _readings(parsing, _claims(parsing, text))


@pytest.mark.parametrize(("text", "reading"), [
    ("Working with teachers needs mutual respect.",
     ("working with teacher", "requires", "dignity and respect")),
    ("What builds confidence is talking through real cases.",
     ("talking through real case", "enables", "confidence")),
])
def test_a_deed_done_with_or_through_someone_keeps_its_partner(parsing, text, reading):
    assert (*reading, False) in _readings(parsing, _claims(parsing, text))


def test_a_preposition_without_its_object_is_left_off_a_deed(parsing):
    labels = {label for claim in _readings(parsing, _claims(
        parsing, "Working alongside them builds trust.")) for label in (claim[0], claim[2])}
    assert "working" in labels and "working alongside" not in labels


@pytest.mark.parametrize(("text", "reading"), [
    ("Continuity is what allows avoidable admissions to fall.",
     ("continuity of care", "undermines", "avoidable admission")),
    ("The huddle helped waiting times come down.", ("huddle", "undermines", "waiting times")),
    ("Trust allows people to speak up.", ("trust", "enables", "speaking up")),
])
def test_a_thing_let_or_helped_to_change_keeps_the_change(parsing, text, reading):
    assert (*reading, False) in _readings(parsing, _claims(parsing, text))


@pytest.mark.parametrize(("text", "reading"), [
    ("Without supervision, burnout creeps in.", ("supervision", "undermines", "burnout")),
    ("Without training, staff make errors.", ("training", "undermines", "error")),
])
def test_a_harm_said_to_happen_without_a_thing_is_kept_away_by_it(parsing, text, reading):
    assert (*reading, False) in _readings(parsing, _claims(parsing, text))


@pytest.mark.parametrize("text", [
    "Without the rota, errors are rare.",
    "Without the huddle, people go home.",
])
def test_without_a_thing_a_clause_of_no_harm_happening_states_nothing(parsing, text):
    assert not _readings(parsing, _claims(parsing, text))


def test_a_gerund_read_as_an_adjective_of_the_verb_after_it_is_its_subject(parsing):
    claims = _readings(parsing, _claims(parsing, "Overcrowding drives infections."))
    assert ("infection", "isConsequenceOf", "overcrowding", False) in claims


@pytest.mark.parametrize(("text", "reading"), [
    ("That's what kills morale, the rota.", ("rota", "undermines", "morale")),
    ("That's what keeps people here, the teamwork.", ("teamwork", "enables", "staff retention")),
])
def test_a_phrase_after_a_clause_about_what_names_what_not_the_noun_before(
        parsing, text, reading):
    assert (*reading, False) in _readings(parsing, _claims(parsing, text))


def test_a_noun_before_a_label_of_several_words_makes_a_narrower_concept(parsing):
    claims = _readings(parsing, _claims(
        parsing, "Trauma risk management is part of our welfare package."))
    assert ("trauma risk management", "isPartOf", "welfare package", False) in claims


@pytest.mark.parametrize(("text", "reading"), [
    ("Two psychologists resigned because of the new policy.",
     ("policy", "undermines", "staff retention")),
    ("Porters resigned because of the rota.", ("rota", "undermines", "staff retention")),
])
def test_workers_no_role_names_who_leave_are_staff_lost(parsing, text, reading):
    assert (*reading, False) in _readings(parsing, _claims(parsing, text))


def test_lay_people_who_leave_are_no_staff_lost(parsing):
    claims = _readings(parsing, _claims(parsing, "Patients left because of the rota."))
    assert not any(claim[2] == "staff retention" for claim in claims)


def test_a_phrase_after_a_question_about_what_names_what_it_stands_for(parsing):
    claims = _answered(parsing, "Is it also what damages morale, the shortages?", "Yes.")
    assert ("shortage", "undermines", "morale", False) in _readings(parsing, claims)


@pytest.mark.parametrize(("text", "reading"), [
    ("Self-scheduling is the glue that keeps them here.",
     ("self scheduling", "enables", "staff retention")),
    ("Supervision is the engine that drives learning.", ("learning", "isConsequenceOf",
                                                          "supervision")),
])
def test_a_likeness_with_a_relative_clause_relates_what_it_is_said_of(parsing, text, reading):
    assert (*reading, False) in _readings(parsing, _claims(parsing, text))


def test_an_it_cleft_after_a_dislocated_phrase_is_no_likeness(parsing):
    claims = _answered(parsing, "And the ones who leave, is it isolation that drives them away?",
                       "Largely, yes.")
    assert ("isolation", "undermines", "staff retention", False) in _readings(parsing, claims)


@pytest.mark.parametrize(("text", "reading"), [
    ("Our play specialists reduce the need to hold children down.",
     ("play specialist", "undermines", "hold children down")),
    ("Good triage cuts the need for agency staff.", ("triage", "undermines", "agency staff")),
])
def test_a_need_reduced_is_what_is_needed(parsing, text, reading):
    assert (*reading, False) in _readings(parsing, _claims(parsing, text))


@pytest.mark.parametrize(("text", "reading"), [
    ("Errors happen because of managers not listening.", ("listening", "undermines", "error")),
    ("Infections come from staff not washing their hands.",
     ("washing hand", "undermines", "infection")),
    ("The workaround came from the kit not being there.", ("kit", "undermines", "workarounds")),
    ("Delays come from hospitals not having beds.", ("bed", "undermines", "delay")),
])
def test_a_deed_or_thing_said_not_to_happen_after_a_preposition_is_absent(parsing, text,
                                                                          reading):
    assert (*reading, False) in _readings(parsing, _claims(parsing, text))


def test_a_light_verb_is_no_deed_of_its_own(parsing):
    claims = _readings(parsing, _claims(
        parsing, "Most of our wasted time comes from wards not having the patient ready."))
    assert not any("having" in (claim[0], claim[2]) for claim in claims)


def test_a_role_you_have_got_is_a_role_present(parsing):
    claims = _readings(parsing, _claims(
        parsing, "The nurse-led model only works if you've got an anaesthetist."))
    assert ("nurse led model", "requires", "anaesthetist", False) in claims


def test_a_bare_verb_the_parse_made_a_subject_is_a_noun(parsing):
    from graph.syntax import repair

    doc = repair(parsing.parser("Discharge only works if the navigator is involved."))
    assert (doc[0].pos_, doc[0].dep_) == ("NOUN", "nsubj")
    claims = _readings(parsing, _claims(parsing, "Discharge only works if there's a nurse there."))
    assert ("discharge", "requires", "nurse", False) in claims


@pytest.mark.parametrize(("text", "reading"), [
    ("The debrief helped me cope with it.", ("debrief", "enables", "cope")),
    ("The quiet room lets nurses rest.", ("quiet room", "enables", "rest")),
])
def test_a_bare_verb_without_an_object_made_to_happen_is_the_outcome(parsing, text, reading):
    assert (*reading, False) in _readings(parsing, _claims(parsing, text))


@pytest.mark.parametrize("text", [
    "We use data and information every day. It comes from the data, not from the money.",
    "The discharge coordinators and the coordinators work together.",
])
def test_a_new_concept_named_by_words_of_the_other_side_is_no_relation(parsing, text):
    claims = _readings(parsing, _claims(parsing, text))
    assert not any(set(claim[2].split()) <= set(claim[0].split())
                   or set(claim[0].split()) <= set(claim[2].split()) for claim in claims)


def test_an_irregular_plural_names_its_concept_in_the_singular(parsing):
    claims = _readings(parsing, _claims(parsing, "The free programme brought more women."))
    assert ("woman", "isConsequenceOf", "free programme", False) in claims
    claims = _readings(parsing, _claims(parsing, "Usage data drives procurement."))
    assert any("usage data" in (claim[0], claim[2]) for claim in claims)


def test_lay_people_named_by_an_irregular_plural_are_no_concept(parsing):
    claims = _readings(parsing, _claims(
        parsing, "The children come to the clinic again and again with chest infections."))
    assert not any("children" in (claim[0], claim[2]) for claim in claims)


@pytest.mark.parametrize(("text", "reading"), [
    ("Feedback makes staff more likely to report.",
     ("incident reporting", "isConsequenceOf", "feedback")),
    ("Fear makes nurses less likely to speak up.", ("fear", "undermines", "speaking up")),
    ("The rota makes nurses less likely to stay.", ("rota", "undermines", "staff retention")),
])
def test_a_deed_people_are_made_more_or_less_likely_to_do_is_the_outcome(parsing, text,
                                                                         reading):
    assert (*reading, False) in _readings(parsing, _claims(parsing, text))


@pytest.mark.parametrize("text", [
    "They leave because of the nights and the feeling that nobody notices them.",
    "They leave because they feel like they're drowning and nobody noticed.",
    "People leave because they never get a break and nobody says thank you.",
])
def test_a_concept_in_a_clause_said_not_to_happen_under_an_argument_is_absent(parsing, text):
    claims = _readings(parsing, _claims(parsing, text))
    assert ("recognition", "enables", "staff retention", False) in claims
    assert not any(claim[:3] == ("recognition", "undermines", "staff retention")
                   for claim in claims)


def test_an_amount_of_stuff_is_no_part(parsing):
    claims = _readings(parsing, _claims(parsing, "A glucometer without strips is a piece of plastic."))
    assert not any(claim[1] == "isPartOf" for claim in claims)
    claims = _readings(parsing, _claims(parsing, "The huddle is a piece of the puzzle."))
    assert ("huddle", "isPartOf", "puzzle", False) in claims


def test_a_place_called_the_centre_is_no_centralisation(parsing):
    claims = _answered(parsing, "What makes a good day at the centre?", "Company, mostly.")
    assert not any("centralisation" in (claim[0], claim[2]) for claim in _readings(parsing, claims))
    claims = _readings(parsing, _claims(
        parsing, "So this combination of local implementation, adaptation, of problem solving, "
        "figuring things out, and will and ideas and support to execution from the centre, "
        "that's the cocktail that I think works best."))
    assert ("local implementation", "combinesWith", "centralisation", False) in claims


def test_they_in_a_later_clause_stands_for_a_plural_concept_before_it(parsing):
    claims = _answered(parsing, "Tell me about the fatigue.",
                       "The vacancies came first and the anger came from them.")
    assert ("anger", "isConsequenceOf", "staffing shortage", False) in _readings(parsing, claims)


def test_they_in_a_later_sentence_stands_for_a_plural_not_a_singular_concept(parsing):
    claims = _answered(parsing, "Go on.",
                       "We talked about leadership for an hour. They cut the waiting times.")
    assert not any("leadership" in (claim[0], claim[2]) for claim in _readings(parsing, claims))
    claims = _answered(parsing, "Go on.",
                       "We went to the huddles every day. They reduce the stress.")
    assert ("huddle", "undermines", "stress", False) in _readings(parsing, claims)


@pytest.mark.parametrize(("text", "reading"), [
    ("The huddle is what's earned me their trust.", ("huddle", "enables", "trust", False)),
    ("Honestly, the rota is what's pushed the nurses out.",
     ("rota", "undermines", "staff retention", False)),
    ("The debrief, that's what's lifted morale.", ("debrief", "enables", "morale", False)),
])
def test_what_is_before_a_participle_is_a_perfect_not_a_passive(parsing, text, reading):
    assert reading in _readings(parsing, _claims(parsing, text))


def test_what_is_called_stays_a_passive(parsing):
    from graph.syntax import repair

    doc = parsing.parser("It is what's called partnership working.")
    before = [(t.dep_, t.head.i) for t in doc]
    assert [(t.dep_, t.head.i) for t in repair(doc)] == before


@pytest.mark.parametrize(("text", "reading"), [
    ("Having the stock on the ward, that's what makes the offer happen.",
     ("stock", "enables", "offer", False)),
    ("Having a rota six weeks ahead, that's what keeps the nurses.",
     ("rota", "enables", "staff retention", False)),
])
def test_a_gerund_of_having_taken_up_by_that_is_what_is_had(parsing, text, reading):
    assert reading in _readings(parsing, _claims(parsing, text))


def test_a_number_of_people_who_leave_is_staff_retention_less(parsing):
    claims = _readings(parsing, _claims(parsing, "Two of the nurses left because of the bullying."))
    assert ("bullying", "undermines", "staff retention", False) in claims


@pytest.mark.parametrize(("text", "reading"), [
    ("When morale drops, it's because of the rota.", ("rota", "undermines", "morale", False)),
    ("If nurses stay, it's because of the team.",
     ("staff retention", "isConsequenceOf", "team", False)),
])
def test_it_is_because_stands_for_the_when_clause_before_it(parsing, text, reading):
    assert reading in _readings(parsing, _claims(parsing, text))



@pytest.mark.parametrize(("text", "reading"), [
    ("When someone's on their fourth shift, the kindness goes. The tiredness does that, "
     "not the person.", ("fatigue", "undermines", "kindness", False)),
    ("Trust went up. The huddles did that.", ("trust", "isConsequenceOf", "huddle", False)),
    ("Morale fell. That's what the restructuring did.",
     ("restructuring", "undermines", "morale", False)),
])
def test_what_a_thing_did_stands_for_the_sentence_before(parsing, text, reading):
    assert reading in _readings(parsing, _claims(parsing, text))


def test_what_a_thing_did_not_do_is_denied(parsing):
    claims = _readings(parsing, _claims(parsing, "Trust went up. The audit didn't do that."))
    assert ("trust", "isConsequenceOf", "audit", True) in claims


def test_what_a_thing_did_after_an_opinion_is_no_relation(parsing):
    claims = _readings(parsing, _claims(parsing, "You can't blame them. The payments did that."))
    assert not claims


@pytest.mark.parametrize(("text", "reading"), [
    ("Taking over kills confidence.", ("taking over", "undermines", "confidence", False)),
    ("Early follow-up stops the bounce-back.",
     ("early follow up", "undermines", "bounce back", False)),
    ("Learning the job needs a lot of cases and a senior alongside you.",
     ("learning", "requires", "senior", False)),
])
def test_phrasal_gerunds_hyphenated_nouns_and_adjectives_used_as_nouns_are_concepts(
        parsing, text, reading):
    assert reading in _readings(parsing, _claims(parsing, text))


def test_a_label_the_parser_split_before_its_head_is_kept_whole(parsing):
    claims = _readings(parsing, _claims(
        parsing, "A root cause analysis is not the same thing as a learning review."))
    assert ("root cause analysis", "contrastsWith", "learning review", False) in claims


@pytest.mark.parametrize(("text", "reading"), [
    ("We lose a lot of nurses to burnout.", ("burnout", "undermines", "staff retention", False)),
    ("The agencies pay more. We have lost two good nurses to the agencies.",
     ("agency", "undermines", "staff retention", False)),
    ("Burnout is everywhere. We have lost two nurses to it in three years.",
     ("burnout", "undermines", "staff retention", False)),
])
def test_what_people_are_lost_to_takes_them(parsing, text, reading):
    assert reading in _readings(parsing, _claims(parsing, text))


@pytest.mark.parametrize("text", [
    "It keeps a lot of nurses quiet too.",  # a state, not kept on
    "Honestly, I think that is what keeps a lot of them. Not the lectures.",
])
def test_people_kept_in_a_state_or_a_denied_fragment_give_no_retention(parsing, text):
    assert not [r for r in _readings(parsing, _claims(parsing, text))
                if r[2] == "staff retention" and not r[3]]


def test_an_agent_after_not_is_denied(parsing):
    claims = _readings(parsing, _claims(parsing, "Trust is built by listening, not by a memo."))
    assert ("listening", "enables", "trust", False) in claims
    assert ("memo", "enables", "trust", True) in claims


def test_an_if_clause_the_parser_hung_on_a_stranded_preposition_is_a_condition(parsing):
    claims = _readings(parsing, _claims(
        parsing, "A ward clerk only gets listened to if the sister backs her."))
    assert ("listening", "requires", "sister", False) in claims


@pytest.mark.parametrize(("text", "reading"), [
    ("Reporting only happens with trust.", ("incident reporting", "requires", "trust", False)),
    ("The partners and the manager have to work as a pair.",
     ("partner", "combinesWith", "manager", False)),
])
def test_only_with_is_a_requirement_and_as_a_pair_a_combination(parsing, text, reading):
    assert reading in _readings(parsing, _claims(parsing, text))


def test_only_with_after_a_deed_is_no_requirement(parsing):
    assert not _claims(parsing, "She only left with the bag.")


@pytest.mark.parametrize(("text", "reading"), [
    ("Deprescribing only works if the doctor trusts the pharmacist.",
     ("deprescribing", "requires", "trust", False)),
    ("Most errors came from people working around a screen.",
     ("error", "isConsequenceOf", "working around screen", False)),
])
def test_a_gerund_read_as_the_verb_is_the_subject_and_working_around_keeps_its_preposition(
        parsing, text, reading):
    assert reading in _readings(parsing, _claims(parsing, text))


@pytest.mark.parametrize(("text", "reading"), [
    ("Lecturing shuts people up.", ("silence", "isConsequenceOf", "lecturing", False)),
    ("Burnout is a by-product of grief.", ("burnout", "isConsequenceOf", "grief", False)),
    ("The production pressure is the biggest brake on this kind of change.",
     ("production pressure", "undermines", "change", False)),
    ("Teamwork only works where there is trust.", ("teamwork", "requires", "trust", False)),
])
def test_mended_gerunds_and_hyphenated_prefixes_kinds_of_things_and_brakes_on(parsing, text,
                                                                              reading):
    assert reading in _readings(parsing, _claims(parsing, text))


def test_people_kept_well_are_not_kept_on(parsing):
    assert not _claims(parsing, "Supervision keeps nurses well.")


def test_a_caution_then_a_denial_in_the_speakers_own_words_denies_the_summary(parsing):
    claims = _answered(parsing, "So the rota erodes morale.",
                       "Hmm. I'd be careful there. People set them up as opposites and I don't "
                       "really think it does.")
    assert [(c.speaker, c.negated) for c in claims
            if c.relation == "undermines"] == [("Pat Lee", True)]


def _interview(engine, turns: list[tuple[str, str]]):
    source = "".join(f"{speaker}: {text}\n" for speaker, text in turns)
    return extract(read_text(source, "t.txt", source.encode()), engine).claims


def test_a_statement_an_interviewer_puts_and_the_answer_denies_is_denied(parsing):
    claims = _interview(parsing, [
        ("Ann Lee", "How did it start?"), ("Pat Lee", "Slowly."),
        ("Ann Lee", "Why then?"), ("Pat Lee", "Money."),
        ("Ann Lee", "And the rota erodes morale, I imagine."),
        ("Pat Lee", "See, I don't agree with that one."),
    ])
    assert [(c.speaker, c.negated) for c in claims
            if c.relation == "undermines"] == [("Pat Lee", True)]


def test_a_statement_by_someone_who_does_not_ask_stays_theirs(parsing):
    claims = _interview(parsing, [
        ("Ann Lee", "The rota erodes morale."),
        ("Pat Lee", "No, I don't agree with that."),
    ])
    assert [(c.speaker, c.negated) for c in claims
            if c.relation == "undermines"] == [("Ann Lee", False)]


@pytest.mark.parametrize(("text", "reading"), [
    ("Most of our bad outcomes came from those late arrivals.",
     ("late arrival", "undermines", "outcomes", False)),
    ("Splitting doesn't come from bad staff.",
     ("splitting", "isConsequenceOf", "workforce", True)),
])
def test_bad_marks_less_of_a_thing_but_not_fewer_people(parsing, text, reading):
    assert reading in _readings(parsing, _claims(parsing, text))


def test_a_view_folk_hold_then_denied_is_denied(parsing):
    claims = _readings(parsing, _claims(
        parsing, "Folk think the dosette boxes stop mistakes. I don't think they do."))
    assert ("dosette box", "undermines", "error", True) in claims
    assert not _claims(parsing, "A few still think traditional midwifery is the opposite of "
                                "safe care.")


@pytest.mark.parametrize(("text", "reading"), [
    ("Fear prevents nurses from reporting.", ("fear", "undermines", "incident reporting", False)),
    ("Supervision protects nurses from burnout.",
     ("supervision", "undermines", "burnout", False)),
    ("The huddle keeps problems from escalating.",
     ("huddle", "undermines", "escalation", False)),
])
def test_what_people_are_kept_from_is_undermined(parsing, text, reading):
    assert reading in _readings(parsing, _claims(parsing, text))


def test_something_kept_from_someone_is_not_undermined(parsing):
    assert not _claims(parsing, "I kept it from my manager.")


@pytest.mark.parametrize(("text", "reading"), [
    ("Immunotherapy is a different beast from chemotherapy.",
     ("immunotherapy", "contrastsWith", "chemotherapy", False)),
    ("Bullying is a bad thing for morale.", ("bullying", "undermines", "morale", False)),
    ("Silence from management is what turns a staffing problem into a strike.",
     ("strike", "isConsequenceOf", "silence", False)),
    ("And the quickest way to wreck a referral pathway is silence.",
     ("silence", "undermines", "referral pathway", False)),
    ("Staffing goes hand in hand with morale.", ("staffing", "combinesWith", "morale", False)),
    ("Innovation thrives on autonomy.", ("innovation", "requires", "autonomy", False)),
    ("A clear career path keeps nurses with us.",
     ("clear career path", "enables", "staff retention", False)),
])
def test_attributive_adjectives_turning_into_the_way_to_and_kept_with_us(parsing, text,
                                                                         reading):
    assert reading in _readings(parsing, _claims(parsing, text))


def test_different_things_with_different_parts_contrast_nothing(parsing):
    text = "A fall at night and a fall at lunchtime are different things with different causes."
    assert not [r for r in _readings(parsing, _claims(parsing, text)) if "cause" in r[2]]


def test_two_clauses_that_both_say_what_changes_link_open_concepts(parsing):
    assert ("tablet", "enables", "trust", False) in _readings(
        parsing, _claims(parsing, "When the tablets run out, trust runs out."))
    assert not _claims(parsing, "The brave ones who are reckless don't last long here, "
                                "because the team won't work with them.")


@pytest.mark.parametrize(("text", "reading"), [
    ("Culture change takes years.", ("shaping culture", "requires", "time", False)),
    ("Trust. That takes years.", ("trust", "requires", "time", False)),
    ("A proper frailty assessment takes forty minutes.",
     ("frailty assessment", "requires", "time", False)),
    ("The merger gave rise to a lot of resentment.",
     ("resentment", "isConsequenceOf", "merger", False)),
])
def test_the_time_a_deed_takes_and_what_gives_rise_to_what(parsing, text, reading):
    assert reading in _readings(parsing, _claims(parsing, text))


def test_the_time_it_takes_to_do_something_is_not_its_subjects(parsing):
    assert not _claims(parsing, "Mistakes were hidden. It took me two years to get them "
                                "telling me things.")


def test_a_with_word_is_beside_the_cue_not_its_subject(parsing):
    readings = _readings(parsing, _claims(parsing, "Staff take the distress home."))
    assert not [r for r in readings if r[1] == "requires"]


@pytest.mark.parametrize(("text", "reading"), [
    ("It's not the money that keeps them, it's the team.",
     ("team", "enables", "staff retention", False)),
    ("What keeps them isn't the money, it's the team.",
     ("team", "enables", "staff retention", False)),
    ("The money doesn't keep them, the team does.",
     ("team", "enables", "staff retention", False)),
    ("It's not the money that keeps them. It's the team.",
     ("team", "enables", "staff retention", False)),
])
def test_what_a_denial_puts_right_holds_in_its_place(parsing, text, reading):
    readings = _readings(parsing, _claims(parsing, text))
    assert reading in readings
    assert ("money", "enables", "staff retention", True) in readings


def test_a_denial_with_nothing_put_in_its_place_stays_a_denial(parsing):
    readings = _readings(parsing, _claims(parsing, "It's not the money that keeps them."))
    assert readings == {("money", "enables", "staff retention", True)}


def test_a_view_many_hold_is_theirs_until_the_speaker_judges_it(parsing):
    assert not _interview(parsing, [
        ("Ann Lee", "And the dust?"),
        ("Pat Lee", "A lot of parents believe the dust is what causes asthma. "
                    "I honestly don't know."),
    ])
    claims = _interview(parsing, [
        ("Ann Lee", "And the huddle?"),
        ("Pat Lee", "People say the huddle builds trust, and they're right."),
        ("Ann Lee", "And the rota?"),
        ("Pat Lee", "People say the rota builds trust, and I don't think they're right."),
    ])
    assert sorted((c.speaker, c.negated) for c in claims) == [("Pat Lee", False),
                                                              ("Pat Lee", True)]


def test_a_topic_an_interviewer_opens_is_no_claim_of_theirs(parsing):
    claims = _interview(parsing, [
        ("Ann Lee", "I want to talk about how the huddle builds trust."),
        ("Pat Lee", "OK."),
        ("Ann Lee", "There's an assumption that hierarchy goes hand in hand with discipline."),
        ("Pat Lee", "I'd push back on that."),
    ])
    assert [(c.speaker, c.negated) for c in claims] == [("Pat Lee", True)]


def test_halves_and_groups_are_not_concepts(parsing):
    assert not _claims(parsing, "You need both halves, the forgiveness and the firmness, "
                                "together, or people stop believing in it.")


@pytest.mark.parametrize(("text", "reading"), [
    ("Supervision has three parts: protected time, reflection and a supervisor.",
     ("reflection", "isPartOf", "supervision", False)),
    ("Since the accord came in, night-time assaults are down by about a third.",
     ("accord", "undermines", "night time assault", False)),
    ("Once we brought in the rota, sickness went down.",
     ("rota", "undermines", "sickness", False)),
    ("The checklist reminds us to give the antibiotic.",
     ("surgical safety checklist", "enables", "antibiotic", False)),
])
def test_counted_parts_changes_after_something_brought_in_and_reminders(parsing, text,
                                                                        reading):
    assert reading in _readings(parsing, _claims(parsing, text))


@pytest.mark.parametrize("text", [
    "Since the rain started, the roads got worse.",
    "It's down to the manager.",
])
def test_no_change_follows_what_is_not_brought_in(parsing, text):
    assert not _claims(parsing, text)


@pytest.mark.parametrize(("text", "reading"), [
    ("Without a surgeon who believes in it, the checklist is just paperwork.",
     ("surgical safety checklist", "requires", "surgeon", False)),
    ("Without the consultant, the debriefs don't work.",
     ("debrief", "requires", "senior clinician", False)),
])
def test_the_people_something_cannot_do_without_are_required(parsing, text, reading):
    assert reading in _readings(parsing, _claims(parsing, text))


@pytest.mark.parametrize(("text", "reading"), [
    ("Confidentiality is what makes the drop-in work.",
     ("confidentiality", "enables", "drop in", False)),
    ("Trust is what makes reporting work.", ("trust", "enables", "incident reporting", False)),
    ("Four days of that heat leaves you exhausted.", ("fatigue", "isConsequenceOf", "heat",
                                                     False)),
])
def test_made_to_work_and_spans_of_time_of_something(parsing, text, reading):
    assert reading in _readings(parsing, _claims(parsing, text))


def test_a_noun_like_a_cue_verb_is_no_cue(parsing):
    readings = _readings(parsing, _claims(
        parsing, "It was the shortage of masks that frightened people most."))
    assert readings == {("mask", "undermines", "fear", False)}


@pytest.mark.parametrize(("text", "reading"), [
    ("The errors only came down when we added barcode scanning.",
     ("barcode scanning", "undermines", "error", False)),
])
def test_a_change_that_needs_something_is_its_doing(parsing, text, reading):
    assert reading in _readings(parsing, _claims(parsing, text))


def test_staffing_is_a_condition_not_the_staff(parsing):
    assert ("waiting times", "isConsequenceOf", "staffing", False) in _readings(
        parsing, _claims(parsing, "The backlog comes mostly from staffing."))
    assert not _claims(parsing, "The backlog comes mostly from the staff.")


@pytest.mark.parametrize(("text", "parts", "whole"), [
    ("The audit is three things really: the walk-round of the ward, the drug charts, and a talk "
     "with the nurse in charge.", {"walk round", "drug chart", "talk"}, "audit"),
    ("The induction was built on four pieces: micro-teaching on the first day, the buddy rota, "
     "simulation in the skills lab, and a welcome pack.",
     {"micro teaching", "buddy rota", "simulation", "welcome pack"}, "induction"),
    ("Our clinic has two doors: the booked appointments and a drop-in session.",
     {"booked appointment", "drop in session"}, "clinic"),
])
def test_a_list_as_long_as_its_count_gives_each_item_as_a_part(parsing, text, parts, whole):
    stated = _stated(parsing, _claims(parsing, text))
    assert {s for s, r, o, n in stated if r == "isPartOf" and o == whole and not n} == parts


def test_what_a_thing_needs_counted_and_listed_is_each_required(parsing):
    stated = _stated(parsing, _claims(parsing, "A good handover needs three things: a quiet "
                                               "room, the same template, and time."))
    assert {o for s, r, o, n in stated if s == "handover" and r == "requires"} == {
        "quiet room", "template", "time"}


@pytest.mark.parametrize("text", [
    "We check three things: the fridge log, the expiry dates, and the stock count.",
    "The audit has three parts: the walk-round of the ward, the drug charts.",
    "Families have two answers: they send him away, or they keep him hidden at home.",
    "The review asks three questions: what went wrong, what helped, and what we change.",
])
def test_a_counted_list_needs_its_whole_its_count_and_noun_phrases(parsing, text):
    assert not [c for c in _claims(parsing, text) if c.rule == "counted-list"]


@pytest.mark.parametrize(("text", "reading"), [
    ("Burnout comes from the workload and from the rota.",
     ("burnout", "isConsequenceOf", "rota", False)),
    ("Burnout comes from the workload, not from the rota.",
     ("burnout", "isConsequenceOf", "rota", True)),
    ("The worse the communication, the more complaints we get.",
     ("communication", "undermines", "complaint", False)),
    ("The closures pushed families into debt.", ("debt", "isConsequenceOf", "closure", False)),
    ("The new rota is why nurses started leaving.",
     ("leaving", "isConsequenceOf", "new rota", False)),
])
def test_joined_prepositions_degrees_pushed_into_and_what_people_start(parsing, text, reading):
    assert reading in _stated(parsing, _claims(parsing, text))


def test_what_people_start_doing_names_no_concept(parsing):
    assert not _claims(parsing, "Sickness fell once we started doing it properly.")


@pytest.mark.parametrize(("text", "reading"), [
    ("The closure threat drove morale through the floor.",
     ("closure threat", "undermines", "morale", False)),
    ("The new targets sent the workload through the roof.",
     ("workload", "isConsequenceOf", "targets", False)),
    ("Waiting times went up after the cuts.", ("waiting times", "isConsequenceOf", "cut", False)),
    ("After the cuts, waiting times went through the roof.",
     ("waiting times", "isConsequenceOf", "cut", False)),
])
def test_through_the_roof_and_a_change_after_an_event(parsing, text, reading):
    assert reading in _readings(parsing, _claims(parsing, text))


@pytest.mark.parametrize("text", [
    "After a while, people stop speaking up.",
    "Since 2019, waiting times went down.",
    "After the merger, waiting times were the same.",
])
def test_no_change_is_put_down_to_a_time(parsing, text):
    assert not [c for c in _claims(parsing, text) if c.rule == "cue-preposition"]


@pytest.mark.parametrize(("text", "reading"), [
    ("We put in sensor mats, and the falls halved.", ("sensor mat", "undermines", "fall", False)),
    ("We hired two porters and the delays fell.", ("porter", "undermines", "delay", False)),
])
def test_a_change_coordinated_with_something_done_is_put_down_to_it(parsing, text, reading):
    assert reading in _readings(parsing, _claims(parsing, text))


@pytest.mark.parametrize("text", [
    "We went home and the delays fell.",
    "We didn't hire porters, and the delays fell.",
    "They hired two porters and the delays never fell.",
])
def test_a_change_beside_no_deed_put_in_place_is_not_put_down_to_it(parsing, text):
    assert not [c for c in _claims(parsing, text) if c.rule == "done-and-change"]


@pytest.mark.parametrize(("text", "reading"), [
    ("I put the burnout down to the rota.", ("burnout", "isConsequenceOf", "rota", False)),
    ("Night falls dropped by half, and I'd put most of that down to the rounds.",
     ("round", "undermines", "night fall", False)),
    ("Our length of stay came down by nine days. I'd put that down to the planning meeting.",
     ("planning meeting", "undermines", "length of stay", False)),
    ("Sickness went down a lot, and that came from the new rota.",
     ("new rota", "undermines", "sickness", False)),
    ("Sickness came down by a third over two years, and I put that down to the new rota.",
     ("new rota", "undermines", "sickness", False)),
])
def test_what_is_put_down_to_a_cause_and_a_demonstrative_after_a_change(parsing, text, reading):
    assert reading in _readings(parsing, _claims(parsing, text))


def test_a_demonstrative_after_no_change_stands_for_a_concept(parsing):
    readings = _readings(parsing, _claims(parsing, "We have a huddle every morning, and that "
                                                   "builds trust."))
    assert ("huddle", "enables", "trust", False) in readings


def test_a_subject_the_parser_joined_to_the_object_before_it_is_mended(parsing):
    readings = _readings(parsing, _claims(parsing, "We brought in a new rota and sickness "
                                                   "went down."))
    assert ("new rota", "undermines", "sickness", False) in readings


@pytest.mark.parametrize(("text", "word", "dep"), [
    ("We brought in a new rota and sickness went down.", "sickness", "nsubj"),
    ("We hired nurses and doctors and trained them.", "doctors", "conj"),
])
def test_only_a_noun_right_before_a_verb_without_subject_becomes_its_subject(parsing, text, word,
                                                                             dep):
    from graph import syntax

    doc = syntax.repair(parsing.parser(text))
    assert [t.dep_ for t in doc if t.text == word] == [dep]


def test_a_phrase_set_against_an_argument_is_not_part_of_it(parsing):
    claims = _claims(parsing, "Real understanding of this place comes from the old people, not "
                              "from the cultural training they give you in the city.")
    assert not [c for c in claims if c.rule == "verb-prep-object"]


@pytest.mark.parametrize(("text", "reading"), [
    ("Rotation keeps the skills fresh.", ("rotation", "enables", "skill", False)),
    ("Good staffing makes agency unnecessary.", ("staffing", "undermines", "agency", False)),
    ("A supervisor is not a police officer.",
     ("supervisor", "contrastsWith", "police officer", False)),
    ("Having the same preceptor is what keeps grads.",
     ("preceptor", "enables", "staff retention", False)),
    ("It's the culture that drives the errors, not the staff.",
     ("error", "isConsequenceOf", "workforce", True)),
])
def test_kept_fresh_made_unnecessary_kinds_set_apart_and_a_cleft_denied(parsing, text, reading):
    assert reading in _readings(parsing, _claims(parsing, text))


@pytest.mark.parametrize("text", [
    "Rest isn't a luxury.",
    "Communication isn't an optional extra.",
    "Peer work isn't a cheaper version of nursing.",
    "There's a view, you'll have heard it, that search engines have made librarians unnecessary.",
])
def test_a_denied_judgement_and_a_view_only_reported_are_no_claims(parsing, text):
    assert not _claims(parsing, text)


@pytest.mark.parametrize(("text", "reading"), [
    ("Families stay away because of the cost.", ("cost", "undermines", "attendance", False)),
    ("The mothers stopped turning up after the fees came in.",
     ("fee", "undermines", "attendance", False)),
    ("Uptake went up when we moved the clinic to the school.",
     ("clinic", "enables", "uptake", False)),
])
def test_what_patients_do_and_a_change_after_something_the_speakers_did(parsing, text, reading):
    assert reading in _readings(parsing, _claims(parsing, text))


@pytest.mark.parametrize("text", [
    "They stay away because of mistrust.",
    "The nurses stay away from the ward round because of the consultant.",
])
def test_only_lay_people_staying_away_is_attendance(parsing, text):
    assert "attendance" not in {_label(parsing, c.object) for c in _claims(parsing, text)} | {
        _label(parsing, c.subject) for c in _claims(parsing, text)}


def test_parts_counted_and_then_given_sentence_by_sentence_are_each_a_part(parsing):
    readings = _readings(parsing, _claims(
        parsing, "The work has four steps. First washing and disinfection. Then inspection and "
                 "packing. Then sterilisation. Finally storage."))
    assert {("washing", "isPartOf", "work", False), ("sterilisation", "isPartOf", "work", False),
            ("storage", "isPartOf", "work", False)} <= readings


@pytest.mark.parametrize("text", [
    "The programme has four pieces. It took years to build.",
    "Our service has three parts. We see patients at home.",
])
def test_counted_parts_with_no_items_after_them_are_no_claims(parsing, text):
    assert not [c for c in _claims(parsing, text) if c.relation == "isPartOf"]


@pytest.mark.parametrize(("text", "reading"), [
    ("The staff meeting improved morale.", ("staff meeting", "enables", "morale", False)),
    ("Staffing levels drive errors.", ("error", "isConsequenceOf", "staffing", False)),
])
def test_a_concept_that_only_modifies_a_noun_is_not_what_it_names(parsing, text, reading):
    assert reading in _readings(parsing, _claims(parsing, text))


@pytest.mark.parametrize(("text", "reading"), [
    ("We brought in safety huddles. Since then, falls have come down.",
     ("huddle", "undermines", "fall", False)),
    ("There was no trust. That's why people stopped reporting.",
     ("trust", "enables", "incident reporting", False)),
    ("Nobody listened to the nurses. That's why morale collapsed.",
     ("listening", "enables", "morale", False)),
])
def test_since_then_and_that_is_why_carry_what_the_sentence_before_says(parsing, text, reading):
    assert reading in _readings(parsing, _claims(parsing, text))


@pytest.mark.parametrize(("text", "reading"), [
    ("The fees keep mothers away.", ("fee", "undermines", "attendance", False)),
    ("What keeps them away is the sea.", ("sea", "undermines", "attendance", False)),
    ("Feeling listened to is what gets people speaking up.",
     ("listening", "enables", "speaking up", False)),
])
def test_what_keeps_lay_people_away_and_what_gets_people_doing_something(parsing, text, reading):
    assert reading in _readings(parsing, _claims(parsing, text))


@pytest.mark.parametrize(("text", "reading"), [
    ("We opened a foot clinic last year. Since we opened it, amputations have come down.",
     ("foot clinic", "undermines", "amputation", False)),
    ("Amputations have come down since the clinic opened.",
     ("clinic", "undermines", "amputation", False)),
])
def test_a_change_since_something_brought_in_is_put_down_to_it(parsing, text, reading):
    assert reading in _readings(parsing, _claims(parsing, text))


def test_where_a_plan_came_from_is_no_cause(parsing):
    assert not _claims(parsing, "The plan came from the district office.")


@pytest.mark.parametrize(("first", "second"), [
    ("follow-up clinic", "follow up clinic"), ("women's group", "womens group")])
def test_two_spellings_of_a_new_concept_are_two_concepts_with_one_label_each(first, second):
    from graph.extract import _label_slug

    assert _label_slug(first) != _label_slug(second)
    assert _label_slug("follow up  clinic") == "follow-up-clinic"
