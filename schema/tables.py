"""The tables of the claims dataset, one pydantic model per CSV file in data/.

This file is the single source of truth: `datapackage.json`, the SQL DDL and the Datasette
metadata are generated from it (`claims generate`), and a test fails when they drift.
Column order here is column order in the CSV files.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from .broken import Broken, raise_if
from .catalogue import row_rules
from .fields import (
    COUNTRY_PATTERN,
    LANGUAGE_PATTERN,
    SHA256_PATTERN,
    WIKIDATA_PATTERN,
    Bool,
    Count,
    Edtf,
    Id,
    IsoDate,
    Offset,
    Row,
    TableMeta,
    Text,
    TextList,
    Timestamp,
    Url,
    fk,
    pipe_list,
)
from .vocab import (
    ActorType,
    EntityType,
    EventType,
    EvidenceBasis,
    IdTable,
    LanguageBasis,
    ParticipantRole,
    PlaceType,
    PlanStatus,
    RelationType,
    SourceType,
    StatementType,
    Topic,
)

Notes = Annotated[
    Text | None, Field(default=None, description="Curator's notes: how the row was read from the source, caveats.")
]
Country = Annotated[
    str | None,
    Field(default=None, pattern=COUNTRY_PATTERN, description="ISO 3166-1 alpha-2 country code, e.g. US, RU, UA."),
]
WikidataId = Annotated[
    str | None,
    Field(
        default=None,
        pattern=WIKIDATA_PATTERN,
        description="Wikidata item, only if confirmed in the archive's wikidata.csv; empty otherwise.",
    ),
]
# The five date columns shared by events and statements (rule 3: dates keep their wording).
DateEdtf = Annotated[
    Edtf | None,
    Field(
        default=None,
        description="The date as EDTF (Extended Date/Time Format, ISO 8601-2): 2025-10-14, 2025-11, 2025-10-24/2025-10-26, 2025-10-16~, or a bound, one day in a span: [2025-10-16..2025-11-25], [..2025-11-25]. At the latest the publication of the earliest source reporting the row; empty only where no source with a date reports it. An event the source reports as yet to take place (a planned summit) is dated after that publication, without an upper bound unless the source gives one: [2025-11-26..], with date_min the day after it.",
    ),
]
DateText = Annotated[
    Text | None,
    Field(
        default=None,
        description='The source\'s own wording of the date, verbatim, as whole words of the row\'s own excerpts (a statement at an event: or of the event\'s; an outlet\'s claim: or its source\'s dateline, the words of the article body that give the day and year of publication), e.g. "two days later", "this month", "Tuesday". Empty where the source has no words for the date: `date` is then a bound.',
    ),
]
DateMin = Annotated[
    IsoDate | None,
    Field(
        default=None, description="Earliest calendar day the date can be (ISO date), within the EDTF value's bounds."
    ),
]
DateMax = Annotated[
    IsoDate | None,
    Field(default=None, description="Latest calendar day the date can be (ISO date), within the EDTF value's bounds."),
]
DateResolvedAgainst = Annotated[
    Text | None,
    Field(
        default=None,
        description="What the wording was resolved against, e.g. `article date 2025-11-25 (Tuesday)` or `event phone-call-2025-10-14`; without wording, what bounds the date (at the latest, the publication of the source that reports it).",
    ),
]


class CheckedRow(Row):
    """A table row whose row rules are the catalogue's (schema/catalogue.py), checked once its cells are valid."""

    @model_validator(mode="after")
    def _catalogue_rules(self):
        broken = []
        for rule in row_rules(self.meta.name):
            if rule.broken(self):
                message, hint = rule.format(self)
                broken.append(Broken(rule.column, rule.id, message, hint))
        raise_if(broken)
        return self


def _meta(name: str, title: str, description: str, primary_key: tuple[str, ...], **kwargs) -> TableMeta:
    return TableMeta(name=name, title=title, description=description, primary_key=primary_key, **kwargs)


class Actor(CheckedRow):
    """A person, organisation, government body, outlet or unnamed group that speaks, acts or is spoken to."""

    meta = _meta(
        "actors",
        "Actors",
        "People, governments, organisations, outlets and unnamed groups that appear in the sources.",
        ("actor_id",),
        label_column="name",
    )

    actor_id: Id = Field(description="Stable identifier, lower-case words joined by hyphens. Never reused.")
    name: Text = Field(description="The name the dataset uses for the actor.")
    actor_type: ActorType = Field(description="What kind of actor this is.")
    unnamed: Bool | None = Field(
        default=None,
        description='true where the sources do not say who the actor is, only describe it ("US officials", "A spokesperson for Dmitriev", "reporters"): the evidence basis of its words is then `unattributed`, or the channel the source names (a `spokesperson`), never `unspecified`. Empty for an actor they name or identify as a whole ("Ukraine and its European allies").',
    )
    aliases: TextList | None = Field(
        default=None,
        description="Other names the sources give the actor, verbatim: spellings, transliterations, short forms (e.g. Zelenskiy, Kyiv, the president), separated by '|'. An event's excerpts name each of its participants by its name or one of these.",
    )
    role: Text | None = Field(
        default=None,
        description="The actor's role at the time, in the source's words (verbatim from `role_source_id`).",
    )
    role_source_id: Id | None = Field(
        default=None,
        description="The archived source whose text contains `role` verbatim.",
        json_schema_extra=fk("sources"),
    )
    affiliation_id: Id | None = Field(
        default=None, description="The actor this one belongs to or works for.", json_schema_extra=fk("actors")
    )
    country: Country
    wikidata_id: WikidataId
    notes: Notes


class Source(CheckedRow):
    """A document or recording: the archived article, and the sources it relies on."""

    meta = _meta(
        "sources",
        "Sources",
        "Articles, transcripts, recordings, interviews, posts and remarks that report or contain statements.",
        ("source_id",),
        label_column="title",
    )

    source_id: Id = Field(description="Stable identifier of the source. Never reused.")
    title: Text = Field(description="Title of the source, or a description where it has none.")
    source_type: SourceType = Field(description="What kind of source this is.")
    publisher_id: Id | None = Field(
        default=None, description="Who published it (an outlet, a platform).", json_schema_extra=fk("actors")
    )
    author_id: Id | None = Field(
        default=None, description="Who wrote or said it, where that is a single actor.", json_schema_extra=fk("actors")
    )
    published_at: Timestamp | None = Field(
        default=None, description="Publication date (ISO 8601), with time and UTC offset where known."
    )
    url: Url | None = Field(default=None, description="Public address (http or https).")
    archive_sha256: Annotated[str | None, Field(pattern=SHA256_PATTERN)] = Field(
        default=None, description="SHA-256 of the archived text's bytes; the archive is content-addressed by it."
    )
    body_char_start: Offset | None = Field(
        default=None,
        description="Offset where the article body begins in the archived text (the rest is page furniture).",
    )
    body_char_end: Offset | None = Field(
        default=None, description="Offset where the article body ends in the archived text (exclusive)."
    )
    republishes_id: Id | None = Field(
        default=None, description="The source this one republishes.", json_schema_extra=fk("sources")
    )
    derived_from_id: Id | None = Field(
        default=None,
        description="The source this one was made from (a transcript from its recording).",
        json_schema_extra=fk("sources"),
    )
    retrieved_at: Edtf | None = Field(
        default=None, description="When the archived copy was captured (EDTF; '~' marks an estimate)."
    )
    language: Annotated[str | None, Field(pattern=LANGUAGE_PATTERN)] = Field(
        default=None, description="Language of the source (ISO 639-1)."
    )
    notes: Notes


class Position(CheckedRow):
    """A title or position an actor holds, in the words of the source that gives it."""

    meta = _meta(
        "positions",
        "Positions",
        "Titles and positions the sources give an actor beyond its `role`, quoted verbatim, with the source.",
        ("position_id",),
        label_column="title",
    )

    position_id: Id = Field(description="Stable identifier of the position row. Never reused.")
    actor_id: Id = Field(description="Who holds the title or position.", json_schema_extra=fk("actors"))
    title: Text = Field(
        description="The title or position, verbatim from `source_id` (validation checks the words are there)."
    )
    organization_id: Id | None = Field(
        default=None,
        description="The body the position is held in, where the source names it.",
        json_schema_extra=fk("actors"),
    )
    source_id: Id = Field(
        description="The archived source whose article text contains `title` verbatim.", json_schema_extra=fk("sources")
    )
    notes: Notes


class Place(CheckedRow):
    """A place the sources mention: a country, region, city, venue or zone."""

    meta = _meta(
        "places",
        "Places",
        "Countries, regions, cities, venues and zones mentioned in the sources.",
        ("place_id",),
        label_column="name",
    )

    place_id: Id = Field(description="Stable identifier of the place. Never reused.")
    name: Text = Field(description="Name of the place as the dataset writes it.")
    place_type: PlaceType = Field(description="What kind of place this is.")
    aliases: TextList | None = Field(default=None, description="Other spellings, separated by '|'.")
    part_of_id: Id | None = Field(
        default=None,
        description="The larger place this one lies in, where the source says so.",
        json_schema_extra=fk("places"),
    )
    country: Country
    notes: Notes


class Event(CheckedRow):
    """Something that happened on a date: a call, meeting, visit, post, address, remarks."""

    meta = _meta(
        "events",
        "Events",
        "The dated timeline: calls, meetings, visits, posts, remarks and addresses.",
        ("event_id",),
        label_column="title",
    )

    event_id: Id = Field(description="Stable identifier of the event. Never reused.")
    event_type: EventType = Field(description="What kind of event this is.")
    title: Text = Field(description="Short neutral title, e.g. 'Witkoff–Ushakov phone call'.")
    date: DateEdtf
    date_text: DateText
    date_min: DateMin
    date_max: DateMax
    date_resolved_against: DateResolvedAgainst
    location: Text | None = Field(
        default=None,
        description="Where it happened, in the source's words: whole words of one of the event's excerpts.",
    )
    place_id: Id | None = Field(
        default=None, description="The place where it happened.", json_schema_extra=fk("places")
    )
    duration_text: Text | None = Field(
        default=None,
        description="How long it lasted, in the source's words (\"a little over five minutes\"): whole words of one of the event's excerpts.",
    )
    description: Text | None = Field(default=None, description="What happened, closely following the source.")
    notes: Notes


class EventParticipant(CheckedRow):
    """Who took part in an event, and in what role."""

    meta = _meta(
        "event_participants",
        "Event participants",
        "Who took part in each event, and in what role.",
        ("event_id", "actor_id", "role"),
    )

    event_id: Id = Field(description="The event.", json_schema_extra=fk("events"))
    actor_id: Id = Field(
        description="The participant, named by its name or an alias in one of the event's excerpts.",
        json_schema_extra=fk("actors"),
    )
    role: ParticipantRole = Field(description="The participant's role in the event.")
    notes: Notes


class Statement(CheckedRow):
    """One attributed statement: a quote, a paraphrase, or a claim the outlet makes itself."""

    meta = _meta(
        "statements",
        "Statements",
        "Who said what to whom and when: direct and partial quotes, paraphrases, the outlet's own claims, and refusals to comment.",
        ("statement_id",),
        label_column="text",
    )

    statement_id: Id = Field(description="Stable identifier of the statement. Never reused.")
    speaker_id: Id = Field(
        description="Who made the statement (the outlet itself for its own claims).", json_schema_extra=fk("actors")
    )
    addressee_id: Id | None = Field(
        default=None, description="To whom it was said, where the source says so.", json_schema_extra=fk("actors")
    )
    addressee_as: Text | None = Field(
        default=None,
        description="The source's words that name the addressee, verbatim (e.g. Ushakov, a senior Kremlin official, reporters), from the statement's excerpt or from that of the event it was made at, where the addressee takes part; given exactly when addressee_id is. They are, or hold as whole words, one of the addressee's names: its name, an alias, its role or the title of a position it holds (a description without one, such as his Russian counterpart, goes to notes); never a pronoun, in any case, nor one of the speaker's names.",
    )
    event_id: Id | None = Field(
        default=None,
        description="The event at which it was said (a call, remarks, a post).",
        json_schema_extra=fk("events"),
    )
    date: DateEdtf
    date_text: DateText
    date_min: DateMin
    date_max: DateMax
    date_resolved_against: DateResolvedAgainst
    statement_type: StatementType = Field(description="How the source conveys the statement.")
    text: Text = Field(
        description="What was said. Direct quote: the quoted words verbatim (parts joined by ' […] '). Partial quote: the claim with the quoted words in curly quotes. Otherwise: the claim as the source reports it."
    )
    language: Annotated[str | None, Field(pattern=LANGUAGE_PATTERN)] = Field(
        default=None,
        description="Language the statement was originally made in (ISO 639-1), only where the source states it or a direct quote makes it evident (see language_basis).",
    )
    language_basis: LanguageBasis | None = Field(
        default=None,
        description="How the language is known: the source states it, or it is evident from a direct quote. Given exactly when `language` is.",
    )
    translated: Bool | None = Field(
        default=None, description="true where the source's words are a translation of the original."
    )
    topics: pipe_list(Topic) | None = Field(  # type: ignore[valid-type]  # a type made by a function
        default=None,
        description="What the statement is about, separated by '|'. A statement that gives a plan's term (mentions a provision) has peace_plan and the term's topic.",
    )
    notes: Notes


class Attestation(CheckedRow):
    """The evidence: a verbatim excerpt of an archived source that backs a statement or an event."""

    meta = _meta(
        "attestations",
        "Attestations",
        "Verbatim excerpts of archived sources, with character offsets, that back each statement and event.",
        ("attestation_id",),
        label_column="excerpt",
    )

    attestation_id: Id = Field(description="Stable identifier of the attestation. Never reused.")
    statement_id: Id | None = Field(
        default=None,
        description="The statement this excerpt backs (exactly one of statement_id, event_id).",
        json_schema_extra=fk("statements"),
    )
    event_id: Id | None = Field(
        default=None,
        description="The event this excerpt backs (exactly one of statement_id, event_id).",
        json_schema_extra=fk("events"),
    )
    source_id: Id = Field(description="The archived source the excerpt is taken from.", json_schema_extra=fk("sources"))
    excerpt: Text = Field(
        description=(
            "Verbatim span of the archived text, with its original characters (curly quotes included): the sentence"
            " that gives the row, widened only as far as the words a mention, addressee or participant needs (a"
            " speaker the sentence calls he or she is named in the statement's notes)."
        )
    )
    char_start: Offset = Field(description="Code-point offset of the excerpt's first character in the archived text.")
    char_end: Offset = Field(
        description="Code-point offset just after the excerpt's last character: archived[char_start:char_end] == excerpt."
    )
    via_source_id: Id | None = Field(
        default=None,
        description="The source the reporting source relies on (a transcript, a recording, an interview).",
        json_schema_extra=fk("sources"),
    )
    evidence_basis: EvidenceBasis = Field(description="What the reporting source says its knowledge rests on.")
    notes: Notes


class Plan(CheckedRow):
    """A peace plan or proposal the sources discuss."""

    meta = _meta(
        "plans",
        "Plans",
        "Peace plans and proposals the sources discuss (the 28-point plan, the Gaza peace deal).",
        ("plan_id",),
        label_column="title",
    )

    plan_id: Id = Field(description="Stable identifier of the plan. Never reused.")
    title: Text = Field(
        description="The plan's name as the sources give it: whole words of an excerpt of a statement that mentions the plan, or of its event."
    )
    aliases: TextList | None = Field(
        default=None, description="Other names the sources use, separated by '|', each found as the title is."
    )
    status: PlanStatus = Field(description="How far the plan got, as the source reports it.")
    point_count: Count | None = Field(default=None, description="Number of points, where the source gives it.")
    proposed_by_id: Id | None = Field(
        default=None, description="Who drafted or proposed it, per the source.", json_schema_extra=fk("actors")
    )
    event_id: Id | None = Field(
        default=None, description="The event at which it emerged or was agreed.", json_schema_extra=fk("events")
    )
    description: Text | None = Field(default=None, description="What the source says the plan is.")
    notes: Notes


class Provision(CheckedRow):
    """A term of a plan, as a source describes it."""

    meta = _meta(
        "provisions",
        "Plan provisions",
        "Terms of a plan, as the sources describe them.",
        ("provision_id",),
        label_column="summary",
    )

    provision_id: Id = Field(description="Stable identifier of the provision. Never reused.")
    plan_id: Id = Field(description="The plan the provision belongs to.", json_schema_extra=fk("plans"))
    summary: Text = Field(description="The term, closely following the source's words.")
    topic: Topic = Field(description="What the term is about.")
    notes: Notes


class StatementMention(CheckedRow):
    """What a statement mentions or is about: an actor, place, plan, provision or event."""

    meta = _meta(
        "statement_mentions",
        "Statement mentions",
        "Links from statements to the actors, places, plans, provisions and events they mention.",
        ("statement_id", "entity_type", "entity_id"),
    )

    statement_id: Id = Field(description="The statement.", json_schema_extra=fk("statements"))
    entity_type: EntityType = Field(description="Which table entity_id refers to.")
    entity_id: Id = Field(description="The key of the mentioned row in the table that entity_type names.")
    mentioned_as: Text = Field(
        description=(
            "The words of the statement's text that name or describe the entity, verbatim (e.g. Zelenskiy’s, the"
            " Russian leader, that call); a bare pronoun does not count. Whatever the text names is linked, its"
            " speaker and addressee included, and so is an entity named inside a longer name (Gaza in Gaza deal),"
            " except inside words that only anchor a date (At the time of the Witkoff-Ushakov call), where the"
            " anchor alone is linked."
        )
    )
    notes: Notes


class StatementRelation(CheckedRow):
    """How one statement relates to another: responds to, contradicts, confirms…"""

    meta = _meta(
        "statement_relations",
        "Statement relations",
        "How statements relate: one responds to, answers, contradicts or confirms another.",
        ("statement_id", "relation", "object_statement_id"),
    )

    statement_id: Id = Field(
        description="The statement that relates (the subject).", json_schema_extra=fk("statements")
    )
    relation: RelationType = Field(description="How the subject relates to the object.")
    object_statement_id: Id = Field(description="The statement related to.", json_schema_extra=fk("statements"))
    notes: Notes


# A release version: X.Y.Z, semantic versioning's numbers without leading zeros (no pre-release or build part).
VERSION_PATTERN = r"^(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)$"
Version = Annotated[str, Field(pattern=VERSION_PATTERN)]
COMMIT_PATTERN = r"^[0-9a-f]{40}$"


class RetiredId(CheckedRow):
    """An ID that was removed from the dataset: it stays here so that it is never reused."""

    meta = _meta(
        "retired_ids",
        "Retired IDs",
        "IDs removed from the dataset, with when and why; a retired ID is never used again.",
        ("table_name", "id"),
        label_column="id",
    )

    table_name: IdTable = Field(description="The table the ID belonged to.")
    id: Id = Field(description="The retired ID.")
    retired_on: IsoDate = Field(description="When it was retired (ISO date).")
    reason: Text = Field(description="Why it was removed (merged into another row, not supported by the source, …).")
    replaced_by: Id | None = Field(default=None, description="The ID of the same table that replaces it, if any.")
    notes: Notes


class Release(CheckedRow):
    """A release of the data, as `claims release` recorded it: the fact that this data is that version."""

    meta = _meta(
        "releases",
        "Releases",
        "Every release of the data: its version, its date, the SHA-256 of its data files and the release "
        "before it; written by `claims release`, never changed.",
        ("version",),
        label_column="released_on",  # a reference to a release shows its date beside its version
    )

    version: Version = Field(description="The release's version (semantic version, X.Y.Z).")
    released_on: IsoDate = Field(description="The release date: the date of its section in CHANGELOG.md.")
    data_sha256: Annotated[str, Field(pattern=SHA256_PATTERN)] = Field(
        description="SHA-256 of the release's data files: of the list of the SHA-256 of each CSV file of data/ "
        "but releases.csv, in name order, as sha256sum prints it. Data with this digest is this release."
    )
    previous_version: Annotated[str | None, Field(pattern=VERSION_PATTERN)] = Field(
        default=None,
        description="The release before it; empty for the first release.",
        json_schema_extra=fk("releases"),
    )
    git_commit: Annotated[str | None, Field(pattern=COMMIT_PATTERN)] = Field(
        default=None,
        description="A git commit whose data/ holds the release's data, where it was recorded after the release "
        "was made; empty otherwise (the release's data is found in the history by data_sha256 either way).",
    )
    notes: Text | None = Field(default=None, description="What a reader of the record should know about the release.")


class PublishedId(CheckedRow):
    """An ID that a release published: it must stay in its table or be retired, never just vanish."""

    meta = _meta(
        "published_ids",
        "Published IDs",
        "Every ID a release has published, with the first version that did; written by `claims release`.",
        ("table_name", "id"),
        label_column="id",
    )

    table_name: IdTable = Field(description="The table the ID belongs to.")
    id: Id = Field(description="The published ID.")
    first_version: Version = Field(
        description="The first release that published it (semantic version).", json_schema_extra=fk("releases")
    )


# In dependency order: a table's foreign keys point only to tables listed before it or itself,
# except actors.role_source_id (actors and sources refer to each other).
TABLES: tuple[type[Row], ...] = (
    Actor,
    Source,
    Position,
    Place,
    Event,
    EventParticipant,
    Statement,
    Attestation,
    Plan,
    Provision,
    StatementMention,
    StatementRelation,
    RetiredId,
    Release,
    PublishedId,
)
TABLES_BY_NAME: dict[str, type[Row]] = {model.meta.name: model for model in TABLES}
# The tables that keep the dataset's history (which IDs were retired, which releases were made and
# which IDs each published first), not data about the negotiations: they only grow.
HISTORY_TABLES: tuple[str, ...] = ("retired_ids", "releases", "published_ids")
# statement_mentions.entity_id is a foreign key into the table that entity_type names.
# Tables whose single-column key is an ID that is published and never reused.
ID_TABLES: dict[str, str] = {
    model.meta.name: model.meta.primary_key[0] for model in TABLES if model.meta.name in {t.value for t in IdTable}
}
MENTION_TARGETS: dict[str, tuple[str, str]] = {
    "actor": ("actors", "actor_id"),
    "place": ("places", "place_id"),
    "plan": ("plans", "plan_id"),
    "provision": ("provisions", "provision_id"),
    "event": ("events", "event_id"),
}
