-- Appending many commands in one statement (perfimmo-admin import).
--
-- journal_append_batch stores and projects a list of commands exactly as
-- that many journal_append calls in the same order would: the same events
-- at the same positions, the same processed_commands rows, the same read
-- model.  It does the work once per batch instead of once per command:
-- one version check, one INSERT of every event, one INSERT of every
-- processed command, one notification.  The projection still applies each
-- event through the same functions, except that consecutive ticket events
-- are folded ticket by ticket (project_ticket_events), so that a ticket
-- row is read and written once per run instead of once per event.

SET LOCAL check_function_bodies = off;

-- Applies EVENTS, consecutive events of one ticket at POSITIONS, to its
-- row: the same row as applying each event in turn (the project_ticket of
-- 011_journal_speed.sql, which now calls this function), read and written
-- once.  Two facts make it exact.  A ticket event changes no other row and
-- no table that ticket_apply reads.  The stored search_folded is always the
-- fold of the row's ticket_search_source, so one fold at the end gives the
-- value that a fold after each change gave.
CREATE FUNCTION project_ticket_events(events jsonb[], positions bigint[])
	RETURNS void
	LANGUAGE plpgsql
AS $$
DECLARE
	t tickets;
	stored boolean := false;
	source_before text;
	source_after text;
BEGIN
	IF (events[1] ->> 'eventType') IS DISTINCT FROM 'TicketOpened' THEN
		SELECT * INTO STRICT t FROM tickets WHERE uid = (events[1] ->> 'aggregateUid')::uuid;
		stored := true;
		source_before := ticket_search_source(t);
	END IF;

	FOR i IN 1 .. array_length(events, 1) LOOP
		IF events[i] ->> 'eventType' = 'TicketOpened' THEN
			-- project_ticket would insert a second row with the same uid.
			IF stored OR i > 1 THEN
				RAISE EXCEPTION 'ticket % opened twice', events[i] ->> 'aggregateUid'
					USING ERRCODE = 'unique_violation';
			END IF;
			t.uid := (events[i] ->> 'aggregateUid')::uuid;
			t.version := 0;
			t.intervention := false;
			t.updated_fields := '[]';
			t.free_commentaries := '[]';
			t.provider_uids := '{}';
		END IF;
		t := ticket_apply(t, events[i]);
		t.version := t.version + 1;
		t.position := positions[i];
	END LOOP;

	source_after := ticket_search_source(t);
	IF t.search_folded IS NULL OR source_after IS DISTINCT FROM source_before THEN
		t.search_folded := perfimmo_ext.fold(source_after);
	END IF;

	IF NOT stored THEN
		INSERT INTO tickets SELECT t.*;
		RETURN;
	END IF;
	UPDATE tickets SET (version, ref, status, state_value, state_date, created, updated, closed,
		location, patrimony_uid, agency_uids, company_uid, call_center_uid, claim_number,
		call_purpose, call_purpose_folded, call_purpose_uid, caller, address, city_folded,
		request, instructions, report, contact_to_callback, additional_data, assignee,
		assignee_comment, assignee_instructions, assignee_provider_uid, service_order,
		intervention, updated_fields, free_commentaries, intervention_started,
		intervention_scheduled, intervention_deadline, formal_notice, first_reaction,
		first_accepted, first_provider_action, first_started, last_finished, provider_uids,
		search_folded, position)
	= (t.version, t.ref, t.status, t.state_value, t.state_date, t.created, t.updated, t.closed,
		t.location, t.patrimony_uid, t.agency_uids, t.company_uid, t.call_center_uid, t.claim_number,
		t.call_purpose, t.call_purpose_folded, t.call_purpose_uid, t.caller, t.address, t.city_folded,
		t.request, t.instructions, t.report, t.contact_to_callback, t.additional_data, t.assignee,
		t.assignee_comment, t.assignee_instructions, t.assignee_provider_uid, t.service_order,
		t.intervention, t.updated_fields, t.free_commentaries, t.intervention_started,
		t.intervention_scheduled, t.intervention_deadline, t.formal_notice, t.first_reaction,
		t.first_accepted, t.first_provider_action, t.first_started, t.last_finished, t.provider_uids,
		t.search_folded, t.position)
	WHERE uid = t.uid;
END
$$;

RESET check_function_bodies;

-- One event is a run of one: the journal_append path and the rebuild
-- project tickets through the same code as batches.
CREATE OR REPLACE FUNCTION project_ticket(event jsonb, event_position bigint)
	RETURNS void
	LANGUAGE plpgsql
AS $$
BEGIN
	PERFORM project_ticket_events(ARRAY[event], ARRAY[event_position]);
END
$$;

-- Run by every lot address an import stores.  As a SQL function it was
-- parsed and planned again at each call (fmgr_sql under perf, 0.14 ms a
-- call); PL/pgSQL keeps the INSERT's plan for the session.
CREATE OR REPLACE FUNCTION insert_lot_address(lot uuid, address jsonb, event_position bigint)
	RETURNS void
	LANGUAGE plpgsql
AS $$
BEGIN
	INSERT INTO lot_addresses (uid, lot_uid, address, building_uid, lat, lng, geo_point,
			google_place_id, data_gouv_id, ordinal)
	VALUES ((address ->> 'uid')::uuid, lot, address, (address ->> 'building')::uuid,
		(address #>> '{geoLocation,lat}')::float8, (address #>> '{geoLocation,lng}')::float8,
		address_geo_point(address), address #>> '{checker,googlePlaceId}',
		address #>> '{checker,dataGouvAddressId}', event_position);
END
$$;

-- PostgreSQL 15 inlines a SQL function into its caller's plan only when the
-- function is not STRICT or its body is strict, which a CASE is not, and
-- when its body is no more volatile than declared (jsonb_build_object is
-- STABLE).  These helpers of every opened ticket so ran the SQL-function
-- executor at each call.  They lose STRICT and give NULL for NULL by
-- themselves, and the two that build objects are STABLE.
CREATE OR REPLACE FUNCTION ticket_display_name(name jsonb) RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
SELECT CASE WHEN name IS NULL THEN NULL
	WHEN name ->> 'nameType' = 'PoorName' THEN name ->> 'value'
	WHEN coalesce(name ->> 'firstName', '') = '' THEN name ->> 'lastName'
	ELSE (name ->> 'firstName') || ' ' || (name ->> 'lastName')
	END
$$;

CREATE OR REPLACE FUNCTION ticket_medium_view(medium jsonb) RETURNS jsonb
	LANGUAGE sql STABLE PARALLEL SAFE
AS $$
SELECT CASE WHEN medium IS NULL THEN NULL ELSE jsonb_build_object(
	'mediumType', CASE medium ->> 'contactMediumType'
		WHEN 'Phone' THEN 'PHONE' WHEN 'Fax' THEN 'FAX' WHEN 'Mail' THEN 'MAIL' ELSE 'SMS' END,
	'identifier', coalesce(medium ->> 'phone', medium ->> 'fax', medium ->> 'mail'))
	END
$$;

CREATE OR REPLACE FUNCTION ticket_caller_view(caller jsonb) RETURNS jsonb
	LANGUAGE sql STABLE PARALLEL SAFE
AS $$
SELECT CASE WHEN caller IS NULL THEN NULL
	WHEN caller ->> 'callerType' = 'HumanCaller' THEN jsonb_strip_nulls(jsonb_build_object(
		'name', ticket_display_name(caller -> 'name'),
		'medium', CASE WHEN caller ? 'medium'
			THEN jsonb_build_array(ticket_medium_view(caller -> 'medium')) ELSE '[]'::jsonb END,
		'comment', caller ->> 'comment'))
	ELSE jsonb_build_object('name', 'AutomatonCaller', 'medium', '[]'::jsonb)
	END
$$;

-- Appends COMMANDS, a JSON array of {kind, uid, version, events,
-- processUid, actor} in the order they were decided, each command's
-- events to the stream kind/uid expected at that version, and returns the
-- last position stored (NULL when the commands had no event).  A stale
-- version raises unique_violation (23505) as journal_append does, and any
-- failure leaves nothing of the batch.
CREATE FUNCTION journal_append_batch(commands jsonb)
	RETURNS bigint
	LANGUAGE plpgsql
AS $$
DECLARE
	stale record;
	positions bigint[];
	kinds text[];
	payloads jsonb[];
	step record;
BEGIN
	-- Each command expects the version its stream had after the commands
	-- before it in the batch, the first one of a stream its stored version.
	SELECT c.kind, c.uid, c.version, c.current INTO stale
	  FROM (SELECT x.kind, x.uid, x.version,
			coalesce(lag(x.version + x.count) OVER (PARTITION BY x.kind, x.uid ORDER BY x.n),
				(SELECT coalesce(max(e.version), 0) FROM events e
				  WHERE e.aggregate_type = x.kind AND e.aggregate_uid = x.uid)) AS current
		  FROM (SELECT item.command ->> 'kind' AS kind, (item.command ->> 'uid')::uuid AS uid,
				(item.command ->> 'version')::integer AS version,
				jsonb_array_length(item.command -> 'events') AS count, item.n
			  FROM jsonb_array_elements(commands) WITH ORDINALITY AS item (command, n)) x) c
	 WHERE c.version <> c.current
	 LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'aggregate % is at version %, expected %', stale.uid, stale.current, stale.version
			USING ERRCODE = 'unique_violation';
	END IF;

	-- One statement stores the events and the processed commands.  Positions
	-- are drawn in insertion order: command by command, event by event.
	WITH item AS (
		SELECT command, n FROM jsonb_array_elements(commands) WITH ORDINALITY AS x (command, n)),
	processed AS (
		INSERT INTO processed_commands (process_uid, user_uid, events)
		SELECT (item.command ->> 'processUid')::uuid, (item.command ->> 'actor')::uuid,
			item.command -> 'events'
		  FROM item ORDER BY item.n),
	stored AS (
		INSERT INTO events (aggregate_type, aggregate_uid, version, event_type,
				payload, process_uid, actor_uid)
		SELECT item.command ->> 'kind', (item.command ->> 'uid')::uuid,
				(item.command ->> 'version')::integer + event.ordinality::integer,
				event.payload ->> 'eventType', event.payload,
				(item.command ->> 'processUid')::uuid, (item.command ->> 'actor')::uuid
		  FROM item
		 CROSS JOIN LATERAL jsonb_array_elements(item.command -> 'events')
			WITH ORDINALITY AS event (payload, ordinality)
		 ORDER BY item.n, event.ordinality
		RETURNING events.position, events.aggregate_type, events.payload)
	SELECT array_agg(s.position ORDER BY s.position), array_agg(s.aggregate_type ORDER BY s.position),
		array_agg(s.payload ORDER BY s.position)
	  INTO positions, kinds, payloads
	  FROM stored s;

	-- In position order, each event through project(), except the events
	-- of a run of consecutive ticket events, which are grouped by ticket.
	-- Each group comes at the place of its first event, so it stays after
	-- every event before the run and before every event after it.
	IF array_length(positions, 1) = 1 OR NOT 'ticket' = ANY (kinds) THEN
		FOR i IN 1 .. coalesce(array_length(positions, 1), 0) LOOP
			PERFORM project(kinds[i], payloads[i], positions[i]);
		END LOOP;
	ELSE
		FOR step IN
			SELECT g.kind, array_agg(g.payload ORDER BY g.position) AS payloads,
				array_agg(g.position ORDER BY g.position) AS positions
			  FROM (SELECT x.kind, x.payload, x.position,
					count(*) FILTER (WHERE x.kind <> 'ticket') OVER (ORDER BY x.position) AS run,
					CASE WHEN x.kind = 'ticket' THEN x.payload ->> 'aggregateUid'
						ELSE x.position::text END AS grouping_key
				  FROM unnest(positions, kinds, payloads) AS x (position, kind, payload)) g
			 GROUP BY g.run, g.kind, g.grouping_key
			 ORDER BY min(g.position)
		LOOP
			IF step.kind = 'ticket' THEN
				PERFORM project_ticket_events(step.payloads, step.positions);
			ELSE
				PERFORM project(step.kind, step.payloads[1], step.positions[1]);
			END IF;
		END LOOP;
	END IF;

	-- PostgreSQL delivers identical notifications of one transaction once
	-- (NOTIFY in its manual), so one call does what one per command did.
	PERFORM pg_notify('perfimmo_events', current_schema());
	RETURN positions[array_upper(positions, 1)];
END
$$;

DO $$
BEGIN
	EXECUTE format('GRANT EXECUTE ON FUNCTION journal_append_batch(jsonb) TO %I',
		current_setting('perfimmo.tenant_role'));
END
$$;
