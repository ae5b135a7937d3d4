-- The items of the ticket list and export as SQL that PostgreSQL inlines
-- into the statement that reads them.
--
-- ticket_query_view() and ticket_export_view() of 006_tickets.sql call
-- ticket_agencies_view(), ticket_patrimony_view() and
-- ticket_assignee_view(), SQL functions with a FROM clause that PostgreSQL
-- never inlines, so each call starts an executor of its own.
-- ticket_export_view() has a sub-select too, so it is not inlined either,
-- and the functions it calls are planned again at each of its calls: 1 000
-- export items took about 400 ms in psql on a 2-core machine, against about
-- 100 ms with these functions.  PostgreSQL 15 inlines a set-returning SQL
-- function whose body is one SELECT, sub-selects included, as a sub-query
-- of the calling statement: the plans of tests/bench/explain_tickets.sql
-- show its sub-selects as sub-plans and no Function Scan.  Callers join
-- them with CROSS JOIN LATERAL.
--
-- The bodies repeat those of the views field by field with the called
-- functions written out, and give the same jsonb, byte for byte
-- (tests/integration/test_ticket_facets.py compares them on every ticket).
-- The old views stay for the previous release, which may still serve while
-- this one is installed.  A later migration drops them.

-- TicketAssigneeQueryView of T's identified assignee; C is the contact row
-- of T.assignee_provider_uid, or NULL.  Its body has no FROM clause, so it
-- is inlined too.
CREATE FUNCTION ticket_assignee_item(t tickets, c ticket_contact_refs) RETURNS jsonb
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
$$;

-- TicketQueryView, the item of the ticket list: one row.
CREATE FUNCTION ticket_list_item(t tickets) RETURNS SETOF jsonb
	LANGUAGE sql STABLE
AS $$
SELECT jsonb_strip_nulls(jsonb_build_object(
	'uid', t.uid,
	'ref', t.ref,
	'agencies', (SELECT coalesce(jsonb_agg(jsonb_build_object('uid', a.uid, 'name', a.label) ORDER BY x.n), '[]')
		FROM unnest(t.agency_uids) WITH ORDINALITY AS x (uid, n) JOIN agencies a ON a.uid = x.uid),
	'patrimony', (SELECT jsonb_build_object('uid', p.uid, 'name', coalesce(p.label, p.ref), 'ref', p.ref)
		FROM ticket_patrimony_refs p WHERE p.uid = t.patrimony_uid),
	'status', t.status,
	'state', CASE WHEN t.state_value IS NULL THEN NULL
		ELSE jsonb_build_object('value', t.state_value, 'date', ticket_iso(t.state_date)) END,
	'created', ticket_iso(t.created),
	'updated', ticket_iso(t.updated),
	'closed', ticket_iso(t.closed),
	'openingTicketPurpose', jsonb_strip_nulls(jsonb_build_object(
		'callPurpose', t.call_purpose, 'callPurposeUid', t.call_purpose_uid)),
	'caller', t.caller - 'comment',
	'assignee', (SELECT ticket_assignee_item(t, c)
		FROM (SELECT 1) one LEFT JOIN ticket_contact_refs c ON c.uid = t.assignee_provider_uid),
	'address', t.address))
$$;

-- ExportedTicket, the item of the ticket export: one row.
CREATE FUNCTION ticket_export_item(t tickets) RETURNS SETOF jsonb
	LANGUAGE sql STABLE
AS $$
SELECT jsonb_strip_nulls(jsonb_build_object(
	'uid', t.uid,
	'ref', t.ref,
	'agencies', (SELECT coalesce(jsonb_agg(jsonb_build_object('uid', a.uid, 'name', a.label) ORDER BY x.n), '[]')
		FROM unnest(t.agency_uids) WITH ORDINALITY AS x (uid, n) JOIN agencies a ON a.uid = x.uid),
	'patrimony', (SELECT jsonb_build_object('uid', p.uid, 'name', coalesce(p.label, p.ref), 'ref', p.ref)
		FROM ticket_patrimony_refs p WHERE p.uid = t.patrimony_uid),
	'status', t.status,
	'state', CASE WHEN t.state_value IS NULL THEN NULL
		ELSE jsonb_build_object('value', t.state_value, 'date', ticket_iso(t.state_date)) END,
	'created', ticket_iso(t.created),
	'updated', ticket_iso(t.updated),
	'closed', ticket_iso(t.closed),
	'callPurpose', t.call_purpose,
	'request', t.request,
	'caller', t.caller - 'comment',
	'assignee', (SELECT ticket_assignee_item(t, c)
		FROM (SELECT 1) one LEFT JOIN ticket_contact_refs c ON c.uid = t.assignee_provider_uid),
	'address', t.address,
	'journalAdditionalInfos', jsonb_strip_nulls(jsonb_build_object(
		'interventionStarted', ticket_iso(t.intervention_started),
		'interventionScheduled', t.intervention_scheduled,
		'interventionDeadline', ticket_iso(t.intervention_deadline),
		'formalNotice', t.formal_notice)),
	'freeCommentaries', (SELECT coalesce(jsonb_agg(c - 'processUid' ORDER BY n), '[]')
		FROM jsonb_array_elements(t.free_commentaries) WITH ORDINALITY AS x (c, n)),
	'stats', jsonb_strip_nulls(jsonb_build_object(
		'callCenterReactionTime', ticket_duration(t.created, t.first_reaction),
		'transmissionTime', ticket_duration(t.created, t.first_accepted),
		'interventionResponseTime', ticket_duration(t.created, t.first_provider_action),
		'interventionDuration', ticket_duration(t.first_started, t.last_finished),
		'repairTime', ticket_duration(t.created, t.last_finished))),
	'additionalDataz', t.additional_data))
$$;
