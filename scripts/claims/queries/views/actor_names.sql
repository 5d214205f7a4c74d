-- title: Actor names
-- description: Every way to name an actor: its ID, its name and each of its aliases, lower-cased (`key`), so that a query can take "Steve Witkoff", "Witkoff" or steve-witkoff alike.
-- materialize in SQLite, indexed on: key
CREATE VIEW actor_names AS
WITH RECURSIVE alias_parts(actor_id, alias, rest) AS (
    SELECT actor_id, '', aliases || '|' FROM actors WHERE aliases IS NOT NULL AND aliases <> ''
    UNION ALL
    SELECT actor_id, substr(rest, 1, instr(rest, '|') - 1), substr(rest, instr(rest, '|') + 1)
    FROM alias_parts WHERE rest <> ''
)
SELECT actor_id, lower(actor_id) AS key, 'id' AS kind FROM actors
UNION SELECT actor_id, lower(name), 'name' FROM actors
UNION SELECT actor_id, lower(alias), 'alias' FROM alias_parts WHERE alias <> '';
