-- The event journal: append-only, the source of truth of the tenant.
-- Positions are drawn while the tenant's command lock is held, and the lock
-- is held until commit, so positions become visible in increasing order.

CREATE TABLE events (
	position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	aggregate_type text NOT NULL CHECK (aggregate_type IN
		('company', 'patrimony', 'lot', 'providerContact', 'ticket', 'user')),
	aggregate_uid uuid NOT NULL,
	version integer NOT NULL CHECK (version >= 1),
	event_type text NOT NULL,
	payload jsonb NOT NULL CHECK (jsonb_typeof(payload) = 'object'),
	process_uid uuid NOT NULL,
	actor_uid uuid,
	schema_version smallint NOT NULL DEFAULT 1,
	stored_at timestamptz NOT NULL DEFAULT clock_timestamp(),
	UNIQUE (aggregate_type, aggregate_uid, version)
);
CREATE INDEX events_process_uid ON events (process_uid);
CREATE INDEX events_type_position ON events (event_type, position);
CREATE INDEX events_aggregate_type_position ON events (aggregate_type, position);

-- A stream is one aggregate: (aggregate_type, aggregate_uid).

-- One row per accepted command: its events exactly as returned, so a
-- retried command learns its outcome.
CREATE TABLE processed_commands (
	process_uid uuid PRIMARY KEY,
	user_uid uuid,
	events jsonb NOT NULL CHECK (jsonb_typeof(events) = 'array'),
	stored_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- The tenant's command lock: one row that every command locks FOR UPDATE.
CREATE TABLE command_lock (
	id boolean PRIMARY KEY DEFAULT true CHECK (id)
);
INSERT INTO command_lock DEFAULT VALUES;

-- Applies one event to the read model through project_<kind>(event,
-- position), which each aggregate's read-model migration defines.  The
-- same functions replay the journal when the read model is rebuilt.
CREATE FUNCTION project(aggregate_kind text, event jsonb, event_position bigint)
	RETURNS void
	LANGUAGE plpgsql
AS $$
BEGIN
	EXECUTE format('SELECT project_%s($1, $2)', lower(aggregate_kind))
		USING event, event_position;
END
$$;

-- Appends the events of one command to one aggregate, expecting the
-- aggregate to be at EXPECTED_VERSION, and records the command.  A stale
-- expected version raises unique_violation (23505) like the unique index
-- would, so the caller has one conflict path.  Returns the stored rows.
CREATE FUNCTION journal_append(aggregate_kind text, aggregate uuid,
		expected_version integer, new_events jsonb, command uuid, actor uuid)
	RETURNS TABLE (event_position bigint, event_payload text)
	LANGUAGE plpgsql
AS $$
DECLARE
	current_version integer;
BEGIN
	SELECT coalesce(max(e.version), 0) INTO current_version
	  FROM events e WHERE e.aggregate_type = aggregate_kind AND e.aggregate_uid = aggregate;
	IF current_version <> expected_version THEN
		RAISE EXCEPTION 'aggregate % is at version %, expected %',
			aggregate, current_version, expected_version
			USING ERRCODE = 'unique_violation';
	END IF;

	INSERT INTO events (aggregate_type, aggregate_uid, version, event_type,
			payload, process_uid, actor_uid)
	SELECT aggregate_kind, aggregate, expected_version + item.ordinality::integer,
			item.event ->> 'eventType', item.event, command, actor
	  FROM jsonb_array_elements(new_events) WITH ORDINALITY AS item (event, ordinality)
	 ORDER BY item.ordinality;

	INSERT INTO processed_commands (process_uid, user_uid, events)
	VALUES (command, actor, new_events);

	PERFORM project(aggregate_kind, e.payload, e.position)
	   FROM events e WHERE e.process_uid = command ORDER BY e.position;

	PERFORM pg_notify('perfimmo_events', current_schema());

	RETURN QUERY
		SELECT e.position, e.payload::text FROM events e
		 WHERE e.process_uid = command ORDER BY e.position;
END
$$;

-- The workers' role may read and append, never change or remove an event.
DO $$
DECLARE
	tenant_role text := current_setting('perfimmo.tenant_role');
BEGIN
	EXECUTE format('GRANT SELECT, INSERT ON events, processed_commands TO %I', tenant_role);
	EXECUTE format('GRANT SELECT, UPDATE ON command_lock TO %I', tenant_role);
	EXECUTE format('GRANT EXECUTE ON FUNCTION journal_append(text, uuid, integer, jsonb, uuid, uuid) TO %I',
		tenant_role);
	EXECUTE format('GRANT EXECUTE ON FUNCTION project(text, jsonb, bigint) TO %I', tenant_role);
END
$$;

-- Whether a user may see an aggregate now.  Deny by default: the scopes
-- migration replaces it with the rules of each user kind.  The superUser
-- never reaches it.
CREATE FUNCTION aggregate_visible(aggregate_kind text, aggregate uuid, viewer uuid)
	RETURNS boolean
	LANGUAGE sql STABLE
AS $$ SELECT false $$;
