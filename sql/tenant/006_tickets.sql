-- Read model of tickets, fed by project_ticket() from the ticket stream
-- (status, state, derived fields, statistics inputs), and the facts of other
-- aggregates that ticket views show.
--
-- ticket_patrimony_refs and ticket_contact_refs are folded from the
-- patrimony and providerContact streams of the journal each time project()
-- applies one of their events, so they depend on no other read model, and a
-- rebuild, which replays the journal through project(), fills them too.
-- A patrimony's agency changes also move the agencies of its tickets, which
-- are always the patrimony's current ones.

-- ---------------------------------------------------------------- helpers

-- DateTime output form of the API: UTC with milliseconds.
CREATE FUNCTION ticket_iso(at timestamptz) RETURNS text
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$;

-- The business date of a ticket event: the date it reports, or sentDate for
-- the events that have none.
CREATE FUNCTION ticket_business_date(event jsonb) RETURNS timestamptz
	LANGUAGE sql STABLE STRICT PARALLEL SAFE
AS $$
SELECT (CASE event ->> 'eventType'
	WHEN 'TicketOpened' THEN event ->> 'openedDate'
	WHEN 'LogTrialAdded' THEN event ->> 'logTrialAddedDate'
	WHEN 'MessageAdded' THEN event ->> 'messageAddedDate'
	WHEN 'SendingServiceOrderReported' THEN event ->> 'reportDate'
	WHEN 'FormalNoticeForProviderReported' THEN event ->> 'reportDate'
	WHEN 'InterventionStarted' THEN event ->> 'startedDate'
	WHEN 'InterventionFinished' THEN event ->> 'finishedDate'
	WHEN 'TicketCancelled' THEN event ->> 'date'
	WHEN 'TicketUpdated' THEN event ->> 'sentDate'
	WHEN 'AccessRestrictedToTicket' THEN event ->> 'sentDate'
	WHEN 'InstructionsForAssigneeDefined' THEN event ->> 'sentDate'
	WHEN 'NotificationForInterventionAcceptedRequested' THEN event ->> 'sentDate'
	WHEN 'OpeningTicketPurposeCorrected' THEN event ->> 'sentDate'
	WHEN 'LocationReferenceCorrected' THEN event ->> 'sentDate'
	WHEN 'CallerCorrected' THEN event ->> 'sentDate'
	ELSE coalesce(event ->> 'closingDate', event ->> 'date', event ->> 'sentDate')
	END)::timestamptz
$$;

CREATE FUNCTION ticket_is_closing(kind text) RETURNS boolean
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
SELECT kind IN ('TicketClosed', 'PermanentlyFixed', 'PartiallyFixed',
	'TicketClosedImpossibleRepair', 'PostponedFix', 'TicketCancelled', 'TicketArchived',
	'ClosedBeyondCallCenterScope', 'ClosedAfterSeveralUnsuccessfulRecalls')
$$;

-- The 23 events that set `state`: the lifecycle milestones.
CREATE FUNCTION ticket_is_state_changing(kind text) RETURNS boolean
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
SELECT ticket_is_closing(kind) OR kind IN ('TicketOpened', 'TicketReopened',
	'AssigneeIdentified', 'InterventionRequested', 'SendingServiceOrderReported',
	'InterventionScheduled', 'InterventionDeadlineDefined', 'FormalNoticeForProviderReported',
	'InterventionAccepted', 'InterventionRefused', 'ArrivedOnSite', 'InterventionStarted',
	'InterventionFinished', 'GoneFromSite')
$$;

-- The display name of a Name: the value, or "firstName lastName".
CREATE FUNCTION ticket_display_name(name jsonb) RETURNS text
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
SELECT CASE name ->> 'nameType'
	WHEN 'PoorName' THEN name ->> 'value'
	ELSE CASE WHEN coalesce(name ->> 'firstName', '') = '' THEN name ->> 'lastName'
		ELSE (name ->> 'firstName') || ' ' || (name ->> 'lastName') END
	END
$$;

-- ContactMediumView of a ContactMedium.
CREATE FUNCTION ticket_medium_view(medium jsonb) RETURNS jsonb
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
SELECT jsonb_build_object(
	'mediumType', CASE medium ->> 'contactMediumType'
		WHEN 'Phone' THEN 'PHONE' WHEN 'Fax' THEN 'FAX' WHEN 'Mail' THEN 'MAIL' ELSE 'SMS' END,
	'identifier', coalesce(medium ->> 'phone', medium ->> 'fax', medium ->> 'mail'))
$$;

-- CallerTicketDetailedQueryView of a CallerType; lists drop `comment`.
CREATE FUNCTION ticket_caller_view(caller jsonb) RETURNS jsonb
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
SELECT CASE caller ->> 'callerType'
	WHEN 'HumanCaller' THEN jsonb_strip_nulls(jsonb_build_object(
		'name', ticket_display_name(caller -> 'name'),
		'medium', CASE WHEN caller ? 'medium'
			THEN jsonb_build_array(ticket_medium_view(caller -> 'medium')) ELSE '[]'::jsonb END,
		'comment', caller ->> 'comment'))
	ELSE jsonb_build_object('name', 'AutomatonCaller', 'medium', '[]'::jsonb)
	END
$$;

-- ---------------------------------------------------------------- references

CREATE TABLE ticket_patrimony_refs (
	uid uuid PRIMARY KEY,
	ref text NOT NULL,
	label text,
	agency_uids uuid[] NOT NULL,
	search_folded text NOT NULL	-- fold(label) and fold(ref), for fulltext
);

CREATE TABLE ticket_contact_refs (
	uid uuid PRIMARY KEY,
	label text NOT NULL,
	label_folded text NOT NULL,
	phones jsonb NOT NULL,
	fax jsonb NOT NULL,
	emails jsonb NOT NULL
);

-- Folds one patrimony stream into ticket_patrimony_refs.
CREATE FUNCTION ticket_refresh_patrimony(patrimony uuid) RETURNS void
	LANGUAGE plpgsql
AS $$
DECLARE
	e jsonb;
	p_ref text;
	p_label text;
	p_agencies uuid[] := '{}';
	seen boolean := false;
BEGIN
	FOR e IN SELECT payload FROM events
		  WHERE aggregate_type = 'patrimony' AND aggregate_uid = patrimony ORDER BY version
	LOOP
		CASE e ->> 'eventType'
		WHEN 'PatrimonyReferenced' THEN
			seen := true;
			p_ref := e ->> 'ref';
			p_label := e ->> 'label';
			SELECT coalesce(array_agg(a::uuid ORDER BY n), '{}') INTO p_agencies
			  FROM jsonb_array_elements_text(e -> 'agencies') WITH ORDINALITY AS x (a, n);
		WHEN 'PatrimonyUpdated' THEN
			p_ref := e ->> 'ref';
			p_label := e ->> 'label';
		WHEN 'PatrimonyAssociatedInAgency' THEN
			IF NOT (e ->> 'agencyUid')::uuid = ANY (p_agencies) THEN
				p_agencies := p_agencies || (e ->> 'agencyUid')::uuid;
			END IF;
		WHEN 'PatrimonyDissociatedFromAgency' THEN
			p_agencies := array_remove(p_agencies, (e ->> 'agencyUid')::uuid);
		ELSE
		END CASE;
	END LOOP;
	IF NOT seen THEN
		RETURN;
	END IF;
	INSERT INTO ticket_patrimony_refs (uid, ref, label, agency_uids, search_folded)
	VALUES (patrimony, p_ref, p_label, p_agencies,
		perfimmo_ext.fold(coalesce(p_label, '') || E'\n' || p_ref))
	ON CONFLICT (uid) DO UPDATE SET ref = EXCLUDED.ref, label = EXCLUDED.label,
		agency_uids = EXCLUDED.agency_uids, search_folded = EXCLUDED.search_folded;
END
$$;

-- Folds one provider contact stream into ticket_contact_refs.
CREATE FUNCTION ticket_refresh_contact(contact uuid) RETURNS void
	LANGUAGE plpgsql
AS $$
DECLARE
	e jsonb;
	last jsonb;
BEGIN
	SELECT payload INTO last FROM events
	 WHERE aggregate_type = 'providerContact' AND aggregate_uid = contact
	   AND event_type IN ('ProviderContactAdded', 'ProviderContactUpdated')
	 ORDER BY version DESC LIMIT 1;
	IF last IS NULL THEN
		RETURN;
	END IF;
	e := last;
	INSERT INTO ticket_contact_refs (uid, label, label_folded, phones, fax, emails)
	VALUES (contact, ticket_display_name(e -> 'name'),
		perfimmo_ext.fold(ticket_display_name(e -> 'name')),
		coalesce(e -> 'phones', '[]'), coalesce(e -> 'fax', '[]'), coalesce(e -> 'emails', '[]'))
	ON CONFLICT (uid) DO UPDATE SET label = EXCLUDED.label, label_folded = EXCLUDED.label_folded,
		phones = EXCLUDED.phones, fax = EXCLUDED.fax, emails = EXCLUDED.emails;
END
$$;

-- ---------------------------------------------------------------- tickets

CREATE TABLE tickets (
	uid uuid PRIMARY KEY,
	version integer NOT NULL,
	ref text NOT NULL,
	status text NOT NULL CHECK (status IN ('OPENED', 'CLOSED')),
	state_value text,
	state_date timestamptz,
	created timestamptz NOT NULL,
	updated timestamptz NOT NULL,
	closed timestamptz,

	location jsonb NOT NULL,		-- LocationReference
	patrimony_uid uuid,
	agency_uids uuid[] NOT NULL,
	company_uid uuid,
	call_center_uid uuid,

	claim_number jsonb NOT NULL,
	call_purpose text NOT NULL,
	call_purpose_folded text NOT NULL,
	call_purpose_uid text,
	caller jsonb NOT NULL,			-- CallerTicketDetailedQueryView
	address jsonb NOT NULL,			-- BasicAddress
	city_folded text NOT NULL,
	request text NOT NULL,
	instructions text,
	report text,
	contact_to_callback jsonb,
	additional_data jsonb NOT NULL,

	assignee jsonb,				-- TicketAssignee of the last AssigneeIdentified
	assignee_comment text,
	assignee_instructions text,
	assignee_provider_uid uuid,
	service_order jsonb,
	intervention boolean NOT NULL,
	updated_fields jsonb NOT NULL,		-- Array[FieldUpdated]
	free_commentaries jsonb NOT NULL,	-- [{processUid, date, message}]

	intervention_started timestamptz,	-- journalAdditionalInfos
	intervention_scheduled jsonb,
	intervention_deadline timestamptz,
	formal_notice jsonb,

	first_reaction timestamptz,		-- statistics inputs
	first_accepted timestamptz,
	first_provider_action timestamptz,
	first_started timestamptz,
	last_finished timestamptz,

	provider_uids uuid[] NOT NULL,		-- contacts named as assignee or provider
	search_folded text NOT NULL,		-- fold of the ticket's own searchable texts
	position bigint NOT NULL
) WITH (fillfactor = 80);

CREATE INDEX tickets_created ON tickets (created DESC, uid);
CREATE INDEX tickets_status_created ON tickets (status, created DESC, uid);
CREATE INDEX tickets_agencies ON tickets USING gin (agency_uids);
CREATE INDEX tickets_patrimony ON tickets (patrimony_uid);
CREATE INDEX tickets_company ON tickets (company_uid, created DESC);
CREATE INDEX tickets_call_center ON tickets (call_center_uid, created DESC);
-- Equality filters on free text use hash indexes: a btree entry is bounded.
CREATE INDEX tickets_city ON tickets USING hash (city_folded);
CREATE INDEX tickets_call_purpose ON tickets USING hash (call_purpose_folded);
CREATE INDEX tickets_assignee ON tickets (assignee_provider_uid);
CREATE INDEX tickets_providers ON tickets USING gin (provider_uids);
CREATE INDEX tickets_search ON tickets USING gin (search_folded perfimmo_ext.gin_trgm_ops);

-- The ticket event feed reads ticket events by sentDate (UTC text sorts as time).
CREATE INDEX events_ticket_sent ON events ((payload ->> 'sentDate'), position)
	WHERE aggregate_type = 'ticket';

-- The functions that build a ticket row take it as anyelement: a rebuild
-- replays the projection into a copy of the tickets table, whose row type
-- is not the live table's.  PL/pgSQL compiles them for each row type at
-- their first call, so their fields cannot be checked at creation.
SET LOCAL check_function_bodies = off;

-- Location: agencies (an agency, or the patrimony's current ones), company, call center.
CREATE FUNCTION ticket_with_location(t anyelement, loc jsonb) RETURNS anyelement
	LANGUAGE plpgsql STABLE
AS $$
BEGIN
	t.location := loc;
	IF loc ->> 'locationReferenceType' = 'PatrimonyLocation' THEN
		t.patrimony_uid := (loc ->> 'patrimonyUid')::uuid;
		SELECT coalesce((SELECT agency_uids FROM ticket_patrimony_refs WHERE uid = t.patrimony_uid), '{}')
		  INTO t.agency_uids;
	ELSE
		t.patrimony_uid := NULL;
		t.agency_uids := ARRAY[(loc ->> 'agencyUid')::uuid];
	END IF;
	SELECT a.company_uid, c.call_center_uid INTO t.company_uid, t.call_center_uid
	  FROM agencies a JOIN companies c ON c.uid = a.company_uid
	 WHERE a.uid = ANY (t.agency_uids) LIMIT 1;
	RETURN t;
END
$$;

-- TicketInfos of TicketOpened / TicketUpdated.
CREATE FUNCTION ticket_with_infos(t anyelement, infos jsonb) RETURNS anyelement
	LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
	t.claim_number := coalesce(infos -> 'claimNumber', '{}');
	t.ref := coalesce(t.claim_number ->> 'clientClaimNumber',
		t.claim_number ->> 'callCenterClaimNumber', t.uid::text);
	t.call_purpose := infos ->> 'callPurposeLabel';
	t.call_purpose_folded := perfimmo_ext.fold(t.call_purpose);
	t.call_purpose_uid := infos ->> 'callPurposeUid';
	t.caller := ticket_caller_view(infos -> 'caller');
	t.address := infos -> 'address';
	t.city_folded := perfimmo_ext.fold(t.address ->> 'city');
	t.request := infos ->> 'request';
	t.instructions := infos ->> 'instructions';
	t.contact_to_callback := infos -> 'contactToCallback';
	t.additional_data := jsonb_strip_nulls(coalesce(infos -> 'additionalData', '{}'));
	RETURN t;
END
$$;

-- Adds the date AT to the entry of FIELD in updatedFields (dates ascending).
CREATE FUNCTION ticket_field_updated(fields jsonb, field text, at timestamptz) RETURNS jsonb
	LANGUAGE sql IMMUTABLE
AS $$
SELECT CASE WHEN EXISTS (SELECT 1 FROM jsonb_array_elements(fields) f WHERE f ->> 'field' = field)
	THEN (SELECT jsonb_agg(CASE WHEN f ->> 'field' = field
		THEN jsonb_build_object('field', field, 'updatedDates',
			(SELECT jsonb_agg(d ORDER BY d) FROM (
				SELECT jsonb_array_elements_text(f -> 'updatedDates') AS d
				UNION ALL SELECT ticket_iso(at)) dates))
		ELSE f END ORDER BY n)
		FROM jsonb_array_elements(fields) WITH ORDINALITY AS x (f, n))
	ELSE fields || jsonb_build_array(jsonb_build_object('field', field,
		'updatedDates', jsonb_build_array(ticket_iso(at))))
	END
$$;

-- The ticket's own texts for fulltext search. Agency,
-- patrimony and contact names are matched through their own tables.
CREATE FUNCTION ticket_search_text(t anyelement) RETURNS text
	LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
	RETURN perfimmo_ext.fold(concat_ws(E'\n', t.ref, t.request, t.call_purpose, t.caller ->> 'name',
		t.address ->> 'street', t.address ->> 'zipCode', t.address ->> 'city',
		CASE WHEN t.assignee ->> 'assigneeType' = 'AnonymousAssignee'
			THEN ticket_display_name(t.assignee -> 'name') END,
		(SELECT string_agg(value, E'\n') FROM jsonb_each_text(t.additional_data))));
END
$$;

-- Applies one event of the ticket stream to the row T.
CREATE FUNCTION ticket_apply(t anyelement, event jsonb) RETURNS anyelement
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

	SELECT coalesce(array_agg(DISTINCT u), '{}') INTO t.provider_uids
	  FROM (SELECT unnest(t.provider_uids) AS u
		UNION SELECT (jsonb_path_query(event, 'lax $.**.providerUid') #>> '{}')::uuid) x;

	t.updated := sent;
	t.search_folded := ticket_search_text(t);
	RETURN t;
END
$$;

RESET check_function_bodies;

CREATE FUNCTION project_ticket(event jsonb, event_position bigint)
	RETURNS void
	LANGUAGE plpgsql
AS $$
DECLARE
	t tickets;
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
	END IF;

	t := ticket_apply(t, event);
	t.version := t.version + 1;
	t.position := event_position;

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

-- Follows the other streams a ticket view depends on: the contact labels
-- and lists, and the patrimony's ref, label and agencies, which also move
-- the agencies of its tickets.
CREATE FUNCTION ticket_follow_references(aggregate_kind text, event jsonb)
	RETURNS void
	LANGUAGE plpgsql
AS $$
DECLARE
	aggregate uuid := (event ->> 'aggregateUid')::uuid;
BEGIN
	IF aggregate_kind = 'providerContact' THEN
		PERFORM ticket_refresh_contact(aggregate);
		RETURN;
	END IF;

	PERFORM ticket_refresh_patrimony(aggregate);
	IF event ->> 'eventType' IN ('PatrimonyAssociatedInAgency', 'PatrimonyDissociatedFromAgency') THEN
		UPDATE tickets t SET agency_uids = p.agency_uids
		  FROM ticket_patrimony_refs p
		 WHERE p.uid = aggregate AND t.patrimony_uid = p.uid;
	END IF;
END
$$;

-- project() as journal_append and the rebuild replay call it, now also
-- following the patrimony and provider contact streams for ticket views.
CREATE OR REPLACE FUNCTION project(aggregate_kind text, event jsonb, event_position bigint)
	RETURNS void
	LANGUAGE plpgsql
AS $$
BEGIN
	EXECUTE format('SELECT project_%s($1, $2)', lower(aggregate_kind))
		USING event, event_position;
	IF aggregate_kind IN ('patrimony', 'providerContact') THEN
		PERFORM ticket_follow_references(aggregate_kind, event);
	END IF;
END
$$;

-- Folds every patrimony and contact stream again, then the ticket agencies:
-- run once below, for the streams stored before this migration.
CREATE FUNCTION ticket_refresh_references() RETURNS void
	LANGUAGE plpgsql
AS $$
BEGIN
	PERFORM ticket_refresh_patrimony(uid)
	   FROM (SELECT DISTINCT aggregate_uid AS uid FROM events WHERE aggregate_type = 'patrimony') p;
	PERFORM ticket_refresh_contact(uid)
	   FROM (SELECT DISTINCT aggregate_uid AS uid FROM events WHERE aggregate_type = 'providerContact') c;
	UPDATE tickets t SET agency_uids = p.agency_uids
	  FROM ticket_patrimony_refs p WHERE t.patrimony_uid = p.uid;
END
$$;

-- ---------------------------------------------------------------- views

-- Array[AgencyAbstract] of the ticket's agencies, in the ticket's order.
CREATE FUNCTION ticket_agencies_view(agency_uids uuid[]) RETURNS jsonb
	LANGUAGE sql STABLE
AS $$
SELECT coalesce(jsonb_agg(jsonb_build_object('uid', a.uid, 'name', a.label) ORDER BY x.n), '[]')
  FROM unnest(agency_uids) WITH ORDINALITY AS x (uid, n)
  JOIN agencies a ON a.uid = x.uid
$$;

-- PatrimonyAbstract: name is the label, or the ref when there is no label.
CREATE FUNCTION ticket_patrimony_view(patrimony uuid) RETURNS jsonb
	LANGUAGE sql STABLE
AS $$
SELECT jsonb_build_object('uid', p.uid, 'name', coalesce(p.label, p.ref), 'ref', p.ref)
  FROM ticket_patrimony_refs p WHERE p.uid = patrimony
$$;

-- TicketAssigneeQueryView of the identified assignee; a contact shows its current state.
CREATE FUNCTION ticket_assignee_view(t tickets) RETURNS jsonb
	LANGUAGE sql STABLE
AS $$
SELECT CASE WHEN t.assignee IS NULL THEN NULL
	WHEN t.assignee_provider_uid IS NOT NULL THEN jsonb_strip_nulls(jsonb_build_object(
		'uid', t.assignee_provider_uid,
		'name', coalesce(c.label, ''),
		'phones', coalesce(c.phones, '[]'), 'fax', coalesce(c.fax, '[]'),
		'emails', coalesce(c.emails, '[]'),
		'instructionsForAssignee', t.assignee_instructions,
		'comment', t.assignee_comment,
		'assigneeType', 'ProviderContact'))
	ELSE jsonb_strip_nulls(jsonb_build_object(
		'name', ticket_display_name(t.assignee -> 'name'),
		'phones', coalesce(t.assignee -> 'phones', '[]'), 'fax', coalesce(t.assignee -> 'fax', '[]'),
		'emails', coalesce(t.assignee -> 'emails', '[]'),
		'instructionsForAssignee', t.assignee_instructions,
		'comment', t.assignee_comment,
		'assigneeType', 'Anonymous'))
	END
  FROM (SELECT 1) one
  LEFT JOIN ticket_contact_refs c ON c.uid = t.assignee_provider_uid
$$;

CREATE FUNCTION ticket_state_view(t tickets) RETURNS jsonb
	LANGUAGE sql IMMUTABLE
AS $$
SELECT CASE WHEN t.state_value IS NULL THEN NULL
	ELSE jsonb_build_object('value', t.state_value, 'date', ticket_iso(t.state_date)) END
$$;

-- Milliseconds from A to B, or NULL when either is missing or B is before A.
CREATE FUNCTION ticket_duration(a timestamptz, b timestamptz) RETURNS bigint
	LANGUAGE sql IMMUTABLE
AS $$
SELECT CASE WHEN a IS NULL OR b IS NULL OR b < a THEN NULL
	ELSE (extract(epoch FROM b - a) * 1000)::bigint END
$$;

-- DetailedTicketStats, each value omitted when not computable or negative.
CREATE FUNCTION ticket_stats_view(t tickets) RETURNS jsonb
	LANGUAGE sql IMMUTABLE
AS $$
SELECT jsonb_strip_nulls(jsonb_build_object(
	'callCenterReactionTime', ticket_duration(t.created, t.first_reaction),
	'transmissionTime', ticket_duration(t.created, t.first_accepted),
	'interventionResponseTime', ticket_duration(t.created, t.first_provider_action),
	'interventionDuration', ticket_duration(t.first_started, t.last_finished),
	'repairTime', ticket_duration(t.created, t.last_finished)))
$$;

-- TicketQueryView, the item of the ticket list.
CREATE FUNCTION ticket_query_view(t tickets) RETURNS jsonb
	LANGUAGE sql STABLE
AS $$
SELECT jsonb_strip_nulls(jsonb_build_object(
	'uid', t.uid,
	'ref', t.ref,
	'agencies', ticket_agencies_view(t.agency_uids),
	'patrimony', ticket_patrimony_view(t.patrimony_uid),
	'status', t.status,
	'state', ticket_state_view(t),
	'created', ticket_iso(t.created),
	'updated', ticket_iso(t.updated),
	'closed', ticket_iso(t.closed),
	'openingTicketPurpose', jsonb_strip_nulls(jsonb_build_object(
		'callPurpose', t.call_purpose, 'callPurposeUid', t.call_purpose_uid)),
	'caller', t.caller - 'comment',
	'assignee', ticket_assignee_view(t),
	'address', t.address))
$$;

-- ExportedTicket, the item of the ticket export.
CREATE FUNCTION ticket_export_view(t tickets) RETURNS jsonb
	LANGUAGE sql STABLE
AS $$
SELECT jsonb_strip_nulls(jsonb_build_object(
	'uid', t.uid,
	'ref', t.ref,
	'agencies', ticket_agencies_view(t.agency_uids),
	'patrimony', ticket_patrimony_view(t.patrimony_uid),
	'status', t.status,
	'state', ticket_state_view(t),
	'created', ticket_iso(t.created),
	'updated', ticket_iso(t.updated),
	'closed', ticket_iso(t.closed),
	'callPurpose', t.call_purpose,
	'request', t.request,
	'caller', t.caller - 'comment',
	'assignee', ticket_assignee_view(t),
	'address', t.address,
	'journalAdditionalInfos', jsonb_strip_nulls(jsonb_build_object(
		'interventionStarted', ticket_iso(t.intervention_started),
		'interventionScheduled', t.intervention_scheduled,
		'interventionDeadline', ticket_iso(t.intervention_deadline),
		'formalNotice', t.formal_notice)),
	'freeCommentaries', (SELECT coalesce(jsonb_agg(c - 'processUid' ORDER BY n), '[]')
		FROM jsonb_array_elements(t.free_commentaries) WITH ORDINALITY AS x (c, n)),
	'stats', ticket_stats_view(t),
	'additionalDataz', t.additional_data))
$$;

-- ClientCompanyAbstract of the ticket's company.
CREATE FUNCTION ticket_company_view(company uuid) RETURNS jsonb
	LANGUAGE sql STABLE
AS $$
SELECT jsonb_strip_nulls(jsonb_build_object('uid', c.uid, 'name', c.name, 'holding', c.holding_uid))
  FROM companies c WHERE c.uid = company
$$;

-- DetailedTicketView without `journal`, which the application adds.
CREATE FUNCTION ticket_detail_view(t tickets, host text) RETURNS jsonb
	LANGUAGE sql STABLE
AS $$
SELECT jsonb_strip_nulls(jsonb_build_object(
	'uid', t.uid,
	'ref', t.ref,
	'linkedEntities', jsonb_strip_nulls(jsonb_build_object(
		'agencies', ticket_agencies_view(t.agency_uids),
		'patrimony', ticket_patrimony_view(t.patrimony_uid),
		'clientCompany', coalesce(ticket_company_view(t.company_uid), '{}'))),
	'status', t.status,
	'state', ticket_state_view(t),
	'request', t.request,
	'instructions', t.instructions,
	'dates', jsonb_strip_nulls(jsonb_build_object('created', ticket_iso(t.created),
		'updated', ticket_iso(t.updated), 'closed', ticket_iso(t.closed))),
	'openingTicketPurpose', jsonb_strip_nulls(jsonb_build_object(
		'callPurpose', t.call_purpose, 'callPurposeUid', t.call_purpose_uid)),
	'caller', t.caller,
	'report', t.report,
	'assignee', ticket_assignee_view(t),
	'address', t.address,
	'additionalDataz', t.additional_data,
	'stats', ticket_stats_view(t),
	'contactToCallback', t.contact_to_callback,
	'serviceOrder', t.service_order,
	'updatedFields', t.updated_fields,
	'_links', jsonb_build_array(jsonb_build_object('rel', 'self',
		'href', 'https://' || host || '/api/v1/tickets/' || t.uid, 'method', 'GET'))))
$$;

SELECT ticket_refresh_references();

-- Read-model tables for `perfimmo-admin rebuild`, after the tables they read.
INSERT INTO table_registry (table_name, kind) VALUES
	('ticket_patrimony_refs', 'read_model'),
	('ticket_contact_refs', 'read_model'),
	('tickets', 'read_model');

DO $$
DECLARE
	tenant_role text := current_setting('perfimmo.tenant_role');
BEGIN
	EXECUTE format('GRANT SELECT, INSERT, UPDATE ON tickets, ticket_patrimony_refs, ticket_contact_refs TO %I',
		tenant_role);
END
$$;
