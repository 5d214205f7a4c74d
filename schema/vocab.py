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
