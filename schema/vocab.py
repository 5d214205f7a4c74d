"""Closed vocabularies of the dataset.

Every enum here becomes a frictionless `enum` constraint, a Great Expectations value set and a
CHECK constraint in the SQL DDL. Adding a value is a schema change: regenerate with
`claims generate` and describe the value in `DESCRIPTIONS` below.
"""

from enum import StrEnum


class ActorType(StrEnum):
    person = "person"
    organization = "organization"
    government = "government"
    government_body = "government_body"
    media_outlet = "media_outlet"
    platform = "platform"
    armed_forces = "armed_forces"
    group = "group"


class SourceType(StrEnum):
    news_article = "news_article"
    transcript = "transcript"
    recording = "recording"
    interview = "interview"
    social_media_post = "social_media_post"
    press_remarks = "press_remarks"
    remarks = "remarks"
    official_statement = "official_statement"
    photograph = "photograph"


class EventType(StrEnum):
    phone_call = "phone_call"
    meeting = "meeting"
    visit = "visit"
    summit = "summit"
    talks = "talks"
    address = "address"
    press_remarks = "press_remarks"
    remarks = "remarks"
    social_media_post = "social_media_post"
    interview = "interview"
    publication = "publication"
    proposal = "proposal"
    agreement = "agreement"
    release = "release"


class ParticipantRole(StrEnum):
    caller = "caller"
    recipient = "recipient"
    participant = "participant"
    host = "host"
    guest = "guest"
    visitor = "visitor"
    speaker = "speaker"
    audience = "audience"
    author = "author"
    interviewer = "interviewer"
    interviewee = "interviewee"
    subject = "subject"


class StatementType(StrEnum):
    direct_quote = "direct_quote"
    partial_quote = "partial_quote"
    paraphrase = "paraphrase"
    outlet_claim = "outlet_claim"
    no_comment = "no_comment"
    no_response = "no_response"


class EvidenceBasis(StrEnum):
    recording_reviewed_by_outlet = "recording_reviewed_by_outlet"
    public_remarks = "public_remarks"
    social_media_post = "social_media_post"
    interview_with_other_outlet = "interview_with_other_outlet"
    spokesperson = "spokesperson"
    anonymous_officials = "anonymous_officials"
    outlet_own_reporting = "outlet_own_reporting"
    photo_caption = "photo_caption"
    unattributed = "unattributed"
    unspecified = "unspecified"


class LanguageBasis(StrEnum):
    stated_by_source = "stated_by_source"
    evident_from_quote = "evident_from_quote"


class PlaceType(StrEnum):
    country = "country"
    region = "region"
    city = "city"
    venue = "venue"
    zone = "zone"


class PlanStatus(StrEnum):
    proposed = "proposed"
    agreed = "agreed"
    suggested = "suggested"


class Topic(StrEnum):
    territory = "territory"
    ceasefire = "ceasefire"
    security = "security"
    weapons = "weapons"
    sanctions = "sanctions"
    intelligence = "intelligence"
    peace_plan = "peace_plan"
    negotiation_process = "negotiation_process"
    diplomacy = "diplomacy"
    gaza = "gaza"


class EntityType(StrEnum):
    actor = "actor"
    place = "place"
    plan = "plan"
    provision = "provision"
    event = "event"


class IdTable(StrEnum):
    """Tables whose rows have a single ID, which is published and never reused."""

    actors = "actors"
    positions = "positions"
    sources = "sources"
    places = "places"
    events = "events"
    statements = "statements"
    attestations = "attestations"
    plans = "plans"
    provisions = "provisions"


class RelationType(StrEnum):
    responds_to = "responds_to"
    answers = "answers"
    agrees_with = "agrees_with"
    acts_on = "acts_on"
    contradicts = "contradicts"
    confirms = "confirms"
    repeats = "repeats"
    elaborates = "elaborates"
    same_utterance_as = "same_utterance_as"


DESCRIPTIONS: dict[type[StrEnum], dict[str, str]] = {
    ActorType: {
        "person": "A single human being, named or not (an unnamed spokesperson is a person).",
        "organization": "A company, fund, party or other non-governmental body.",
        "government": "A state's government or the state itself as an actor (the United States, Russia, Ukraine).",
        "government_body": "An institution of a state: a ministry, an office, a parliament, a council.",
        "media_outlet": "A news organisation that publishes reporting; it is the speaker of its own claims.",
        "platform": "A service that carries others' posts or publications (a social network).",
        "armed_forces": "A state's military or one of its branches.",
        "group": "Several people or bodies the source speaks of together without naming them (US officials).",
    },
    SourceType: {
        "news_article": "A report published by a news outlet.",
        "transcript": "A written record of spoken words, such as a call's transcript.",
        "recording": "An audio or video recording of a conversation or speech.",
        "interview": "An interview given to an outlet (questions and answers).",
        "social_media_post": "A post on a social-media platform.",
        "press_remarks": "Remarks made to reporters, e.g. at a press gaggle or conference.",
        "remarks": "Remarks made in public outside a press setting.",
        "official_statement": "A statement issued by a government or organisation in its own name.",
        "photograph": "A photograph, with its caption and credit.",
    },
    EventType: {
        "phone_call": "A telephone conversation between two or more parties.",
        "meeting": "People meeting in person.",
        "visit": "An actor travelling to a place or to another actor.",
        "summit": "A meeting of heads of state or government.",
        "talks": "Negotiations over one or more sessions.",
        "address": "A formal speech to an assembly.",
        "press_remarks": "Remarks to reporters.",
        "remarks": "Remarks in public outside a press setting.",
        "social_media_post": "The publication of a post on a social-media platform.",
        "interview": "An interview given to an outlet.",
        "publication": "The publication of a document or report.",
        "proposal": "A plan or proposal put forward or coming to light.",
        "agreement": "An agreement being reached or signed.",
        "release": "A release of people, such as hostages or prisoners.",
    },
    ParticipantRole: {
        "caller": "Placed the call.",
        "recipient": "Received the call or message.",
        "participant": "Took part, without a more specific role the source gives.",
        "host": "Received the others at the event.",
        "guest": "Was received by the host.",
        "visitor": "Travelled to the place or actor visited.",
        "speaker": "Spoke to the audience.",
        "audience": "Was addressed by the speaker.",
        "author": "Wrote or published the post or document.",
        "interviewer": "Asked the questions of an interview.",
        "interviewee": "Answered the questions of an interview.",
        "subject": "Is what the event is about, without taking part in it.",
    },
    PlaceType: {
        "country": "A sovereign state's territory.",
        "region": "A part of a country or a region across countries (Donbas, Crimea).",
        "city": "A city or town.",
        "venue": "A building or site (the White House, the Knesset).",
        "zone": "An area a plan defines, such as a buffer zone.",
    },
    PlanStatus: {
        "proposed": "Put forward for the parties to accept, as the source reports it.",
        "agreed": "Accepted by the parties, as the source reports it.",
        "suggested": "Floated in conversation, not yet put forward as a proposal.",
    },
    Topic: {
        "territory": "Who holds or controls land: withdrawals, recognition of claims, borders, buffer zones.",
        "ceasefire": "Stopping the fighting or freezing the front line.",
        "security": "Security guarantees, the size and posture of armed forces, alliances.",
        "weapons": "Supplies of weapons and military equipment.",
        "sanctions": "Economic sanctions and their lifting.",
        "intelligence": "Intelligence sharing and support.",
        "peace_plan": "A peace plan or proposal as a whole: its drafting, contents and fate.",
        "negotiation_process": "How the talks are run: who negotiates, channels, pace, leaks.",
        "diplomacy": "Contacts between leaders and envoys: calls, meetings, summits, messages.",
        "gaza": "The Gaza war and the deal that ended it.",
    },
    EntityType: {
        "actor": "entity_id is an actor_id of `actors`.",
        "place": "entity_id is a place_id of `places`.",
        "plan": "entity_id is a plan_id of `plans`.",
        "provision": "entity_id is a provision_id of `provisions`.",
        "event": "entity_id is an event_id of `events`.",
    },
    IdTable: {
        "actors": "An actor_id.",
        "positions": "A position_id.",
        "sources": "A source_id.",
        "places": "A place_id.",
        "events": "An event_id.",
        "statements": "A statement_id.",
        "attestations": "An attestation_id.",
        "plans": "A plan_id.",
        "provisions": "A provision_id.",
    },
    RelationType: {
        "responds_to": 'The subject is a reply to the object (the source says so, e.g. "replied").',
        "answers": "The subject answers a question put in the object.",
        "agrees_with": "The subject agrees with the object.",
        "acts_on": "The subject carries out what the object recommended (the source says so).",
        "contradicts": "The subject contradicts the object.",
        "confirms": "The subject confirms the object.",
        "repeats": "The subject's speaker repeats what the object says.",
        "elaborates": "The subject gives the detail of what the object summarises.",
        "same_utterance_as": "The source renders one utterance twice, e.g. a paraphrase and then a quote of it.",
    },
    StatementType: {
        "direct_quote": "The source quotes the speaker's words verbatim; `text` is those words.",
        "partial_quote": "The source paraphrases but quotes some words; `text` keeps the quoted fragments in curly quotes.",
        "paraphrase": "The source reports what the speaker said in its own words.",
        "outlet_claim": "The reporting outlet asserts something in its own voice (speaker is the outlet).",
        "no_comment": "The speaker declined to comment.",
        "no_response": "The speaker did not respond to a request for comment.",
    },
    EvidenceBasis: {
        "recording_reviewed_by_outlet": "The outlet says it reviewed a recording of the conversation.",
        "public_remarks": "Said in public, e.g. to reporters or at a meeting reported publicly.",
        "social_media_post": "Posted by the speaker on a social-media platform.",
        "interview_with_other_outlet": "Said in an interview given to another outlet.",
        "spokesperson": "Said by or about a spokesperson.",
        "anonymous_officials": "Rests on unnamed officials.",
        "outlet_own_reporting": "The outlet's own reporting, with no further attribution.",
        "photo_caption": "The caption of a photograph published with the article (credited to the photographer or agency).",
        "unattributed": "The source asserts it without naming who said it or how it knows.",
        "unspecified": 'The source names the speaker but does not say how the words were made known (in public, to reporters, in a post…), e.g. "Trump said Tuesday".',
    },
    LanguageBasis: {
        "stated_by_source": 'The source names the language, e.g. "spoke by phone in Russian".',
        "evident_from_quote": "A direct quote whose own words show the language it was said in, e.g. words kept in the original language inside an article in another language. Not an English quote in an English article: the source may have translated it without saying so.",
    },
}
