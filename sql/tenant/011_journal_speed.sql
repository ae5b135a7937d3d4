-- Cheaper appends.  Every command of a tenant runs journal_append and the
-- projection of its events while it holds the tenant's command lock, so
-- their cost bounds how many commands per second one tenant can store.
-- Nothing here changes what is stored or projected, only the work done:
--
--  - project() calls the projection of each aggregate kind directly
--    instead of through EXECUTE format(), which parsed and planned a new
--    statement for every event;
--  - journal_append takes the positions and payloads from its INSERT
--    instead of reading the command's events back twice;
--  - the small SQL helpers of the ticket projection become inlinable
--    (PostgreSQL 15 does not inline a STRICT SQL function whose body is a
--    CASE or an IN list), where each call ran the SQL-function executor;
--  - the ticket projection folds its search text again only when one of
--    the texts it is made of changed, and reads provider uids only from
--    events that name one.

CREATE OR REPLACE FUNCTION project(aggregate_kind text, event jsonb, event_position bigint)
	RETURNS void
	LANGUAGE plpgsql
AS $$
BEGIN
	-- The kinds of the CHECK constraint of events.aggregate_type.
	CASE aggregate_kind
	WHEN 'ticket' THEN
		PERFORM project_ticket(event, event_position);
	WHEN 'company' THEN
		PERFORM project_company(event, event_position);
	WHEN 'patrimony' THEN
		PERFORM project_patrimony(event, event_position);
		PERFORM ticket_follow_references(aggregate_kind, event);
	WHEN 'lot' THEN
		PERFORM project_lot(event, event_position);
	WHEN 'providerContact' THEN
		PERFORM project_providercontact(event, event_position);
		PERFORM ticket_follow_references(aggregate_kind, event);
	WHEN 'user' THEN
		PERFORM project_user(event, event_position);
	END CASE;
END
$$;

CREATE OR REPLACE FUNCTION journal_append(aggregate_kind text, aggregate uuid,
		expected_version integer, new_events jsonb, command uuid, actor uuid)
	RETURNS TABLE (event_position bigint, event_payload text)
	LANGUAGE plpgsql
AS $$
DECLARE
	current_version integer;
	positions bigint[];
	payloads jsonb[];
BEGIN
	SELECT coalesce(max(e.version), 0) INTO current_version
	  FROM events e WHERE e.aggregate_type = aggregate_kind AND e.aggregate_uid = aggregate;
	IF current_version <> expected_version THEN
		RAISE EXCEPTION 'aggregate % is at version %, expected %',
			aggregate, current_version, expected_version
			USING ERRCODE = 'unique_violation';
	END IF;

	-- One statement inserts every event, so the projections below see all
	-- of them, as they did when the events were read back.
	WITH stored AS (
		INSERT INTO events (aggregate_type, aggregate_uid, version, event_type,
				payload, process_uid, actor_uid)
		SELECT aggregate_kind, aggregate, expected_version + item.ordinality::integer,
				item.event ->> 'eventType', item.event, command, actor
		  FROM jsonb_array_elements(new_events) WITH ORDINALITY AS item (event, ordinality)
		 ORDER BY item.ordinality
		RETURNING events.position, events.payload)
	SELECT array_agg(s.position ORDER BY s.position), array_agg(s.payload ORDER BY s.position)
	  INTO positions, payloads FROM stored s;

	INSERT INTO processed_commands (process_uid, user_uid, events)
	VALUES (command, actor, new_events);

	FOR i IN 1 .. coalesce(array_length(positions, 1), 0) LOOP
		PERFORM project(aggregate_kind, payloads[i], positions[i]);
	END LOOP;

	PERFORM pg_notify('perfimmo_events', current_schema());

	FOR i IN 1 .. coalesce(array_length(positions, 1), 0) LOOP
		event_position := positions[i];
		event_payload := payloads[i]::text;
		RETURN NEXT;
	END LOOP;
END
$$;

-- The same results for every input, NULL included (NULL in, NULL out).
ALTER FUNCTION ticket_is_closing(text) CALLED ON NULL INPUT;
ALTER FUNCTION ticket_is_state_changing(text) CALLED ON NULL INPUT;
ALTER FUNCTION ticket_business_date(jsonb) CALLED ON NULL INPUT;

SET LOCAL check_function_bodies = off;

-- The unfolded texts that ticket_search_text folds.
CREATE FUNCTION ticket_search_source(t anyelement) RETURNS text
	LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
	RETURN concat_ws(E'\n', t.ref, t.request, t.call_purpose, t.caller ->> 'name',
		t.address ->> 'street', t.address ->> 'zipCode', t.address ->> 'city',
		CASE WHEN t.assignee ->> 'assigneeType' = 'AnonymousAssignee'
			THEN ticket_display_name(t.assignee -> 'name') END,
		(SELECT string_agg(value, E'\n') FROM jsonb_each_text(t.additional_data)));
END
$$;

CREATE OR REPLACE FUNCTION ticket_search_text(t anyelement) RETURNS text
	LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
	RETURN perfimmo_ext.fold(ticket_search_source(t));
END
$$;

-- Applies one event of the ticket stream to the row T, except its
-- search_folded.
CREATE OR REPLACE FUNCTION ticket_apply(t anyelement, event jsonb) RETURNS anyelement
	LANGUAGE plpgsql STABLE
AS $$
DECLARE
	kind text := event ->> 'eventType';
	at timestamptz := ticket_business_date(event);
	sent timestamptz := (event ->> 'sentDate')::timestamptz;
	fields jsonb;
BEGIN
	IF kind IN ('TicketOpened', 'TicketUpdated') THEN
		t := ticket_with_location(t, event -> 'locationRef');
		t := ticket_with_infos(t, event -> 'ticket');
		t.created := (event ->> 'openedDate')::timestamptz;
		IF kind = 'TicketUpdated' THEN
			t.updated_fields := ticket_field_updated(t.updated_fields, 'ticket', sent);
		END IF;
	END IF;

	IF kind = 'TicketOpened' OR kind = 'TicketReopened' THEN
		t.status := 'OPENED';
		t.closed := NULL;
	ELSIF ticket_is_closing(kind) THEN
		t.status := 'CLOSED';
		t.closed := at;
		IF event ? 'report' THEN
			t.report := event ->> 'report';
		END IF;
	END IF;
	IF ticket_is_state_changing(kind) THEN
		t.state_value := kind;
		t.state_date := at;
	END IF;

	CASE kind
	WHEN 'AssigneeIdentified' THEN
		t.assignee := event -> 'assignee';
		t.assignee_comment := event ->> 'comment';
		t.assignee_instructions := NULL;
		t.assignee_provider_uid := CASE WHEN t.assignee ->> 'assigneeType' = 'ReferencedProviderContact'
			THEN (t.assignee ->> 'providerUid')::uuid END;
	WHEN 'InstructionsForAssigneeDefined' THEN
		t.assignee_instructions := event ->> 'instructions';
	WHEN 'SendingServiceOrderReported' THEN
		t.service_order := jsonb_build_object('ref', event ->> 'ref', 'sendingDate', event ->> 'sendingDate');
	WHEN 'InterventionScheduled' THEN
		t.intervention_scheduled := jsonb_build_object('startDate', event ->> 'startDate',
			'endDate', event ->> 'endDate');
	WHEN 'InterventionDeadlineDefined' THEN
		t.intervention_deadline := (event ->> 'deadline')::timestamptz;
	WHEN 'FormalNoticeForProviderReported' THEN
		t.intervention_deadline := (event ->> 'deadline')::timestamptz;
		t.formal_notice := jsonb_build_object('date', event ->> 'reportDate', 'deadline', event ->> 'deadline');
	WHEN 'InterventionAccepted' THEN
		t.first_accepted := coalesce(t.first_accepted, at);
	WHEN 'InterventionStarted' THEN
		t.intervention_started := at;
		t.first_started := coalesce(t.first_started, at);
	WHEN 'InterventionFinished' THEN
		t.last_finished := at;
	WHEN 'MessageAdded' THEN
		t.free_commentaries := t.free_commentaries || jsonb_build_array(jsonb_build_object(
			'processUid', event ->> 'processUid', 'date', event ->> 'messageAddedDate',
			'message', event ->> 'message'));
	WHEN 'TicketInformationsCorrected' THEN
		fields := event -> 'fieldsCorrected';
		IF fields ? 'request' THEN
			t.request := fields ->> 'request';
			t.updated_fields := ticket_field_updated(t.updated_fields, 'request', at);
		END IF;
		IF fields ? 'instructions' THEN
			t.instructions := fields ->> 'instructions';
			t.updated_fields := ticket_field_updated(t.updated_fields, 'instructions', at);
		END IF;
		IF fields ? 'closingReport' THEN
			t.report := fields ->> 'closingReport';
			t.updated_fields := ticket_field_updated(t.updated_fields, 'closingReport', at);
		END IF;
	WHEN 'TicketEventInformationsCorrected' THEN
		SELECT coalesce(jsonb_agg(CASE WHEN c ->> 'processUid' = event ->> 'targetedEvent'
				THEN jsonb_set(c, '{message}', to_jsonb(event ->> 'text')) ELSE c END ORDER BY n), '[]')
		  INTO t.free_commentaries
		  FROM jsonb_array_elements(t.free_commentaries) WITH ORDINALITY AS x (c, n);
	WHEN 'OpeningTicketPurposeCorrected' THEN
		t.call_purpose := event ->> 'otpLabel';
		t.call_purpose_folded := perfimmo_ext.fold(t.call_purpose);
		t.call_purpose_uid := event ->> 'otpUid';
		t.updated_fields := ticket_field_updated(t.updated_fields, 'openingTicketPurpose', sent);
	WHEN 'LocationReferenceCorrected' THEN
		t := ticket_with_location(t, event -> 'locationReference');
		t.address := event -> 'address';
		t.city_folded := perfimmo_ext.fold(t.address ->> 'city');
		t.updated_fields := ticket_field_updated(t.updated_fields, 'address', sent);
		t.updated_fields := ticket_field_updated(t.updated_fields, 'locationReference', sent);
	WHEN 'CallerCorrected' THEN
		t.caller := ticket_caller_view(event -> 'caller');
		t.updated_fields := ticket_field_updated(t.updated_fields, 'caller', sent);
	ELSE
	END CASE;

	IF kind IN ('InterventionStarted', 'ArrivedOnSite', 'InterventionFinished', 'GoneFromSite') THEN
		t.intervention := true;
		t.first_provider_action := least(t.first_provider_action, at);
	END IF;
	IF ticket_is_closing(kind) OR kind IN ('CallEmittedTo', 'AssigneeIdentified',
			'InterventionRequested', 'SendingServiceOrderReported') THEN
		t.first_reaction := least(t.first_reaction, at);
	END IF;

	-- provider_uids is always the sorted distinct list this statement makes,
	-- so an event that names no provider leaves it as it is.
	IF jsonb_path_exists(event, 'lax $.**.providerUid') THEN
		SELECT coalesce(array_agg(DISTINCT u), '{}') INTO t.provider_uids
		  FROM (SELECT unnest(t.provider_uids) AS u
			UNION SELECT (jsonb_path_query(event, 'lax $.**.providerUid') #>> '{}')::uuid) x;
	END IF;

	-- search_folded is left to project_ticket, which folds again only when
	-- the searchable texts changed.
	t.updated := sent;
	RETURN t;
END
$$;

RESET check_function_bodies;

CREATE OR REPLACE FUNCTION project_ticket(event jsonb, event_position bigint)
	RETURNS void
	LANGUAGE plpgsql
AS $$
DECLARE
	t tickets;
	source_before text;
	source_after text;
BEGIN
	IF event ->> 'eventType' = 'TicketOpened' THEN
		t.uid := (event ->> 'aggregateUid')::uuid;
		t.version := 0;
		t.intervention := false;
		t.updated_fields := '[]';
		t.free_commentaries := '[]';
		t.provider_uids := '{}';
	ELSE
		SELECT * INTO STRICT t FROM tickets WHERE uid = (event ->> 'aggregateUid')::uuid;
		source_before := ticket_search_source(t);
	END IF;

	t := ticket_apply(t, event);
	t.version := t.version + 1;
	t.position := event_position;

	-- The stored search_folded is the fold of source_before, so folding an
	-- unchanged text again would only give the same value.
	source_after := ticket_search_source(t);
	IF t.search_folded IS NULL OR source_after IS DISTINCT FROM source_before THEN
		t.search_folded := perfimmo_ext.fold(source_after);
	END IF;

	IF t.version = 1 THEN
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
