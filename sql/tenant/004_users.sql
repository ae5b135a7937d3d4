-- Read model of users, fed by project_user() from the user stream, and the
-- visibility rules of conventions §6 for queries (the C side of the same
-- rules is src/auth/scope.c).  project_user() also keeps each user's row of
-- credentials (login, type, company, disabled flag) current, inside the
-- transaction that stores the user's events.

CREATE TABLE users (
	uid uuid PRIMARY KEY,
	user_type text NOT NULL CHECK (user_type IN ('callCenterUser',
		'clientAccountManager', 'executive', 'patrimonyManager')),
	company_uid uuid NOT NULL,
	login text NOT NULL,
	first_name text NOT NULL,
	last_name text NOT NULL,
	first_name_folded text NOT NULL,
	last_name_folded text NOT NULL,
	job text,
	phone text,
	is_active boolean NOT NULL DEFAULT true,
	position bigint NOT NULL
);
CREATE INDEX users_company_sort ON users (company_uid, last_name_folded, first_name_folded, uid);

-- Managed agencies (executives) and patrimonies (patrimony managers), in
-- the order they were given: position of the event, then rank in it.
CREATE TABLE user_agencies (
	user_uid uuid NOT NULL REFERENCES users (uid),
	agency_uid uuid NOT NULL,
	position bigint NOT NULL,
	rank integer NOT NULL,
	PRIMARY KEY (user_uid, agency_uid)
);
CREATE INDEX user_agencies_agency ON user_agencies (agency_uid);

CREATE TABLE user_patrimonies (
	user_uid uuid NOT NULL REFERENCES users (uid),
	patrimony_uid uuid NOT NULL,
	position bigint NOT NULL,
	rank integer NOT NULL,
	PRIMARY KEY (user_uid, patrimony_uid)
);
CREATE INDEX user_patrimonies_patrimony ON user_patrimonies (patrimony_uid);


-- Adds the uids of the JSON array ITEMS to a user's agencies or patrimonies.
CREATE FUNCTION project_user_links(link_table text, user_id uuid, items jsonb,
		event_position bigint)
	RETURNS void
	LANGUAGE plpgsql
AS $$
BEGIN
	EXECUTE format('INSERT INTO %I SELECT $1, item.uid::uuid, $2, item.rank'
		' FROM jsonb_array_elements_text($3) WITH ORDINALITY AS item (uid, rank)'
		' ON CONFLICT DO NOTHING', link_table)
		USING user_id, event_position, items;
END
$$;


CREATE FUNCTION project_user(event jsonb, event_position bigint)
	RETURNS void
	LANGUAGE plpgsql
AS $$
DECLARE
	user_id uuid := (event ->> 'aggregateUid')::uuid;
	kind text := event ->> 'eventType';
	new_type text;
BEGIN
	CASE kind
	WHEN 'CallCenterUserReferenced', 'ClientAccountManagerReferenced',
			'ExecutiveReferenced', 'PatrimonyManagerReferenced' THEN
		new_type := CASE kind
			WHEN 'CallCenterUserReferenced' THEN 'callCenterUser'
			WHEN 'ClientAccountManagerReferenced' THEN 'clientAccountManager'
			WHEN 'ExecutiveReferenced' THEN 'executive'
			ELSE 'patrimonyManager' END;
		INSERT INTO users (uid, user_type, company_uid, login, first_name, last_name,
				first_name_folded, last_name_folded, job, phone, position)
		VALUES (user_id, new_type, (event ->> 'companyUid')::uuid, event ->> 'login',
			event ->> 'firstName', event ->> 'lastName',
			perfimmo_ext.fold(event ->> 'firstName'), perfimmo_ext.fold(event ->> 'lastName'),
			event ->> 'job', event ->> 'phone', event_position);
		-- A replayed journal finds the credentials row already there.
		INSERT INTO credentials (user_uid, login, user_type, company_uid, disabled)
		VALUES (user_id, event ->> 'login', new_type, (event ->> 'companyUid')::uuid, false)
		ON CONFLICT (user_uid) DO UPDATE SET login = excluded.login,
			user_type = excluded.user_type, company_uid = excluded.company_uid,
			disabled = false;
		IF event ? 'managedAgencies' THEN
			PERFORM project_user_links('user_agencies', user_id, event -> 'managedAgencies', event_position);
		END IF;
		IF event ? 'managedPatrimonies' THEN
			PERFORM project_user_links('user_patrimonies', user_id, event -> 'managedPatrimonies', event_position);
		END IF;
	WHEN 'UserAssociatedWithAgency' THEN
		PERFORM project_user_links('user_agencies', user_id,
			jsonb_build_array(event -> 'agencyUid'), event_position);
	WHEN 'UserDissociatedFromAgency' THEN
		DELETE FROM user_agencies WHERE user_uid = user_id
		   AND agency_uid = (event ->> 'agencyUid')::uuid;
	WHEN 'UserAssociatedWithPatrimony' THEN
		PERFORM project_user_links('user_patrimonies', user_id,
			jsonb_build_array(event -> 'patrimonyUid'), event_position);
	WHEN 'UserDissociatedFromPatrimony' THEN
		DELETE FROM user_patrimonies WHERE user_uid = user_id
		   AND patrimony_uid = (event ->> 'patrimonyUid')::uuid;
	WHEN 'UserDisabled', 'UserEnabled' THEN
		UPDATE users SET is_active = (kind = 'UserEnabled'), position = event_position
		 WHERE uid = user_id;
		UPDATE credentials SET disabled = (kind = 'UserDisabled') WHERE user_uid = user_id;
	WHEN 'ExecutiveDowngradedToPatrimonyManager' THEN
		UPDATE users SET user_type = 'patrimonyManager', position = event_position WHERE uid = user_id;
		UPDATE credentials SET user_type = 'patrimonyManager' WHERE user_uid = user_id;
		DELETE FROM user_agencies WHERE user_uid = user_id;
		PERFORM project_user_links('user_patrimonies', user_id, event -> 'managedPatrimonies', event_position);
	WHEN 'UserUpdated' THEN
		UPDATE users SET first_name = event ->> 'firstName', last_name = event ->> 'lastName',
			first_name_folded = perfimmo_ext.fold(event ->> 'firstName'),
			last_name_folded = perfimmo_ext.fold(event ->> 'lastName'),
			job = event ->> 'job', phone = event ->> 'phone', position = event_position
		 WHERE uid = user_id;
	WHEN 'LoginUpdated' THEN
		UPDATE users SET login = event ->> 'login', position = event_position WHERE uid = user_id;
		UPDATE credentials SET login = event ->> 'login' WHERE user_uid = user_id;
	ELSE
		RAISE EXCEPTION 'project_user: unknown event type %', kind;
	END CASE;
END
$$;


-- ------------------------------------------------------------------ scopes
-- Facts about aggregates whose read tables belong to other migrations are
-- taken from the journal, which every migration shares; a later migration
-- may replace these functions by lookups in its own tables.

-- The current agencies of a patrimony: the last change per agency decides.
CREATE FUNCTION scope_patrimony_agencies(patrimony uuid)
	RETURNS SETOF uuid
	LANGUAGE sql STABLE
AS $$
	SELECT last.agency::uuid FROM (
		SELECT DISTINCT ON (item.agency) item.agency, e.event_type
		  FROM events e
		 CROSS JOIN LATERAL jsonb_array_elements_text(CASE e.event_type
			WHEN 'PatrimonyReferenced' THEN e.payload -> 'agencies'
			ELSE jsonb_build_array(e.payload -> 'agencyUid') END) AS item (agency)
		 WHERE e.aggregate_type = 'patrimony' AND e.aggregate_uid = patrimony
		   AND e.event_type IN ('PatrimonyReferenced', 'PatrimonyAssociatedInAgency',
			'PatrimonyDissociatedFromAgency')
		 ORDER BY item.agency, e.version DESC
	) last (agency, event_type)
	 WHERE last.event_type <> 'PatrimonyDissociatedFromAgency'
$$;

-- True when the patrimony's stream holds its PatrimonyReferenced event.
CREATE FUNCTION scope_patrimony_exists(patrimony uuid)
	RETURNS boolean
	LANGUAGE sql STABLE
AS $$
	SELECT EXISTS (SELECT FROM events e WHERE e.aggregate_type = 'patrimony'
		AND e.aggregate_uid = patrimony AND e.event_type = 'PatrimonyReferenced')
$$;

CREATE FUNCTION scope_lot_patrimony(lot uuid)
	RETURNS uuid
	LANGUAGE sql STABLE
AS $$
	SELECT (e.payload ->> 'patrimonyUid')::uuid FROM events e
	 WHERE e.aggregate_type = 'lot' AND e.aggregate_uid = lot AND e.event_type = 'LotReferenced'
	 LIMIT 1
$$;

-- The ticket's current LocationReference (events.md §3.4 "location").
CREATE FUNCTION scope_ticket_location(ticket uuid)
	RETURNS jsonb
	LANGUAGE sql STABLE
AS $$
	SELECT coalesce(e.payload -> 'locationRef', e.payload -> 'locationReference') FROM events e
	 WHERE e.aggregate_type = 'ticket' AND e.aggregate_uid = ticket
	   AND e.event_type IN ('TicketOpened', 'TicketUpdated', 'LocationReferenceCorrected')
	 ORDER BY e.version DESC LIMIT 1
$$;

-- Companies (and call centers) a provider contact is associated with.
CREATE FUNCTION scope_provider_contact_companies(contact uuid)
	RETURNS SETOF uuid
	LANGUAGE sql STABLE
AS $$
	SELECT DISTINCT coalesce(e.payload ->> 'companyUid', e.payload ->> 'callCenterUid')::uuid
	  FROM events e
	 WHERE e.aggregate_type = 'providerContact' AND e.aggregate_uid = contact
	   AND e.event_type IN ('ProviderContactAssociatedToCompany', 'ProviderContactAssociatedToCallCenter')
$$;

-- The viewer's type, company and (for a manager) his company's holding;
-- nulls for an unknown or disabled viewer, who then sees nothing.
CREATE FUNCTION scope_viewer(viewer uuid, OUT user_type text, OUT company_uid uuid,
		OUT holding_uid uuid)
	LANGUAGE sql STABLE
AS $$
	SELECT c.user_type, c.company_uid, co.holding_uid
	  FROM credentials c LEFT JOIN companies co ON co.uid = c.company_uid
	 WHERE c.user_uid = viewer AND NOT c.disabled
$$;

-- The rule of companies for a company COMPANY whose call center is CALL_CENTER.
CREATE FUNCTION scope_sees_company(viewer_type text, viewer_company uuid,
		viewer_holding uuid, company uuid, call_center uuid)
	RETURNS boolean
	LANGUAGE sql IMMUTABLE
AS $$
	SELECT coalesce(CASE viewer_type
		WHEN 'superUser' THEN true
		WHEN 'callCenterUser' THEN company = viewer_company OR call_center = viewer_company
		WHEN 'clientAccountManager' THEN company = viewer_company OR company = viewer_holding
		WHEN 'executive' THEN company = viewer_company
		WHEN 'patrimonyManager' THEN company = viewer_company
		END, false)
$$;

CREATE FUNCTION scope_company_visible(company uuid, viewer uuid)
	RETURNS boolean
	LANGUAGE sql STABLE
AS $$
	SELECT coalesce((SELECT scope_sees_company(v.user_type, v.company_uid, v.holding_uid,
			c.uid, c.call_center_uid)
		  FROM scope_viewer(viewer) v, companies c WHERE c.uid = company), false)
$$;

-- Agencies of the viewer's scope: an executive's, or those of a patrimony manager's patrimonies.
CREATE FUNCTION scope_viewer_agencies(viewer uuid)
	RETURNS SETOF uuid
	LANGUAGE sql STABLE
AS $$
	SELECT ua.agency_uid FROM user_agencies ua WHERE ua.user_uid = viewer
	UNION
	SELECT scope_patrimony_agencies(up.patrimony_uid) FROM user_patrimonies up
	 WHERE up.user_uid = viewer
$$;

CREATE FUNCTION scope_agency_visible(agency_id uuid, viewer uuid)
	RETURNS boolean
	LANGUAGE sql STABLE
AS $$
	SELECT coalesce((SELECT CASE
		WHEN v.user_type IN ('executive', 'patrimonyManager') THEN
			agency_id IN (SELECT scope_viewer_agencies(viewer))
		WHEN v.user_type = 'clientAccountManager' THEN
			(SELECT a.company_uid = v.company_uid FROM agencies a WHERE a.uid = agency_id)
		ELSE scope_sees_company(v.user_type, v.company_uid, NULL, c.uid, c.call_center_uid)
		END
		  FROM scope_viewer(viewer) v
		  LEFT JOIN agencies a ON a.uid = agency_id
		  LEFT JOIN companies c ON c.uid = a.company_uid), false)
$$;

-- Tickets, patrimonies and lots share one rule shape: a set of agencies
-- (of one company) and possibly a patrimony.
CREATE FUNCTION scope_sees_place(viewer uuid, agency_ids uuid[], patrimony uuid)
	RETURNS boolean
	LANGUAGE sql STABLE
AS $$
	SELECT coalesce((SELECT CASE v.user_type
		WHEN 'superUser' THEN true
		WHEN 'callCenterUser' THEN
			EXISTS (SELECT FROM agencies a JOIN companies c ON c.uid = a.company_uid
				 WHERE a.uid = ANY (agency_ids) AND c.call_center_uid = v.company_uid)
		WHEN 'clientAccountManager' THEN
			EXISTS (SELECT FROM agencies a WHERE a.uid = ANY (agency_ids)
				AND a.company_uid = v.company_uid)
		WHEN 'executive' THEN
			EXISTS (SELECT FROM user_agencies ua WHERE ua.user_uid = viewer
				AND ua.agency_uid = ANY (agency_ids))
		WHEN 'patrimonyManager' THEN
			patrimony IS NOT NULL AND EXISTS (SELECT FROM user_patrimonies up
				WHERE up.user_uid = viewer AND up.patrimony_uid = patrimony)
		END FROM scope_viewer(viewer) v), false)
$$;

CREATE FUNCTION scope_patrimony_visible(patrimony uuid, viewer uuid)
	RETURNS boolean
	LANGUAGE sql STABLE
AS $$
	SELECT scope_sees_place(viewer, ARRAY(SELECT scope_patrimony_agencies(patrimony)),
		patrimony)
$$;

CREATE FUNCTION scope_lot_visible(lot uuid, viewer uuid)
	RETURNS boolean
	LANGUAGE sql STABLE
AS $$
	SELECT scope_patrimony_visible(scope_lot_patrimony(lot), viewer)
$$;

CREATE FUNCTION scope_ticket_visible(ticket uuid, viewer uuid)
	RETURNS boolean
	LANGUAGE sql STABLE
AS $$
	SELECT scope_sees_place(viewer,
		CASE WHEN location ? 'patrimonyUid'
			THEN ARRAY(SELECT scope_patrimony_agencies((location ->> 'patrimonyUid')::uuid))
			ELSE ARRAY[(location ->> 'agencyUid')::uuid] END,
		(location ->> 'patrimonyUid')::uuid)
	  FROM (SELECT scope_ticket_location(ticket)) AS t (location)
$$;

CREATE FUNCTION scope_provider_contact_visible(contact uuid, viewer uuid)
	RETURNS boolean
	LANGUAGE sql STABLE
AS $$
	SELECT coalesce((SELECT v.user_type = 'superUser' OR EXISTS (
		SELECT FROM scope_provider_contact_companies(contact) AS pc (company)
		  LEFT JOIN companies c ON c.uid = pc.company
		 WHERE pc.company = v.company_uid
		    OR (v.user_type = 'callCenterUser' AND c.call_center_uid = v.company_uid))
		  FROM scope_viewer(viewer) v), false)
$$;

CREATE FUNCTION scope_user_visible(user_id uuid, viewer uuid)
	RETURNS boolean
	LANGUAGE sql STABLE
AS $$
	SELECT coalesce((SELECT CASE v.user_type
		WHEN 'superUser' THEN true
		WHEN 'callCenterUser' THEN
			scope_sees_company(v.user_type, v.company_uid, NULL, c.uid, c.call_center_uid)
		ELSE u.company_uid = v.company_uid
		END
		  FROM scope_viewer(viewer) v
		  LEFT JOIN users u ON u.uid = user_id
		  LEFT JOIN companies c ON c.uid = u.company_uid), false)
$$;

-- Replaces the deny-all placeholder of 002: whether VIEWER may see the
-- aggregate now.  Used by the event feed (and webhook deliveries).
CREATE OR REPLACE FUNCTION aggregate_visible(aggregate_kind text, aggregate uuid, viewer uuid)
	RETURNS boolean
	LANGUAGE sql STABLE
AS $$
	SELECT CASE aggregate_kind
		WHEN 'company' THEN scope_company_visible(aggregate, viewer)
		WHEN 'user' THEN scope_user_visible(aggregate, viewer)
		WHEN 'patrimony' THEN scope_patrimony_visible(aggregate, viewer)
		WHEN 'lot' THEN scope_lot_visible(aggregate, viewer)
		WHEN 'ticket' THEN scope_ticket_visible(aggregate, viewer)
		WHEN 'providerContact' THEN scope_provider_contact_visible(aggregate, viewer)
		ELSE false
	END
$$;

DO $$
DECLARE
	tenant_role text := current_setting('perfimmo.tenant_role');
BEGIN
	EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON users, user_agencies, user_patrimonies TO %I',
		tenant_role);
END
$$;
