-- What `perfimmo-admin rebuild` needs to rebuild the read model from the
-- journal while the tenant keeps serving.
--
-- table_registry classifies every table of the tenant's schema.  Every
-- migration that creates a table must register it here with one of:
--   read_model  a projection of the journal, filled by project_<kind>().
--               The rebuild replays the journal into an empty copy of it.
--   source      state the journal cannot give back: the journal itself,
--               credentials, keys, subscriptions.  Never touched.
--   projected_source
--               source state that projections also write to, such as
--               credentials, whose login and disabled flag follow user
--               events while password hashes do not.  The replay writes
--               into a copy of its rows, which is then dropped: the live
--               rows, kept current by every command, are never touched.
-- The rebuild refuses to run while a table of the schema is not registered,
-- because a projection writing into an unregistered table would apply the
-- whole journal a second time to its live rows.

CREATE TABLE table_registry (
	table_name text PRIMARY KEY,
	kind text NOT NULL CHECK (kind IN ('read_model', 'source', 'projected_source')),
	-- Registration order: a table registered after the tables it references
	-- gets its rows deleted before theirs and inserted after theirs.
	registered bigint GENERATED ALWAYS AS IDENTITY
);

INSERT INTO table_registry (table_name, kind) VALUES
	('credentials', 'source'),
	('api_keys', 'source'),
	('session_secrets', 'source'),
	('events', 'source'),
	('processed_commands', 'source'),
	('command_lock', 'source'),
	('table_registry', 'source'),
	('companies', 'read_model'),
	('agencies', 'read_model');

-- Tables of the current schema that table_registry does not classify.
CREATE FUNCTION rebuild_unregistered_tables()
	RETURNS SETOF text
	LANGUAGE sql STABLE
AS $$
	SELECT c.relname::text FROM pg_class c
	 WHERE c.relnamespace = current_schema()::regnamespace
	   AND c.relkind IN ('r', 'p')
	   AND c.relname NOT IN (SELECT table_name FROM table_registry)
	 ORDER BY 1
$$;

-- The columns of table NAME in schema LIVE that an INSERT may set: every
-- column but the generated ones, as a quoted list.
CREATE FUNCTION rebuild_columns(live text, name text)
	RETURNS text
	LANGUAGE sql STABLE
AS $$
	SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
	  FROM pg_attribute a
	 WHERE a.attrelid = format('%I.%I', live, name)::regclass
	   AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
$$;

-- Creates in schema SHADOW a copy of every read-model table of schema
-- LIVE, with its columns, defaults, checks and indexes: empty for a read
-- model, with the live rows for a projected source.
CREATE FUNCTION rebuild_prepare(live text, shadow text)
	RETURNS void
	LANGUAGE plpgsql
AS $$
DECLARE
	entry record;
	columns text;
BEGIN
	FOR entry IN SELECT table_name, kind FROM table_registry
			WHERE kind IN ('read_model', 'projected_source') ORDER BY registered LOOP
		EXECUTE format('CREATE TABLE %I.%I (LIKE %I.%I INCLUDING ALL)',
			shadow, entry.table_name, live, entry.table_name);
		IF entry.kind = 'projected_source' THEN
			columns := rebuild_columns(live, entry.table_name);
			EXECUTE format('INSERT INTO %I.%I (%s) OVERRIDING SYSTEM VALUE SELECT %s FROM %I.%I',
				shadow, entry.table_name, columns, columns, live, entry.table_name);
		END IF;
	END LOOP;
END
$$;

-- Projects every event after position AFTER, in position order, through
-- project(), the same path journal_append takes.  Unqualified table names
-- in the projections follow search_path, so a rebuild that puts the shadow
-- schema first fills the shadow tables.  Returns the last position
-- replayed, or AFTER when there was none.
CREATE FUNCTION journal_replay(after bigint)
	RETURNS bigint
	LANGUAGE plpgsql
AS $$
DECLARE
	last_position bigint := after;
	item record;
BEGIN
	FOR item IN SELECT e.aggregate_type, e.payload, e.position FROM events e
			WHERE e.position > after ORDER BY e.position LOOP
		PERFORM project(item.aggregate_type, item.payload, item.position);
		last_position := item.position;
	END LOOP;
	RETURN last_position;
END
$$;

-- Replaces the rows of every read-model table of LIVE with those of its
-- copy in SHADOW.  The table definitions, their foreign keys and grants
-- stay as the migrations made them, and readers keep seeing the old rows
-- until the transaction commits.
CREATE FUNCTION rebuild_swap(live text, shadow text)
	RETURNS void
	LANGUAGE plpgsql
AS $$
DECLARE
	entry record;
	columns text;
BEGIN
	FOR entry IN SELECT table_name FROM table_registry WHERE kind = 'read_model'
			ORDER BY registered DESC LOOP
		EXECUTE format('DELETE FROM %I.%I', live, entry.table_name);
	END LOOP;

	FOR entry IN SELECT table_name FROM table_registry WHERE kind = 'read_model'
			ORDER BY registered LOOP
		-- Generated columns are computed again; identity values are kept.
		columns := rebuild_columns(live, entry.table_name);
		EXECUTE format('INSERT INTO %I.%I (%s) OVERRIDING SYSTEM VALUE SELECT %s FROM %I.%I',
			live, entry.table_name, columns, columns, shadow, entry.table_name);
	END LOOP;
END
$$;

-- Only the owner rebuilds: the workers' role gets none of these.
REVOKE EXECUTE ON FUNCTION rebuild_unregistered_tables(), rebuild_columns(text, text),
	rebuild_prepare(text, text), journal_replay(bigint), rebuild_swap(text, text) FROM PUBLIC;
