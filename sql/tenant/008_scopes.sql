-- The access scopes (which entities a user may see) in SQL, for the lists
-- and the event feed.  The C counterpart is src/auth/scope.c: each
-- scope_sees_* function here has the name, the arguments and the rule of
-- the C function of the same name, and tests/integration/test_scopes_agree.py
-- checks on a table of cases that both give the same results.
--
-- The rule functions take the viewer's facts (type, company, holding,
-- agencies, patrimonies, as scope_load() loads them) and the entity's facts
-- as arguments and read no table, so that PostgreSQL inlines them into a
-- list query and folds the CASE on the viewer's type: what remains is the
-- one condition of that type, which can use the indexes.  Each argument
-- that a caller may give as a sub-select is used once only, because
-- PostgreSQL does not inline a function that would evaluate it twice.
-- They return NULL where C returns false for an unknown fact, and a NULL
-- condition rejects the row.
--
-- This file replaces the scope functions of 004_users.sql, which read the
-- journal before the read tables of 005 and 006 existed.

-- Companies: SU all; CC C and the companies of C; CAM A and A's holding; EX, PM A.
CREATE OR REPLACE FUNCTION scope_sees_company(viewer_type text, viewer_company uuid,
		viewer_holding uuid, company uuid, call_center uuid)
	RETURNS boolean
	LANGUAGE sql IMMUTABLE
AS $$
	SELECT CASE viewer_type
		WHEN 'superUser' THEN true
		WHEN 'callCenterUser' THEN company = viewer_company OR call_center = viewer_company
		WHEN 'clientAccountManager' THEN company = viewer_company OR company = viewer_holding
		WHEN 'executive' THEN company = viewer_company
		WHEN 'patrimonyManager' THEN company = viewer_company
		ELSE false
	END
$$;

-- Agencies: SU all; CC of visible client accounts; CAM of A; EX S; PM agencies of P.
CREATE FUNCTION scope_sees_agency(viewer_type text, viewer_company uuid,
		viewer_agencies uuid[], agency uuid, company uuid, call_center uuid)
	RETURNS boolean
	LANGUAGE sql IMMUTABLE
AS $$
	SELECT CASE viewer_type
		WHEN 'superUser' THEN true
		WHEN 'callCenterUser' THEN company = viewer_company OR call_center = viewer_company
		WHEN 'clientAccountManager' THEN company = viewer_company
		ELSE viewer_type IN ('executive', 'patrimonyManager') AND agency = ANY (viewer_agencies)
	END
$$;

-- Patrimonies (and their lots): SU all; CC whose company is visible; CAM of
-- A; EX having an agency in S; PM P.  AGENCIES are the patrimony's.
CREATE FUNCTION scope_sees_patrimony(viewer_type text, viewer_company uuid,
		viewer_agencies uuid[], viewer_patrimonies uuid[], patrimony uuid,
		company uuid, call_center uuid, agencies uuid[])
	RETURNS boolean
	LANGUAGE sql IMMUTABLE
AS $$
	SELECT CASE viewer_type
		WHEN 'superUser' THEN true
		WHEN 'callCenterUser' THEN company = viewer_company OR call_center = viewer_company
		WHEN 'clientAccountManager' THEN company = viewer_company
		WHEN 'executive' THEN agencies && viewer_agencies
		WHEN 'patrimonyManager' THEN patrimony = ANY (viewer_patrimonies)
		ELSE false
	END
$$;

-- Tickets: SU all; CC whose company's call center is C; CAM whose company
-- is A; EX whose agencies meet S; PM whose patrimony is in P.  AGENCIES
-- are the location's, PATRIMONY is NULL for an agency location.
CREATE FUNCTION scope_sees_ticket(viewer_type text, viewer_company uuid,
		viewer_agencies uuid[], viewer_patrimonies uuid[], company uuid,
		call_center uuid, agencies uuid[], patrimony uuid)
	RETURNS boolean
	LANGUAGE sql IMMUTABLE
AS $$
	SELECT CASE viewer_type
		WHEN 'superUser' THEN true
		WHEN 'callCenterUser' THEN call_center = viewer_company
		WHEN 'clientAccountManager' THEN company = viewer_company
		WHEN 'executive' THEN agencies && viewer_agencies
		WHEN 'patrimonyManager' THEN patrimony = ANY (viewer_patrimonies)
		ELSE false
	END
$$;

-- Provider contacts: SU all; CC associated with C or with a company whose
-- call center is C; the others associated with A.  COMPANIES and
-- CALL_CENTERS are the contact's associations, COMPANY_CALL_CENTERS the
-- call centers of COMPANIES.
CREATE FUNCTION scope_sees_provider_contact(viewer_type text, viewer_company uuid,
		companies uuid[], call_centers uuid[], company_call_centers uuid[])
	RETURNS boolean
	LANGUAGE sql IMMUTABLE
AS $$
	SELECT CASE viewer_type
		WHEN 'superUser' THEN true
		WHEN 'callCenterUser' THEN viewer_company = ANY (call_centers)
			OR viewer_company = ANY (company_call_centers)
		ELSE viewer_type IN ('clientAccountManager', 'executive', 'patrimonyManager')
			AND viewer_company = ANY (companies)
	END
$$;

-- Users: SU all; CC users of visible companies; CAM, EX, PM users of A.
-- COMPANY is the user's company, CALL_CENTER its call center.
CREATE FUNCTION scope_sees_user(viewer_type text, viewer_company uuid, company uuid,
		call_center uuid)
	RETURNS boolean
	LANGUAGE sql IMMUTABLE
AS $$
	SELECT CASE viewer_type
		WHEN 'superUser' THEN true
		WHEN 'callCenterUser' THEN company = viewer_company OR call_center = viewer_company
		WHEN 'clientAccountManager' THEN company = viewer_company
		WHEN 'executive' THEN company = viewer_company
		WHEN 'patrimonyManager' THEN company = viewer_company
		ELSE false
	END
$$;


-- ------------------------------------------------------------------ viewer
-- The facts of a viewer that scope_load() loads in C.

-- The viewer's type, company and (for a manager) his company's holding;
-- no row for an unknown or disabled viewer, who then sees nothing.
CREATE OR REPLACE FUNCTION scope_viewer(viewer uuid, OUT user_type text, OUT company_uid uuid,
		OUT holding_uid uuid)
	LANGUAGE sql STABLE
AS $$
	SELECT c.user_type, c.company_uid, co.holding_uid
	  FROM credentials c LEFT JOIN companies co ON co.uid = c.company_uid
	 WHERE c.user_uid = viewer AND NOT c.disabled
$$;

-- The agencies of the viewer's scope: an executive's, or those of a
-- patrimony manager's patrimonies.
CREATE OR REPLACE FUNCTION scope_viewer_agencies(viewer uuid)
	RETURNS SETOF uuid
	LANGUAGE sql STABLE
AS $$
	SELECT ua.agency_uid FROM user_agencies ua WHERE ua.user_uid = viewer
	UNION
	SELECT pa.agency_uid FROM user_patrimonies up
	  JOIN patrimony_agencies pa ON pa.patrimony_uid = up.patrimony_uid
	 WHERE up.user_uid = viewer
$$;

-- The patrimonies of a patrimony manager.
CREATE FUNCTION scope_viewer_patrimonies(viewer uuid)
	RETURNS SETOF uuid
	LANGUAGE sql STABLE
AS $$
	SELECT up.patrimony_uid FROM user_patrimonies up WHERE up.user_uid = viewer
$$;


-- ------------------------------------------------------------------ feed
-- Whether VIEWER may see an aggregate now, for the event feed and the
-- webhook deliveries: the entity's facts come from the read tables.

CREATE OR REPLACE FUNCTION aggregate_visible(aggregate_kind text, aggregate uuid, viewer uuid)
	RETURNS boolean
	LANGUAGE sql STABLE
AS $$
	SELECT coalesce((SELECT CASE aggregate_kind
		WHEN 'company' THEN
			(SELECT scope_sees_company(v.user_type, v.company_uid, v.holding_uid,
				c.uid, c.call_center_uid)
			   FROM companies c WHERE c.uid = aggregate)
		WHEN 'user' THEN
			(SELECT scope_sees_user(v.user_type, v.company_uid, u.company_uid,
				c.call_center_uid)
			   FROM users u LEFT JOIN companies c ON c.uid = u.company_uid
			  WHERE u.uid = aggregate)
		WHEN 'patrimony' THEN
			(SELECT scope_sees_patrimony(v.user_type, v.company_uid,
				ARRAY(SELECT scope_viewer_agencies(viewer)),
				ARRAY(SELECT scope_viewer_patrimonies(viewer)), p.uid, p.company_uid,
				c.call_center_uid,
				ARRAY(SELECT pa.agency_uid FROM patrimony_agencies pa
				       WHERE pa.patrimony_uid = p.uid))
			   FROM patrimonies p LEFT JOIN companies c ON c.uid = p.company_uid
			  WHERE p.uid = aggregate)
		WHEN 'lot' THEN
			(SELECT scope_sees_patrimony(v.user_type, v.company_uid,
				ARRAY(SELECT scope_viewer_agencies(viewer)),
				ARRAY(SELECT scope_viewer_patrimonies(viewer)), p.uid, p.company_uid,
				c.call_center_uid,
				ARRAY(SELECT pa.agency_uid FROM patrimony_agencies pa
				       WHERE pa.patrimony_uid = p.uid))
			   FROM lots l JOIN patrimonies p ON p.uid = l.patrimony_uid
			   LEFT JOIN companies c ON c.uid = p.company_uid
			  WHERE l.uid = aggregate)
		WHEN 'ticket' THEN
			(SELECT scope_sees_ticket(v.user_type, v.company_uid,
				ARRAY(SELECT scope_viewer_agencies(viewer)),
				ARRAY(SELECT scope_viewer_patrimonies(viewer)), t.company_uid,
				t.call_center_uid, t.agency_uids, t.patrimony_uid)
			   FROM tickets t WHERE t.uid = aggregate)
		WHEN 'providerContact' THEN
			scope_sees_provider_contact(v.user_type, v.company_uid,
				ARRAY(SELECT pc.company_uid FROM provider_contact_companies pc
				       WHERE pc.contact_uid = aggregate),
				ARRAY(SELECT pc.call_center_uid FROM provider_contact_call_centers pc
				       WHERE pc.contact_uid = aggregate),
				ARRAY(SELECT c.call_center_uid FROM provider_contact_companies pc
				       JOIN companies c ON c.uid = pc.company_uid
				       WHERE pc.contact_uid = aggregate))
		ELSE false
	END FROM scope_viewer(viewer) v), false)
$$;


-- The helpers of the journal-based rules of 004_users.sql, now unused.
DROP FUNCTION IF EXISTS scope_company_visible(uuid, uuid);
DROP FUNCTION IF EXISTS scope_agency_visible(uuid, uuid);
DROP FUNCTION IF EXISTS scope_user_visible(uuid, uuid);
DROP FUNCTION IF EXISTS scope_lot_visible(uuid, uuid);
DROP FUNCTION IF EXISTS scope_patrimony_visible(uuid, uuid);
DROP FUNCTION IF EXISTS scope_ticket_visible(uuid, uuid);
DROP FUNCTION IF EXISTS scope_provider_contact_visible(uuid, uuid);
DROP FUNCTION IF EXISTS scope_sees_place(uuid, uuid[], uuid);
DROP FUNCTION IF EXISTS scope_patrimony_exists(uuid);
DROP FUNCTION IF EXISTS scope_lot_patrimony(uuid);
DROP FUNCTION IF EXISTS scope_ticket_location(uuid);
DROP FUNCTION IF EXISTS scope_provider_contact_companies(uuid);
DROP FUNCTION IF EXISTS scope_patrimony_agencies(uuid);
