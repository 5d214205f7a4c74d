-- Generated from schema/tables.py by `claims generate`. Do not edit.

CREATE TABLE actors (
    actor_id TEXT NOT NULL,
    name TEXT NOT NULL,
    actor_type TEXT NOT NULL CHECK (actor_type IN ('person', 'organization', 'government', 'government_body', 'media_outlet', 'platform', 'armed_forces', 'group')),
    unnamed BOOLEAN,
    aliases TEXT,
    role TEXT,
    role_source_id TEXT,
    affiliation_id TEXT,
    country TEXT,
    wikidata_id TEXT,
    notes TEXT,
    PRIMARY KEY (actor_id)
);
COMMENT ON TABLE actors IS 'People, governments, organisations, outlets and unnamed groups that appear in the sources.';
COMMENT ON COLUMN actors.actor_id IS 'Stable identifier, lower-case words joined by hyphens. Never reused.';
COMMENT ON COLUMN actors.name IS 'The name the dataset uses for the actor.';
COMMENT ON COLUMN actors.actor_type IS 'What kind of actor this is. Values: person: A single human being, named or not (an unnamed spokesperson is a person).; organization: A company, fund, party or other non-governmental body.; government: A state''s government or the state itself as an actor (the United States, Russia, Ukraine).; government_body: An institution of a state: a ministry, an office, a parliament, a council.; media_outlet: A news organisation that publishes reporting; it is the speaker of its own claims.; platform: A service that carries others'' posts or publications (a social network).; armed_forces: A state''s military or one of its branches.; group: Several people or bodies the source speaks of together without naming them (US officials).';
COMMENT ON COLUMN actors.unnamed IS 'true where the sources do not say who the actor is, only describe it ("US officials", "A spokesperson for Dmitriev", "reporters"): the evidence basis of its words is then `unattributed`, or the channel the source names (a `spokesperson`), never `unspecified`. Empty for an actor they name or identify as a whole ("Ukraine and its European allies").';
COMMENT ON COLUMN actors.aliases IS 'Other names the sources give the actor, verbatim: spellings, transliterations, short forms (e.g. Zelenskiy, Kyiv, the president), separated by ''|''. An event''s excerpts name each of its participants by its name or one of these.';
COMMENT ON COLUMN actors.role IS 'The actor''s role at the time, in the source''s words (verbatim from `role_source_id`).';
COMMENT ON COLUMN actors.role_source_id IS 'The archived source whose text contains `role` verbatim.';
COMMENT ON COLUMN actors.affiliation_id IS 'The actor this one belongs to or works for.';
COMMENT ON COLUMN actors.country IS 'ISO 3166-1 alpha-2 country code, e.g. US, RU, UA.';
COMMENT ON COLUMN actors.wikidata_id IS 'Wikidata item, only if confirmed in the archive''s wikidata.csv; empty otherwise.';
COMMENT ON COLUMN actors.notes IS 'Curator''s notes: how the row was read from the source, caveats.';

CREATE TABLE sources (
    source_id TEXT NOT NULL,
    title TEXT NOT NULL,
    source_type TEXT NOT NULL CHECK (source_type IN ('news_article', 'transcript', 'recording', 'interview', 'social_media_post', 'press_remarks', 'remarks', 'official_statement', 'photograph')),
    publisher_id TEXT,
    author_id TEXT,
    published_at TEXT,
    url TEXT,
    archive_sha256 TEXT,
    body_char_start BIGINT,
    body_char_end BIGINT,
    republishes_id TEXT,
    derived_from_id TEXT,
    retrieved_at TEXT,
    language TEXT,
    notes TEXT,
    PRIMARY KEY (source_id),
    FOREIGN KEY (publisher_id) REFERENCES actors (actor_id),
    FOREIGN KEY (author_id) REFERENCES actors (actor_id)
);
COMMENT ON TABLE sources IS 'Articles, transcripts, recordings, interviews, posts and remarks that report or contain statements.';
COMMENT ON COLUMN sources.source_id IS 'Stable identifier of the source. Never reused.';
COMMENT ON COLUMN sources.title IS 'Title of the source, or a description where it has none.';
COMMENT ON COLUMN sources.source_type IS 'What kind of source this is. Values: news_article: A report published by a news outlet.; transcript: A written record of spoken words, such as a call''s transcript.; recording: An audio or video recording of a conversation or speech.; interview: An interview given to an outlet (questions and answers).; social_media_post: A post on a social-media platform.; press_remarks: Remarks made to reporters, e.g. at a press gaggle or conference.; remarks: Remarks made in public outside a press setting.; official_statement: A statement issued by a government or organisation in its own name.; photograph: A photograph, with its caption and credit.';
COMMENT ON COLUMN sources.publisher_id IS 'Who published it (an outlet, a platform).';
COMMENT ON COLUMN sources.author_id IS 'Who wrote or said it, where that is a single actor.';
COMMENT ON COLUMN sources.published_at IS 'Publication date (ISO 8601), with time and UTC offset where known.';
COMMENT ON COLUMN sources.url IS 'Public address (http or https).';
COMMENT ON COLUMN sources.archive_sha256 IS 'SHA-256 of the archived text''s bytes; the archive is content-addressed by it.';
COMMENT ON COLUMN sources.body_char_start IS 'Offset where the article body begins in the archived text (the rest is page furniture).';
COMMENT ON COLUMN sources.body_char_end IS 'Offset where the article body ends in the archived text (exclusive).';
COMMENT ON COLUMN sources.republishes_id IS 'The source this one republishes.';
COMMENT ON COLUMN sources.derived_from_id IS 'The source this one was made from (a transcript from its recording).';
COMMENT ON COLUMN sources.retrieved_at IS 'When the archived copy was captured (EDTF; ''~'' marks an estimate).';
COMMENT ON COLUMN sources.language IS 'Language of the source (ISO 639-1).';
COMMENT ON COLUMN sources.notes IS 'Curator''s notes: how the row was read from the source, caveats.';

CREATE TABLE positions (
    position_id TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    title TEXT NOT NULL,
    organization_id TEXT,
    source_id TEXT NOT NULL,
    notes TEXT,
    PRIMARY KEY (position_id),
    FOREIGN KEY (actor_id) REFERENCES actors (actor_id),
    FOREIGN KEY (organization_id) REFERENCES actors (actor_id),
    FOREIGN KEY (source_id) REFERENCES sources (source_id)
);
COMMENT ON TABLE positions IS 'Titles and positions the sources give an actor beyond its `role`, quoted verbatim, with the source.';
COMMENT ON COLUMN positions.position_id IS 'Stable identifier of the position row. Never reused.';
COMMENT ON COLUMN positions.actor_id IS 'Who holds the title or position.';
COMMENT ON COLUMN positions.title IS 'The title or position, verbatim from `source_id` (validation checks the words are there).';
COMMENT ON COLUMN positions.organization_id IS 'The body the position is held in, where the source names it.';
COMMENT ON COLUMN positions.source_id IS 'The archived source whose article text contains `title` verbatim.';
COMMENT ON COLUMN positions.notes IS 'Curator''s notes: how the row was read from the source, caveats.';

CREATE TABLE places (
    place_id TEXT NOT NULL,
    name TEXT NOT NULL,
    place_type TEXT NOT NULL CHECK (place_type IN ('country', 'region', 'city', 'venue', 'zone')),
    aliases TEXT,
    part_of_id TEXT,
    country TEXT,
    notes TEXT,
    PRIMARY KEY (place_id)
);
COMMENT ON TABLE places IS 'Countries, regions, cities, venues and zones mentioned in the sources.';
COMMENT ON COLUMN places.place_id IS 'Stable identifier of the place. Never reused.';
COMMENT ON COLUMN places.name IS 'Name of the place as the dataset writes it.';
COMMENT ON COLUMN places.place_type IS 'What kind of place this is. Values: country: A sovereign state''s territory.; region: A part of a country or a region across countries (Donbas, Crimea).; city: A city or town.; venue: A building or site (the White House, the Knesset).; zone: An area a plan defines, such as a buffer zone.';
COMMENT ON COLUMN places.aliases IS 'Other spellings, separated by ''|''.';
COMMENT ON COLUMN places.part_of_id IS 'The larger place this one lies in, where the source says so.';
COMMENT ON COLUMN places.country IS 'ISO 3166-1 alpha-2 country code, e.g. US, RU, UA.';
COMMENT ON COLUMN places.notes IS 'Curator''s notes: how the row was read from the source, caveats.';

CREATE TABLE events (
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL CHECK (event_type IN ('phone_call', 'meeting', 'visit', 'summit', 'talks', 'address', 'press_remarks', 'remarks', 'social_media_post', 'interview', 'publication', 'proposal', 'agreement', 'release')),
    title TEXT NOT NULL,
    date TEXT,
    date_text TEXT,
    date_min DATE,
    date_max DATE,
    date_resolved_against TEXT,
    location TEXT,
    place_id TEXT,
    duration_text TEXT,
    description TEXT,
    notes TEXT,
    PRIMARY KEY (event_id),
    FOREIGN KEY (place_id) REFERENCES places (place_id)
);
COMMENT ON TABLE events IS 'The dated timeline: calls, meetings, visits, posts, remarks and addresses.';
COMMENT ON COLUMN events.event_id IS 'Stable identifier of the event. Never reused.';
COMMENT ON COLUMN events.event_type IS 'What kind of event this is. Values: phone_call: A telephone conversation between two or more parties.; meeting: People meeting in person.; visit: An actor travelling to a place or to another actor.; summit: A meeting of heads of state or government.; talks: Negotiations over one or more sessions.; address: A formal speech to an assembly.; press_remarks: Remarks to reporters.; remarks: Remarks in public outside a press setting.; social_media_post: The publication of a post on a social-media platform.; interview: An interview given to an outlet.; publication: The publication of a document or report.; proposal: A plan or proposal put forward or coming to light.; agreement: An agreement being reached or signed.; release: A release of people, such as hostages or prisoners.';
COMMENT ON COLUMN events.title IS 'Short neutral title, e.g. ''Witkoff–Ushakov phone call''.';
COMMENT ON COLUMN events.date IS 'The date as EDTF (Extended Date/Time Format, ISO 8601-2): 2025-10-14, 2025-11, 2025-10-24/2025-10-26, 2025-10-16~, or a bound, one day in a span: [2025-10-16..2025-11-25], [..2025-11-25]. At the latest the publication of the earliest source reporting the row; empty only where no source with a date reports it. An event the source reports as yet to take place (a planned summit) is dated after that publication, without an upper bound unless the source gives one: [2025-11-26..], with date_min the day after it.';
COMMENT ON COLUMN events.date_text IS 'The source''s own wording of the date, verbatim, as whole words of the row''s own excerpts (a statement at an event: or of the event''s; an outlet''s claim: or its source''s dateline, the words of the article body that give the day and year of publication), e.g. "two days later", "this month", "Tuesday". Empty where the source has no words for the date: `date` is then a bound.';
COMMENT ON COLUMN events.date_min IS 'Earliest calendar day the date can be (ISO date), within the EDTF value''s bounds.';
COMMENT ON COLUMN events.date_max IS 'Latest calendar day the date can be (ISO date), within the EDTF value''s bounds.';
COMMENT ON COLUMN events.date_resolved_against IS 'What the wording was resolved against, e.g. `article date 2025-11-25 (Tuesday)` or `event phone-call-2025-10-14`; without wording, what bounds the date (at the latest, the publication of the source that reports it).';
COMMENT ON COLUMN events.location IS 'Where it happened, in the source''s words: whole words of one of the event''s excerpts.';
COMMENT ON COLUMN events.place_id IS 'The place where it happened.';
COMMENT ON COLUMN events.duration_text IS 'How long it lasted, in the source''s words ("a little over five minutes"): whole words of one of the event''s excerpts.';
COMMENT ON COLUMN events.description IS 'What happened, closely following the source.';
COMMENT ON COLUMN events.notes IS 'Curator''s notes: how the row was read from the source, caveats.';

CREATE TABLE event_participants (
    event_id TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('caller', 'recipient', 'participant', 'host', 'guest', 'visitor', 'speaker', 'audience', 'author', 'interviewer', 'interviewee', 'subject')),
    notes TEXT,
    PRIMARY KEY (event_id, actor_id, role),
    FOREIGN KEY (event_id) REFERENCES events (event_id),
    FOREIGN KEY (actor_id) REFERENCES actors (actor_id)
);
COMMENT ON TABLE event_participants IS 'Who took part in each event, and in what role.';
COMMENT ON COLUMN event_participants.event_id IS 'The event.';
COMMENT ON COLUMN event_participants.actor_id IS 'The participant, named by its name or an alias in one of the event''s excerpts.';
COMMENT ON COLUMN event_participants.role IS 'The participant''s role in the event. Values: caller: Placed the call.; recipient: Received the call or message.; participant: Took part, without a more specific role the source gives.; host: Received the others at the event.; guest: Was received by the host.; visitor: Travelled to the place or actor visited.; speaker: Spoke to the audience.; audience: Was addressed by the speaker.; author: Wrote or published the post or document.; interviewer: Asked the questions of an interview.; interviewee: Answered the questions of an interview.; subject: Is what the event is about, without taking part in it.';
COMMENT ON COLUMN event_participants.notes IS 'Curator''s notes: how the row was read from the source, caveats.';

CREATE TABLE statements (
    statement_id TEXT NOT NULL,
    speaker_id TEXT NOT NULL,
    addressee_id TEXT,
    addressee_as TEXT,
    event_id TEXT,
    date TEXT,
    date_text TEXT,
    date_min DATE,
    date_max DATE,
    date_resolved_against TEXT,
    statement_type TEXT NOT NULL CHECK (statement_type IN ('direct_quote', 'partial_quote', 'paraphrase', 'outlet_claim', 'no_comment', 'no_response')),
    text TEXT NOT NULL,
    language TEXT,
    language_basis TEXT CHECK (language_basis IN ('stated_by_source', 'evident_from_quote')),
    translated BOOLEAN,
    topics TEXT,
    notes TEXT,
    PRIMARY KEY (statement_id),
    FOREIGN KEY (speaker_id) REFERENCES actors (actor_id),
    FOREIGN KEY (addressee_id) REFERENCES actors (actor_id),
    FOREIGN KEY (event_id) REFERENCES events (event_id)
);
COMMENT ON TABLE statements IS 'Who said what to whom and when: direct and partial quotes, paraphrases, the outlet''s own claims, and refusals to comment.';
COMMENT ON COLUMN statements.statement_id IS 'Stable identifier of the statement. Never reused.';
COMMENT ON COLUMN statements.speaker_id IS 'Who made the statement (the outlet itself for its own claims).';
COMMENT ON COLUMN statements.addressee_id IS 'To whom it was said, where the source says so.';
COMMENT ON COLUMN statements.addressee_as IS 'The source''s words that name the addressee, verbatim (e.g. Ushakov, a senior Kremlin official, reporters), from the statement''s excerpt or from that of the event it was made at, where the addressee takes part; given exactly when addressee_id is. They are, or hold as whole words, one of the addressee''s names: its name, an alias, its role or the title of a position it holds (a description without one, such as his Russian counterpart, goes to notes); never a pronoun, in any case, nor one of the speaker''s names.';
COMMENT ON COLUMN statements.event_id IS 'The event at which it was said (a call, remarks, a post).';
COMMENT ON COLUMN statements.date IS 'The date as EDTF (Extended Date/Time Format, ISO 8601-2): 2025-10-14, 2025-11, 2025-10-24/2025-10-26, 2025-10-16~, or a bound, one day in a span: [2025-10-16..2025-11-25], [..2025-11-25]. At the latest the publication of the earliest source reporting the row; empty only where no source with a date reports it. An event the source reports as yet to take place (a planned summit) is dated after that publication, without an upper bound unless the source gives one: [2025-11-26..], with date_min the day after it.';
COMMENT ON COLUMN statements.date_text IS 'The source''s own wording of the date, verbatim, as whole words of the row''s own excerpts (a statement at an event: or of the event''s; an outlet''s claim: or its source''s dateline, the words of the article body that give the day and year of publication), e.g. "two days later", "this month", "Tuesday". Empty where the source has no words for the date: `date` is then a bound.';
COMMENT ON COLUMN statements.date_min IS 'Earliest calendar day the date can be (ISO date), within the EDTF value''s bounds.';
COMMENT ON COLUMN statements.date_max IS 'Latest calendar day the date can be (ISO date), within the EDTF value''s bounds.';
COMMENT ON COLUMN statements.date_resolved_against IS 'What the wording was resolved against, e.g. `article date 2025-11-25 (Tuesday)` or `event phone-call-2025-10-14`; without wording, what bounds the date (at the latest, the publication of the source that reports it).';
COMMENT ON COLUMN statements.statement_type IS 'How the source conveys the statement. Values: direct_quote: The source quotes the speaker''s words verbatim; `text` is those words.; partial_quote: The source paraphrases but quotes some words; `text` keeps the quoted fragments in curly quotes.; paraphrase: The source reports what the speaker said in its own words.; outlet_claim: The reporting outlet asserts something in its own voice (speaker is the outlet).; no_comment: The speaker declined to comment.; no_response: The speaker did not respond to a request for comment.';
COMMENT ON COLUMN statements.text IS 'What was said. Direct quote: the quoted words verbatim (parts joined by '' […] ''). Partial quote: the claim with the quoted words in curly quotes. Otherwise: the claim as the source reports it.';
COMMENT ON COLUMN statements.language IS 'Language the statement was originally made in (ISO 639-1), only where the source states it or a direct quote makes it evident (see language_basis).';
COMMENT ON COLUMN statements.language_basis IS 'How the language is known: the source states it, or it is evident from a direct quote. Given exactly when `language` is. Values: stated_by_source: The source names the language, e.g. "spoke by phone in Russian".; evident_from_quote: A direct quote whose own words show the language it was said in, e.g. words kept in the original language inside an article in another language. Not an English quote in an English article: the source may have translated it without saying so.';
COMMENT ON COLUMN statements.translated IS 'true where the source''s words are a translation of the original.';
COMMENT ON COLUMN statements.topics IS 'What the statement is about, separated by ''|''. A statement that gives a plan''s term (mentions a provision) has peace_plan and the term''s topic.';
COMMENT ON COLUMN statements.notes IS 'Curator''s notes: how the row was read from the source, caveats.';

CREATE TABLE attestations (
    attestation_id TEXT NOT NULL,
    statement_id TEXT,
    event_id TEXT,
    source_id TEXT NOT NULL,
    excerpt TEXT NOT NULL,
    char_start BIGINT NOT NULL,
    char_end BIGINT NOT NULL,
    via_source_id TEXT,
    evidence_basis TEXT NOT NULL CHECK (evidence_basis IN ('recording_reviewed_by_outlet', 'public_remarks', 'social_media_post', 'interview_with_other_outlet', 'spokesperson', 'anonymous_officials', 'outlet_own_reporting', 'photo_caption', 'unattributed', 'unspecified')),
    notes TEXT,
    PRIMARY KEY (attestation_id),
    FOREIGN KEY (statement_id) REFERENCES statements (statement_id),
    FOREIGN KEY (event_id) REFERENCES events (event_id),
    FOREIGN KEY (source_id) REFERENCES sources (source_id),
    FOREIGN KEY (via_source_id) REFERENCES sources (source_id)
);
COMMENT ON TABLE attestations IS 'Verbatim excerpts of archived sources, with character offsets, that back each statement and event.';
COMMENT ON COLUMN attestations.attestation_id IS 'Stable identifier of the attestation. Never reused.';
COMMENT ON COLUMN attestations.statement_id IS 'The statement this excerpt backs (exactly one of statement_id, event_id).';
COMMENT ON COLUMN attestations.event_id IS 'The event this excerpt backs (exactly one of statement_id, event_id).';
COMMENT ON COLUMN attestations.source_id IS 'The archived source the excerpt is taken from.';
COMMENT ON COLUMN attestations.excerpt IS 'Verbatim span of the archived text, with its original characters (curly quotes included): the sentence that gives the row, widened only as far as the words a mention, addressee or participant needs (a speaker the sentence calls he or she is named in the statement''s notes).';
COMMENT ON COLUMN attestations.char_start IS 'Code-point offset of the excerpt''s first character in the archived text.';
COMMENT ON COLUMN attestations.char_end IS 'Code-point offset just after the excerpt''s last character: archived[char_start:char_end] == excerpt.';
COMMENT ON COLUMN attestations.via_source_id IS 'The source the reporting source relies on (a transcript, a recording, an interview).';
COMMENT ON COLUMN attestations.evidence_basis IS 'What the reporting source says its knowledge rests on. Values: recording_reviewed_by_outlet: The outlet says it reviewed a recording of the conversation.; public_remarks: Said in public, e.g. to reporters or at a meeting reported publicly.; social_media_post: Posted by the speaker on a social-media platform.; interview_with_other_outlet: Said in an interview given to another outlet.; spokesperson: Said by or about a spokesperson.; anonymous_officials: Rests on unnamed officials.; outlet_own_reporting: The outlet''s own reporting, with no further attribution.; photo_caption: The caption of a photograph published with the article (credited to the photographer or agency).; unattributed: The source asserts it without naming who said it or how it knows.; unspecified: The source names the speaker but does not say how the words were made known (in public, to reporters, in a post…), e.g. "Trump said Tuesday".';
COMMENT ON COLUMN attestations.notes IS 'Curator''s notes: how the row was read from the source, caveats.';

CREATE TABLE plans (
    plan_id TEXT NOT NULL,
    title TEXT NOT NULL,
    aliases TEXT,
    status TEXT NOT NULL CHECK (status IN ('proposed', 'agreed', 'suggested')),
    point_count BIGINT,
    proposed_by_id TEXT,
    event_id TEXT,
    description TEXT,
    notes TEXT,
    PRIMARY KEY (plan_id),
    FOREIGN KEY (proposed_by_id) REFERENCES actors (actor_id),
    FOREIGN KEY (event_id) REFERENCES events (event_id)
);
COMMENT ON TABLE plans IS 'Peace plans and proposals the sources discuss (the 28-point plan, the Gaza peace deal).';
COMMENT ON COLUMN plans.plan_id IS 'Stable identifier of the plan. Never reused.';
COMMENT ON COLUMN plans.title IS 'The plan''s name as the sources give it: whole words of an excerpt of a statement that mentions the plan, or of its event.';
COMMENT ON COLUMN plans.aliases IS 'Other names the sources use, separated by ''|'', each found as the title is.';
COMMENT ON COLUMN plans.status IS 'How far the plan got, as the source reports it. Values: proposed: Put forward for the parties to accept, as the source reports it.; agreed: Accepted by the parties, as the source reports it.; suggested: Floated in conversation, not yet put forward as a proposal.';
COMMENT ON COLUMN plans.point_count IS 'Number of points, where the source gives it.';
COMMENT ON COLUMN plans.proposed_by_id IS 'Who drafted or proposed it, per the source.';
COMMENT ON COLUMN plans.event_id IS 'The event at which it emerged or was agreed.';
COMMENT ON COLUMN plans.description IS 'What the source says the plan is.';
COMMENT ON COLUMN plans.notes IS 'Curator''s notes: how the row was read from the source, caveats.';

CREATE TABLE provisions (
    provision_id TEXT NOT NULL,
    plan_id TEXT NOT NULL,
    summary TEXT NOT NULL,
    topic TEXT NOT NULL CHECK (topic IN ('territory', 'ceasefire', 'security', 'weapons', 'sanctions', 'intelligence', 'peace_plan', 'negotiation_process', 'diplomacy', 'gaza')),
    notes TEXT,
    PRIMARY KEY (provision_id),
    FOREIGN KEY (plan_id) REFERENCES plans (plan_id)
);
COMMENT ON TABLE provisions IS 'Terms of a plan, as the sources describe them.';
COMMENT ON COLUMN provisions.provision_id IS 'Stable identifier of the provision. Never reused.';
COMMENT ON COLUMN provisions.plan_id IS 'The plan the provision belongs to.';
COMMENT ON COLUMN provisions.summary IS 'The term, closely following the source''s words.';
COMMENT ON COLUMN provisions.topic IS 'What the term is about. Values: territory: Who holds or controls land: withdrawals, recognition of claims, borders, buffer zones.; ceasefire: Stopping the fighting or freezing the front line.; security: Security guarantees, the size and posture of armed forces, alliances.; weapons: Supplies of weapons and military equipment.; sanctions: Economic sanctions and their lifting.; intelligence: Intelligence sharing and support.; peace_plan: A peace plan or proposal as a whole: its drafting, contents and fate.; negotiation_process: How the talks are run: who negotiates, channels, pace, leaks.; diplomacy: Contacts between leaders and envoys: calls, meetings, summits, messages.; gaza: The Gaza war and the deal that ended it.';
COMMENT ON COLUMN provisions.notes IS 'Curator''s notes: how the row was read from the source, caveats.';

CREATE TABLE statement_mentions (
    statement_id TEXT NOT NULL,
    entity_type TEXT NOT NULL CHECK (entity_type IN ('actor', 'place', 'plan', 'provision', 'event')),
    entity_id TEXT NOT NULL,
    mentioned_as TEXT NOT NULL,
    notes TEXT,
    PRIMARY KEY (statement_id, entity_type, entity_id),
    FOREIGN KEY (statement_id) REFERENCES statements (statement_id)
);
COMMENT ON TABLE statement_mentions IS 'Links from statements to the actors, places, plans, provisions and events they mention.';
COMMENT ON COLUMN statement_mentions.statement_id IS 'The statement.';
COMMENT ON COLUMN statement_mentions.entity_type IS 'Which table entity_id refers to. Values: actor: entity_id is an actor_id of `actors`.; place: entity_id is a place_id of `places`.; plan: entity_id is a plan_id of `plans`.; provision: entity_id is a provision_id of `provisions`.; event: entity_id is an event_id of `events`.';
COMMENT ON COLUMN statement_mentions.entity_id IS 'The key of the mentioned row in the table that entity_type names.';
COMMENT ON COLUMN statement_mentions.mentioned_as IS 'The words of the statement''s text that name or describe the entity, verbatim (e.g. Zelenskiy’s, the Russian leader, that call); a bare pronoun does not count. Whatever the text names is linked, its speaker and addressee included, and so is an entity named inside a longer name (Gaza in Gaza deal), except inside words that only anchor a date (At the time of the Witkoff-Ushakov call), where the anchor alone is linked.';
COMMENT ON COLUMN statement_mentions.notes IS 'Curator''s notes: how the row was read from the source, caveats.';

CREATE TABLE statement_relations (
    statement_id TEXT NOT NULL,
    relation TEXT NOT NULL CHECK (relation IN ('responds_to', 'answers', 'agrees_with', 'acts_on', 'contradicts', 'confirms', 'repeats', 'elaborates', 'same_utterance_as')),
    object_statement_id TEXT NOT NULL,
    notes TEXT,
    PRIMARY KEY (statement_id, relation, object_statement_id),
    FOREIGN KEY (statement_id) REFERENCES statements (statement_id),
    FOREIGN KEY (object_statement_id) REFERENCES statements (statement_id)
);
COMMENT ON TABLE statement_relations IS 'How statements relate: one responds to, answers, contradicts or confirms another.';
COMMENT ON COLUMN statement_relations.statement_id IS 'The statement that relates (the subject).';
COMMENT ON COLUMN statement_relations.relation IS 'How the subject relates to the object. Values: responds_to: The subject is a reply to the object (the source says so, e.g. "replied").; answers: The subject answers a question put in the object.; agrees_with: The subject agrees with the object.; acts_on: The subject carries out what the object recommended (the source says so).; contradicts: The subject contradicts the object.; confirms: The subject confirms the object.; repeats: The subject''s speaker repeats what the object says.; elaborates: The subject gives the detail of what the object summarises.; same_utterance_as: The source renders one utterance twice, e.g. a paraphrase and then a quote of it.';
COMMENT ON COLUMN statement_relations.object_statement_id IS 'The statement related to.';
COMMENT ON COLUMN statement_relations.notes IS 'Curator''s notes: how the row was read from the source, caveats.';

CREATE TABLE retired_ids (
    table_name TEXT NOT NULL CHECK (table_name IN ('actors', 'positions', 'sources', 'places', 'events', 'statements', 'attestations', 'plans', 'provisions')),
    id TEXT NOT NULL,
    retired_on DATE NOT NULL,
    reason TEXT NOT NULL,
    replaced_by TEXT,
    notes TEXT,
    PRIMARY KEY (table_name, id)
);
COMMENT ON TABLE retired_ids IS 'IDs removed from the dataset, with when and why; a retired ID is never used again.';
COMMENT ON COLUMN retired_ids.table_name IS 'The table the ID belonged to. Values: actors: An actor_id.; positions: A position_id.; sources: A source_id.; places: A place_id.; events: An event_id.; statements: A statement_id.; attestations: An attestation_id.; plans: A plan_id.; provisions: A provision_id.';
COMMENT ON COLUMN retired_ids.id IS 'The retired ID.';
COMMENT ON COLUMN retired_ids.retired_on IS 'When it was retired (ISO date).';
COMMENT ON COLUMN retired_ids.reason IS 'Why it was removed (merged into another row, not supported by the source, …).';
COMMENT ON COLUMN retired_ids.replaced_by IS 'The ID of the same table that replaces it, if any.';
COMMENT ON COLUMN retired_ids.notes IS 'Curator''s notes: how the row was read from the source, caveats.';

CREATE TABLE releases (
    version TEXT NOT NULL,
    released_on DATE NOT NULL,
    data_sha256 TEXT NOT NULL,
    previous_version TEXT,
    git_commit TEXT,
    notes TEXT,
    PRIMARY KEY (version)
);
COMMENT ON TABLE releases IS 'Every release of the data: its version, its date, the SHA-256 of its data files and the release before it; written by `claims release`, never changed.';
COMMENT ON COLUMN releases.version IS 'The release''s version (semantic version, X.Y.Z).';
COMMENT ON COLUMN releases.released_on IS 'The release date: the date of its section in CHANGELOG.md.';
COMMENT ON COLUMN releases.data_sha256 IS 'SHA-256 of the release''s data files: of the list of the SHA-256 of each CSV file of data/ but releases.csv, in name order, as sha256sum prints it. Data with this digest is this release.';
COMMENT ON COLUMN releases.previous_version IS 'The release before it; empty for the first release.';
COMMENT ON COLUMN releases.git_commit IS 'A git commit whose data/ holds the release''s data, where it was recorded after the release was made; empty otherwise (the release''s data is found in the history by data_sha256 either way).';
COMMENT ON COLUMN releases.notes IS 'What a reader of the record should know about the release.';

CREATE TABLE published_ids (
    table_name TEXT NOT NULL CHECK (table_name IN ('actors', 'positions', 'sources', 'places', 'events', 'statements', 'attestations', 'plans', 'provisions')),
    id TEXT NOT NULL,
    first_version TEXT NOT NULL,
    PRIMARY KEY (table_name, id),
    FOREIGN KEY (first_version) REFERENCES releases (version)
);
COMMENT ON TABLE published_ids IS 'Every ID a release has published, with the first version that did; written by `claims release`.';
COMMENT ON COLUMN published_ids.table_name IS 'The table the ID belongs to. Values: actors: An actor_id.; positions: A position_id.; sources: A source_id.; places: A place_id.; events: An event_id.; statements: A statement_id.; attestations: An attestation_id.; plans: A plan_id.; provisions: A provision_id.';
COMMENT ON COLUMN published_ids.id IS 'The published ID.';
COMMENT ON COLUMN published_ids.first_version IS 'The first release that published it (semantic version).';
