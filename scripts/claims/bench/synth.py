"""`claims synth`: a schema-valid synthetic dataset of any size, for benchmarks and scale tests.

Shapes follow the curated data: a few actors make most statements (Zipf-like), events have two to
four participants, statements are attested by one to three articles, half of them rest on a
recording. Archived article texts are written alongside, and every excerpt sits at its real
offsets in them, so that every layer of `claims validate` passes. Deterministic for a given seed.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import json
import random
from datetime import date, timedelta
from pathlib import Path

from claims.generate import datapackage
from claims.schema import TABLES_BY_NAME
from claims.schema.dialect import DUCKDB_COPY_OPTIONS, duckdb_read_csv

WORDS = (
    "peace plan talks ceasefire territory security guarantees sanctions envoy kremlin negotiation proposal "
    "agreement frontline region withdrawal troops recognition summit call meeting deal points document paper "
    "draft position demand concession pressure support aid intelligence missiles border buffer zone"
).split()
FIRST = "Alex Maria Ivan Olena Pavel Sarah John Dmitro Anna Viktor Elena Mark Yuri Irina Taras Lena".split()
LAST = "Petrov Kovalenko Smith Ivanova Brown Shevchenko Volkov Miller Bondar Sokolov Clark Melnyk".split()
ROLES = (
    "senior adviser",
    "foreign minister",
    "special envoy",
    "spokesperson",
    "deputy chief of staff",
    "national security adviser",
)
TYPES = ("direct_quote", "direct_quote", "paraphrase", "paraphrase", "partial_quote", "outlet_claim")
TOPICS = ("territory", "ceasefire", "security", "sanctions", "peace_plan", "negotiation_process", "diplomacy")
TERMS_PER_PLAN = 4  # each plan's terms take the first topics in turn
START = date(2025, 1, 1)
DAYS = 330  # all dates fall inside the 2025 study window, sources included


class Writer:
    """CSV writers for every table, in the canonical column order."""

    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self.files, self.writers = {}, {}
        for name, model in TABLES_BY_NAME.items():
            handle = (folder / f"{name}.csv").open("w", encoding="utf-8", newline="")
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(model.columns())
            self.files[name], self.writers[name] = handle, writer

    def row(self, table: str, values: list) -> None:
        self.writers[table].writerow(["" if v is None else v for v in values])

    def close(self) -> None:
        for handle in self.files.values():
            handle.close()


def date_words(day: date) -> str:
    """How the synthetic articles word a date, e.g. "on October 14"."""
    return f"on {day:%B} {day.day}"


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def synth(statements: int, out: Path, seed: int = 2025, progress=None) -> dict[str, int]:
    """Write out/datapackage.json, out/data/*.csv and out/archive/; return the row counts."""
    descriptor = datapackage()  # first: it needs the project, and nothing is written without it
    step = progress or (lambda text: None)
    step("actors, places and events")
    rng = random.Random(seed)
    n_actors = max(30, statements // 40)
    n_events = max(12, statements // 8)
    n_articles = max(6, statements // 25)
    n_recordings = max(2, statements // 200)
    n_places = max(12, statements // 500)
    n_plans = max(3, statements // 5000)
    counts: dict[str, int] = {name: 0 for name in TABLES_BY_NAME}
    writer = Writer(out / "data")
    archive = out / "archive"
    archive.mkdir(parents=True, exist_ok=True)
    # the confirmed Wikidata IDs, as in the real archive (no synthetic actor claims one)
    (archive / "wikidata.csv").write_text("name,wikidata_id\nSynthetic Person,Q1\n", encoding="utf-8")

    def emit(table: str, values: list) -> None:
        writer.row(table, values)
        counts[table] += 1

    actors = [f"actor-{i:06d}" for i in range(n_actors)]
    names = [f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]} {i}" for i in range(n_actors)]
    roles = [f"{ROLES[i % len(ROLES)]} number {i}" if i % 3 == 0 else None for i in range(n_actors)]
    cumulative = list(itertools.accumulate(1 / (i + 1) ** 0.8 for i in range(n_actors)))  # a few prolific speakers

    def name_of(actor: str) -> str:
        return names[int(actor.split("-")[1])]

    places = [f"place-{i:05d}" for i in range(n_places)]
    for i, place in enumerate(places):
        emit("places", [place, f"Place {i}", "city" if i % 2 else "region", None, None, None, None])

    # events: a date, a place, two to four participants
    event_date, event_people = [], []
    for _ in range(n_events):
        day = START + timedelta(days=rng.randrange(DAYS - 30))
        people = rng.sample(actors[: max(4, n_actors // 2)], rng.randint(2, 4))
        event_date.append(day)
        event_people.append(people)

    # statements: speaker, addressee, maybe an event, a date
    step(f"{statements:,} statements")
    plan_ids = [f"plan-{i:04d}" for i in range(n_plans)]
    texts = []
    rows = []
    for i in range(statements):
        at_event = i % 2 == 0
        if at_event:
            event = rng.randrange(n_events)
            speaker, addressee = event_people[event][0], event_people[event][1]
            day, event_id = event_date[event], f"event-{event:07d}"
        else:
            speaker = rng.choices(actors, cum_weights=cumulative)[0]
            addressee = rng.choice(actors)
            addressee = None if addressee == speaker else addressee
            day, event_id = START + timedelta(days=rng.randrange(DAYS - 30)), None
        kind = TYPES[i % len(TYPES)]
        body = f"{_sentence(rng, 6)} number {i} {_sentence(rng, 4)}"
        text = (
            body
            if kind == "direct_quote"
            else (f"Said the {body.split()[0]} was “{body}”." if kind == "partial_quote" else f"Said that {body}.")
        )
        if kind == "outlet_claim":
            speaker, addressee, event_id, text = "actor-000000", None, None, f"The outlet reports that {body}."
        texts.append(body)
        rows.append((speaker, addressee, event_id, day, kind, text))

    # articles: each carries the statements assigned to it, at real offsets
    step("articles, archived texts and attestations")
    attestation_no = 0
    article_of: list[list[int]] = [[] for _ in range(n_articles)]
    for i in range(statements):
        for article in rng.sample(range(n_articles), rng.choice((1, 1, 1, 2, 2, 3))):
            article_of[article].append(i)
    role_holder = {}
    for i, role in enumerate(roles):
        if role:
            role_holder.setdefault(i % n_articles, []).append(i)
    attestations_by_article = []
    for article in range(n_articles):
        header = f"Home | Latest | Politics\nSynthetic article {article}\n"
        parts, offset, spans = [header], len(header), []
        for i in article_of[article]:
            speaker, addressee, _event, day, kind, _text = rows[i]
            # the excerpt gives the date's words and names the addressee, as the rules want
            if kind == "outlet_claim":
                excerpt = f"The outlet reports that {texts[i]} {date_words(day)}."
            elif addressee:
                excerpt = f"“{texts[i]},” {name_of(speaker)} told {name_of(addressee)} {date_words(day)}."
            else:
                excerpt = f"“{texts[i]},” {name_of(speaker)} said {date_words(day)}."
            spans.append((i, offset, offset + len(excerpt), excerpt))
            parts.append(excerpt + " ")
            offset += len(excerpt) + 1
        for actor_index in role_holder.get(article, []):
            sentence = f"{names[actor_index]} is {roles[actor_index]}. "
            parts.append(sentence)
            offset += len(sentence)
        body_end = offset
        parts.append("\nSide-bar: unrelated headlines.\n")
        text = "".join(parts)
        raw = text.encode("utf-8")
        digest = hashlib.sha256(raw).hexdigest()
        (archive / f"article-{article:06d}.txt").write_bytes(raw)
        latest = max((rows[i][3] for i, *_ in spans), default=START)
        published = min(latest + timedelta(days=rng.randint(0, 20)), START + timedelta(days=DAYS))
        emit(
            "sources",
            [
                f"article-{article:06d}",
                f"Synthetic article {article}",
                "news_article",
                "actor-000000",
                None,
                published.isoformat(),
                f"https://example.org/article/{article}",
                digest,
                len(header),
                body_end,
                None,
                None,
                "2026-01-30~",
                "en",
                None,
            ],
        )
        attestations_by_article.append(spans)
    for r in range(n_recordings):
        emit(
            "sources",
            [
                f"recording-{r:05d}",
                f"Synthetic recording {r}",
                "recording",
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
            ],
        )

    for i, actor in enumerate(actors):
        role = roles[i]
        emit(
            "actors",
            [
                actor,
                names[i],
                "media_outlet" if i == 0 else "person",
                None,
                f"{names[i].split()[1]} {i}",
                role,
                f"article-{i % n_articles:06d}" if role else None,
                None if i < 2 else actors[i % 2],
                None,
                None,
                None,
            ],
        )

    for e in range(n_events):
        day = event_date[e]
        emit(
            "events",
            [
                f"event-{e:07d}",
                "phone_call" if e % 3 else "meeting",
                f"Synthetic event {e}",
                day.isoformat(),
                date_words(day),
                day.isoformat(),
                day.isoformat(),
                "article date",
                None,
                places[e % n_places],
                None,
                None,
                None,
            ],
        )
        for person in event_people[e]:
            emit("event_participants", [f"event-{e:07d}", person, "participant", None])

    for i, (speaker, addressee, event_id, day, kind, text) in enumerate(rows):
        # a language only with its basis: here the synthetic sources state it for direct quotes
        language = ("en", "stated_by_source", "false") if kind == "direct_quote" else (None, None, None)
        topics = rng.sample(TOPICS, 2)
        if i < n_plans:  # it gives the plan's terms (below): the plan's contents and each term's topic
            topics = ["peace_plan", *TOPICS[:TERMS_PER_PLAN]]
        emit(
            "statements",
            [
                f"st-{i:08d}",
                speaker,
                addressee,
                name_of(addressee) if addressee else None,
                event_id,
                day.isoformat(),
                date_words(day),
                day.isoformat(),
                day.isoformat(),
                "article date",
                kind,
                text,
                *language,
                "|".join(topics),
                None,
            ],
        )
    for article, spans in enumerate(attestations_by_article):
        for i, start, end, excerpt in spans:
            via = f"recording-{i % n_recordings:05d}" if i % 2 else None
            basis = "recording_reviewed_by_outlet" if via else "outlet_own_reporting"
            emit(
                "attestations",
                [
                    f"att-{attestation_no:09d}",
                    f"st-{i:08d}",
                    None,
                    f"article-{article:06d}",
                    excerpt,
                    start,
                    end,
                    via,
                    basis,
                    None,
                ],
            )
            attestation_no += 1
    # events rest on an archived chronicle of their own, a sentence each that names the participants
    event_text_parts, offset, event_spans = ["Events\n"], len("Events\n"), []
    for e in range(n_events):
        people = ", ".join(name_of(person) for person in event_people[e])
        sentence = f"Synthetic event {e}, with {people}, took place {date_words(event_date[e])}."
        event_spans.append((e, offset, offset + len(sentence), sentence))
        event_text_parts.append(sentence + "\n")
        offset += len(sentence) + 1
    raw = "".join(event_text_parts).encode("utf-8")
    (archive / "events.txt").write_bytes(raw)
    emit(
        "sources",
        [
            "event-chronicle",
            "Synthetic chronicle of events",
            "news_article",
            "actor-000000",
            None,
            "2025-12-31",
            None,
            hashlib.sha256(raw).hexdigest(),
            len("Events\n"),
            offset,
            None,
            None,
            None,
            "en",
            None,
        ],
    )
    for e, start, end, sentence in event_spans:
        emit(
            "attestations",
            [
                f"att-{attestation_no:09d}",
                None,
                f"event-{e:07d}",
                "event-chronicle",
                sentence,
                start,
                end,
                None,
                "outlet_own_reporting",
                None,
            ],
        )
        attestation_no += 1

    step("plans, mentions and relations")
    for p, plan in enumerate(plan_ids):
        # named, like every entity here, by a word of the text of the statement that mentions it (below)
        emit("plans", [plan, texts[p].split()[0], None, "proposed", 20, "actor-000001", None, None, None])
        for k in range(TERMS_PER_PLAN):
            emit("provisions", [f"{plan}-term-{k}", plan, f"Term {k} of plan {p}.", TOPICS[k], None])
    for i in range(statements):
        mentions = {("actor", rows[i][0])}
        for a in range(i, n_actors, statements):  # every actor is mentioned at least once
            mentions.add(("actor", actors[a]))
        if i % 3 == 0:
            mentions.add(("place", places[i % n_places]))
        for p in range(i, n_plans, statements):  # every plan and each of its terms is described
            mentions.add(("plan", plan_ids[p]))
            mentions.update(("provision", f"{plan_ids[p]}-term-{k}") for k in range(TERMS_PER_PLAN))
        named = texts[i].split()[0]  # synthetic: a word of the statement's text stands for each entity's name
        for kind, key in sorted(mentions):
            emit("statement_mentions", [f"st-{i:08d}", kind, key, named, None])
        if i % 10 == 1:
            emit("statement_relations", [f"st-{i:08d}", "responds_to", f"st-{i - 1:08d}", None])
    writer.close()
    step("sorting the tables by key")
    _sort_csvs(out / "data")
    descriptor["name"] = "synthetic-peace-plan-claims"
    descriptor["title"] = f"Synthetic claims dataset, {statements} statements"
    (out / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return counts


def _sort_csvs(folder: Path) -> None:
    """Sort each table by primary key, as the canonical form wants (DuckDB does it out of core)."""
    import duckdb

    con = duckdb.connect()
    for name, model in TABLES_BY_NAME.items():
        path = folder / f"{name}.csv"
        sorted_path = folder / f".{name}.sorted.csv"
        con.execute(
            f"COPY (SELECT * FROM {duckdb_read_csv(path, model.columns())} ORDER BY {', '.join(model.meta.primary_key)}) TO '{sorted_path}' ({DUCKDB_COPY_OPTIONS})"
        )
        sorted_path.replace(path)
