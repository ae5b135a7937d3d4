-- Read model of patrimonies, lots and provider contacts, fed by
-- project_patrimony(), project_lot() and project_providercontact() from their
-- streams, and the functions that render their views.  Folded columns serve
-- fulltext search and sort orders; `ordinal` columns keep the order in which
-- links were made (the position of the event that made them).

-- Great-circle distance in metres between two points given in degrees, by the
-- haversine formula on a sphere of radius 6 371 008.8 m (the mean Earth radius).
CREATE FUNCTION geo_distance(lat1 float8, lng1 float8, lat2 float8, lng2 float8)
	RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
	SELECT 2 * 6371008.8 * asin(least(1, sqrt(
		sin(radians(lat2 - lat1) / 2) ^ 2 +
		cos(radians(lat1)) * cos(radians(lat2)) * sin(radians(lng2 - lng1) / 2) ^ 2)))
$$;

-- The point of an address's geoLocation on the earthdistance sphere, or NULL.
-- Stored in a column (not an index expression) so that index maintenance
-- never depends on the search_path finding earthdistance's helpers.
CREATE FUNCTION address_geo_point(address jsonb)
	RETURNS perfimmo_ext.cube
	LANGUAGE sql STABLE
AS $$
	SELECT CASE WHEN address ? 'geoLocation' THEN
		perfimmo_ext.ll_to_earth((address #>> '{geoLocation,lat}')::float8,
			(address #>> '{geoLocation,lng}')::float8)::perfimmo_ext.cube
	END
$$;

-- displayName of a Name: PoorName's value, or "firstName lastName" (just
-- lastName when firstName is empty).
CREATE FUNCTION display_name(name jsonb)
	RETURNS text
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
	SELECT CASE name ->> 'nameType'
		WHEN 'PoorName' THEN name ->> 'value'
		ELSE CASE WHEN coalesce(name ->> 'firstName', '') = '' THEN name ->> 'lastName'
			ELSE (name ->> 'firstName') || ' ' || (name ->> 'lastName') END
	END
$$;

CREATE TABLE patrimonies (
	uid uuid PRIMARY KEY,
	ref text NOT NULL,
	ref_folded text NOT NULL,
	label text,
	comment text,
	search_folded text NOT NULL,	-- fold(ref) and fold(label), one per line
	company_uid uuid NOT NULL,
	position bigint NOT NULL
);
-- Text keys are indexed by a 256-character prefix (sorts) or by hash
-- (equality): a btree entry is bounded, a valid string is not.
CREATE INDEX patrimonies_sort ON patrimonies (left(ref_folded, 256));
CREATE INDEX patrimonies_company ON patrimonies (company_uid);
CREATE INDEX patrimonies_search_trgm ON patrimonies USING gin (search_folded perfimmo_ext.gin_trgm_ops);

CREATE TABLE patrimony_agencies (
	patrimony_uid uuid NOT NULL REFERENCES patrimonies (uid),
	agency_uid uuid NOT NULL,
	ordinal bigint NOT NULL,
	PRIMARY KEY (patrimony_uid, agency_uid)
);
CREATE INDEX patrimony_agencies_agency ON patrimony_agencies (agency_uid);

CREATE TABLE buildings (
	uid uuid PRIMARY KEY,
	patrimony_uid uuid NOT NULL REFERENCES patrimonies (uid),
	label text NOT NULL,
	ordinal bigint NOT NULL
);
CREATE INDEX buildings_patrimony ON buildings (patrimony_uid, ordinal);

-- Complementary addresses of patrimonies.
CREATE TABLE patrimony_addresses (
	uid uuid PRIMARY KEY,
	patrimony_uid uuid NOT NULL REFERENCES patrimonies (uid),
	address jsonb NOT NULL,		-- PatrimonyAddress, with its uid
	lat float8,
	lng float8,
	geo_point perfimmo_ext.cube,
	google_place_id text,
	data_gouv_id text,
	ordinal bigint NOT NULL
);
CREATE INDEX patrimony_addresses_patrimony ON patrimony_addresses (patrimony_uid, ordinal);
CREATE INDEX patrimony_addresses_geo ON patrimony_addresses USING gist (geo_point);
CREATE INDEX patrimony_addresses_google ON patrimony_addresses USING hash (google_place_id);
CREATE INDEX patrimony_addresses_data_gouv ON patrimony_addresses USING hash (data_gouv_id);

CREATE TABLE lots (
	uid uuid PRIMARY KEY,
	patrimony_uid uuid NOT NULL REFERENCES patrimonies (uid),
	company_uid uuid NOT NULL,
	ref text NOT NULL,
	ref_folded text NOT NULL,
	lot_number text NOT NULL,
	usage text NOT NULL,
	deleted boolean NOT NULL DEFAULT false,
	position bigint NOT NULL
);
CREATE INDEX lots_patrimony_sort ON lots (patrimony_uid, left(ref_folded, 256)) WHERE NOT deleted;
CREATE INDEX lots_company_ref ON lots USING hash (ref) WHERE NOT deleted;
CREATE INDEX lots_patrimony_number ON lots USING hash (lot_number) WHERE NOT deleted;

CREATE TABLE lot_addresses (
	uid uuid PRIMARY KEY,
	lot_uid uuid NOT NULL REFERENCES lots (uid),
	address jsonb NOT NULL,		-- LotAddress, with its uid
	building_uid uuid,
	lat float8,
	lng float8,
	geo_point perfimmo_ext.cube,
	google_place_id text,
	data_gouv_id text,
	ordinal bigint NOT NULL
);
CREATE INDEX lot_addresses_lot ON lot_addresses (lot_uid, ordinal);
CREATE INDEX lot_addresses_building ON lot_addresses (building_uid);
CREATE INDEX lot_addresses_geo ON lot_addresses USING gist (geo_point);
CREATE INDEX lot_addresses_google ON lot_addresses USING hash (google_place_id);
CREATE INDEX lot_addresses_data_gouv ON lot_addresses USING hash (data_gouv_id);

CREATE TABLE provider_contacts (
	uid uuid PRIMARY KEY,
	name jsonb NOT NULL,
	label text NOT NULL,
	label_folded text NOT NULL,
	phones jsonb NOT NULL,
	fax jsonb NOT NULL,
	emails jsonb NOT NULL,
	search_folded text NOT NULL,	-- fold() of label, phones, fax and emails, one per line
	active boolean NOT NULL DEFAULT true,
	provider_company_uid uuid,
	position bigint NOT NULL
);
CREATE INDEX provider_contacts_sort ON provider_contacts (left(label_folded, 256));
CREATE INDEX provider_contacts_search_trgm ON provider_contacts USING gin (search_folded perfimmo_ext.gin_trgm_ops);
CREATE INDEX provider_contacts_provider_company ON provider_contacts (provider_company_uid);

CREATE TABLE provider_contact_companies (
	contact_uid uuid NOT NULL REFERENCES provider_contacts (uid),
	company_uid uuid NOT NULL,
	ordinal bigint NOT NULL,
	PRIMARY KEY (contact_uid, company_uid)
);
CREATE INDEX provider_contact_companies_company ON provider_contact_companies (company_uid);

CREATE TABLE provider_contact_call_centers (
	contact_uid uuid NOT NULL REFERENCES provider_contacts (uid),
	call_center_uid uuid NOT NULL,
	PRIMARY KEY (contact_uid, call_center_uid)
);
CREATE INDEX provider_contact_call_centers_call_center ON provider_contact_call_centers (call_center_uid);

CREATE TABLE provider_contact_agencies (
	contact_uid uuid NOT NULL REFERENCES provider_contacts (uid),
	agency_uid uuid NOT NULL,
	ordinal bigint NOT NULL,
	PRIMARY KEY (contact_uid, agency_uid)
);
CREATE INDEX provider_contact_agencies_agency ON provider_contact_agencies (agency_uid);

CREATE TABLE provider_contact_patrimonies (
	contact_uid uuid NOT NULL REFERENCES provider_contacts (uid),
	patrimony_uid uuid NOT NULL,
	ordinal bigint NOT NULL,
	PRIMARY KEY (contact_uid, patrimony_uid)
);
CREATE INDEX provider_contact_patrimonies_patrimony ON provider_contact_patrimonies (patrimony_uid);

CREATE TABLE provider_contact_activities (
	contact_uid uuid NOT NULL REFERENCES provider_contacts (uid),
	activity_uid uuid NOT NULL,
	incident_types jsonb NOT NULL,	-- Array[SafeUUID] as last assigned
	ordinal bigint NOT NULL,
	PRIMARY KEY (contact_uid, activity_uid)
);
CREATE INDEX provider_contact_activities_incident_types ON provider_contact_activities
	USING gin (incident_types jsonb_path_ops);


CREATE FUNCTION project_patrimony(event jsonb, event_position bigint)
	RETURNS void
	LANGUAGE plpgsql
AS $$
DECLARE
	patrimony uuid := (event ->> 'aggregateUid')::uuid;
	kind text := event ->> 'eventType';
	address jsonb;
BEGIN
	CASE kind
	WHEN 'PatrimonyReferenced' THEN
		INSERT INTO patrimonies (uid, ref, ref_folded, label, search_folded, company_uid, position)
		VALUES (patrimony, event ->> 'ref', perfimmo_ext.fold(event ->> 'ref'), event ->> 'label',
			concat_ws(E'\n', perfimmo_ext.fold(event ->> 'ref'), perfimmo_ext.fold(event ->> 'label')),
			(SELECT a.company_uid FROM agencies a WHERE a.uid = (event #>> '{agencies,0}')::uuid),
			event_position);
		INSERT INTO patrimony_agencies (patrimony_uid, agency_uid, ordinal)
		SELECT patrimony, item.uid::uuid, event_position * 10000 + item.ordinality
		  FROM jsonb_array_elements_text(event -> 'agencies') WITH ORDINALITY AS item (uid, ordinality);
	WHEN 'PatrimonyUpdated' THEN
		UPDATE patrimonies SET ref = event ->> 'ref', ref_folded = perfimmo_ext.fold(event ->> 'ref'),
			label = event ->> 'label', comment = event ->> 'comment',
			search_folded = concat_ws(E'\n', perfimmo_ext.fold(event ->> 'ref'),
				perfimmo_ext.fold(event ->> 'label')),
			position = event_position
		 WHERE uid = patrimony;
	WHEN 'BuildingReferenced' THEN
		INSERT INTO buildings (uid, patrimony_uid, label, ordinal)
		VALUES ((event ->> 'buildingUid')::uuid, patrimony, event ->> 'label', event_position);
	WHEN 'ComplementaryAddressAddedToPatrimony' THEN
		address := event -> 'complementaryAddress';
		INSERT INTO patrimony_addresses (uid, patrimony_uid, address, lat, lng, geo_point,
				google_place_id, data_gouv_id, ordinal)
		VALUES ((address ->> 'uid')::uuid, patrimony, address,
			(address #>> '{geoLocation,lat}')::float8, (address #>> '{geoLocation,lng}')::float8,
			address_geo_point(address), address #>> '{checker,googlePlaceId}',
			address #>> '{checker,dataGouvAddressId}', event_position);
	WHEN 'ComplementaryAddressRemovedFromPatrimony' THEN
		DELETE FROM patrimony_addresses WHERE uid = (event ->> 'addressUid')::uuid;
	WHEN 'PatrimonyAssociatedInAgency' THEN
		INSERT INTO patrimony_agencies (patrimony_uid, agency_uid, ordinal)
		VALUES (patrimony, (event ->> 'agencyUid')::uuid, event_position * 10000);
	WHEN 'PatrimonyDissociatedFromAgency' THEN
		DELETE FROM patrimony_agencies
		 WHERE patrimony_uid = patrimony AND agency_uid = (event ->> 'agencyUid')::uuid;
	ELSE
		RAISE EXCEPTION 'project_patrimony: unknown event type %', kind;
	END CASE;
END
$$;


CREATE FUNCTION insert_lot_address(lot uuid, address jsonb, event_position bigint)
	RETURNS void
	LANGUAGE sql
AS $$
	INSERT INTO lot_addresses (uid, lot_uid, address, building_uid, lat, lng, geo_point,
			google_place_id, data_gouv_id, ordinal)
	VALUES ((address ->> 'uid')::uuid, lot, address, (address ->> 'building')::uuid,
		(address #>> '{geoLocation,lat}')::float8, (address #>> '{geoLocation,lng}')::float8,
		address_geo_point(address), address #>> '{checker,googlePlaceId}',
		address #>> '{checker,dataGouvAddressId}', event_position)
$$;

CREATE FUNCTION project_lot(event jsonb, event_position bigint)
	RETURNS void
	LANGUAGE plpgsql
AS $$
DECLARE
	lot uuid := (event ->> 'aggregateUid')::uuid;
	kind text := event ->> 'eventType';
	item record;
BEGIN
	CASE kind
	WHEN 'LotReferenced' THEN
		INSERT INTO lots (uid, patrimony_uid, company_uid, ref, ref_folded, lot_number, usage, position)
		SELECT lot, p.uid, p.company_uid, event ->> 'ref', perfimmo_ext.fold(event ->> 'ref'),
			event ->> 'lotNumber', event ->> 'usage', event_position
		  FROM patrimonies p WHERE p.uid = (event ->> 'patrimonyUid')::uuid;
		FOR item IN SELECT a.address, a.ordinality
			      FROM jsonb_array_elements(event -> 'addresses') WITH ORDINALITY AS a (address, ordinality)
		LOOP
			PERFORM insert_lot_address(lot, item.address, event_position * 10000 + item.ordinality);
		END LOOP;
	WHEN 'AddressAddedToLot' THEN
		PERFORM insert_lot_address(lot, event -> 'lotAddress', event_position * 10000);
	WHEN 'AddressRemovedFromLot' THEN
		DELETE FROM lot_addresses WHERE uid = (event ->> 'addressUid')::uuid;
	WHEN 'LotReferenceUpdated' THEN
		UPDATE lots SET ref = event ->> 'ref', ref_folded = perfimmo_ext.fold(event ->> 'ref'),
			position = event_position
		 WHERE uid = lot;
	WHEN 'LotNumberUpdated' THEN
		UPDATE lots SET lot_number = event ->> 'lotNumber', position = event_position WHERE uid = lot;
	WHEN 'LotUsageUpdated' THEN
		UPDATE lots SET usage = event ->> 'usage', position = event_position WHERE uid = lot;
	WHEN 'LotDeleted' THEN
		UPDATE lots SET deleted = true, position = event_position WHERE uid = lot;
	ELSE
		RAISE EXCEPTION 'project_lot: unknown event type %', kind;
	END CASE;
END
$$;


-- fold() of every text a provider-contact fulltext term may match, one per line.
CREATE FUNCTION provider_contact_search(label text, phones jsonb, fax jsonb, emails jsonb)
	RETURNS text
	LANGUAGE sql STABLE
AS $$
	SELECT concat_ws(E'\n', perfimmo_ext.fold(label),
		(SELECT string_agg(perfimmo_ext.fold(t), E'\n')
		   FROM (SELECT jsonb_array_elements_text(phones) UNION ALL
			 SELECT jsonb_array_elements_text(fax) UNION ALL
			 SELECT jsonb_array_elements_text(emails)) AS texts (t)))
$$;

CREATE FUNCTION project_providercontact(event jsonb, event_position bigint)
	RETURNS void
	LANGUAGE plpgsql
AS $$
DECLARE
	contact uuid := (event ->> 'aggregateUid')::uuid;
	kind text := event ->> 'eventType';
	contact_label text := display_name(event -> 'name');
BEGIN
	CASE kind
	WHEN 'ProviderContactAdded' THEN
		INSERT INTO provider_contacts (uid, name, label, label_folded, phones, fax, emails,
				search_folded, position)
		VALUES (contact, event -> 'name', contact_label, perfimmo_ext.fold(contact_label), event -> 'phones',
			event -> 'fax', event -> 'emails',
			provider_contact_search(contact_label, event -> 'phones', event -> 'fax', event -> 'emails'),
			event_position);
	WHEN 'ProviderContactUpdated' THEN
		UPDATE provider_contacts SET name = event -> 'name', label = contact_label,
			label_folded = perfimmo_ext.fold(contact_label), phones = event -> 'phones',
			fax = event -> 'fax', emails = event -> 'emails',
			search_folded = provider_contact_search(contact_label, event -> 'phones', event -> 'fax',
				event -> 'emails'),
			position = event_position
		 WHERE uid = contact;
	WHEN 'ProviderContactAssociatedToCallCenter' THEN
		INSERT INTO provider_contact_call_centers (contact_uid, call_center_uid)
		VALUES (contact, (event ->> 'callCenterUid')::uuid) ON CONFLICT DO NOTHING;
	WHEN 'ProviderContactAssociatedToCompany' THEN
		INSERT INTO provider_contact_companies (contact_uid, company_uid, ordinal)
		VALUES (contact, (event ->> 'companyUid')::uuid, event_position) ON CONFLICT DO NOTHING;
	WHEN 'ProviderContactAssociatedWithProviderCompany' THEN
		UPDATE provider_contacts SET provider_company_uid = (event ->> 'providerCompanyUid')::uuid,
			position = event_position
		 WHERE uid = contact;
	WHEN 'ProviderContactAssociatedToAgency' THEN
		INSERT INTO provider_contact_agencies (contact_uid, agency_uid, ordinal)
		VALUES (contact, (event ->> 'agencyUid')::uuid, event_position) ON CONFLICT DO NOTHING;
	WHEN 'ProviderContactDissociatedFromAgency' THEN
		DELETE FROM provider_contact_agencies
		 WHERE contact_uid = contact AND agency_uid = (event ->> 'agencyUid')::uuid;
	WHEN 'ProviderContactDisabled' THEN
		UPDATE provider_contacts SET active = false, position = event_position WHERE uid = contact;
	WHEN 'ProviderContactEnabled' THEN
		UPDATE provider_contacts SET active = true, position = event_position WHERE uid = contact;
	WHEN 'ProviderContactAssociatedWithPatrimony' THEN
		INSERT INTO provider_contact_patrimonies (contact_uid, patrimony_uid, ordinal)
		VALUES (contact, (event ->> 'patrimonyUid')::uuid, event_position) ON CONFLICT DO NOTHING;
	WHEN 'ProviderContactDissociatedFromPatrimony' THEN
		DELETE FROM provider_contact_patrimonies
		 WHERE contact_uid = contact AND patrimony_uid = (event ->> 'patrimonyUid')::uuid;
	WHEN 'ActivityAssignedToProviderContact' THEN
		INSERT INTO provider_contact_activities (contact_uid, activity_uid, incident_types, ordinal)
		VALUES (contact, (event ->> 'activityUid')::uuid, event -> 'includedIncidentTypes', event_position)
		ON CONFLICT (contact_uid, activity_uid)
		DO UPDATE SET incident_types = excluded.incident_types;
	WHEN 'ActivityRemovedFromProviderContact' THEN
		DELETE FROM provider_contact_activities
		 WHERE contact_uid = contact AND activity_uid = (event ->> 'activityUid')::uuid;
	ELSE
		RAISE EXCEPTION 'project_providercontact: unknown event type %', kind;
	END CASE;
END
$$;


-- Views.  Optional members are dropped with jsonb_strip_nulls (stored events
-- never hold null, so only absent values disappear).

CREATE FUNCTION building_view(building uuid)
	RETURNS jsonb
	LANGUAGE sql STABLE
AS $$
	SELECT jsonb_build_object('uid', b.uid, 'label', b.label) FROM buildings b WHERE b.uid = building
$$;

-- PatrimonyQueryAddressReferenceWithBuildingInfo of a lot address.
CREATE FUNCTION patrimony_lot_address_view(address jsonb, building uuid)
	RETURNS jsonb
	LANGUAGE sql STABLE
AS $$
	SELECT jsonb_strip_nulls(jsonb_build_object(
		'uid', address -> 'uid', 'quality', address -> 'quality', 'number', address -> 'number',
		'street', address -> 'street', 'complement', address -> 'complement',
		'zipCode', address -> 'zipCode', 'city', address -> 'city', 'state', address -> 'state',
		'country', address -> 'country', 'geoLocation', address -> 'geoLocation',
		'checker', address -> 'checker', 'building', building_view(building)))
$$;

CREATE FUNCTION patrimony_view(patrimony uuid, detailed boolean)
	RETURNS jsonb
	LANGUAGE sql STABLE
AS $$
	SELECT jsonb_strip_nulls(jsonb_build_object(
		'uid', p.uid, 'ref', p.ref, 'label', p.label,
		'comment', CASE WHEN detailed THEN p.comment END))
	    || jsonb_build_object(
		'agencies', coalesce((
			SELECT jsonb_agg(CASE WHEN detailed
					THEN jsonb_build_object('uid', pa.agency_uid, 'label', a.label)
					ELSE to_jsonb(pa.agency_uid) END ORDER BY pa.ordinal)
			  FROM patrimony_agencies pa LEFT JOIN agencies a ON a.uid = pa.agency_uid
			 WHERE pa.patrimony_uid = p.uid), '[]'),
		'complementaryAddresses', coalesce((
			SELECT jsonb_agg(c.address ORDER BY c.ordinal)
			  FROM patrimony_addresses c WHERE c.patrimony_uid = p.uid), '[]'),
		'addresses', coalesce((
			SELECT jsonb_agg(patrimony_lot_address_view(la.address, la.building_uid)
					ORDER BY l.ref_folded, l.uid, la.ordinal)
			  FROM lots l JOIN lot_addresses la ON la.lot_uid = l.uid
			 WHERE l.patrimony_uid = p.uid AND NOT l.deleted), '[]'))
	    || CASE WHEN detailed THEN jsonb_build_object('buildings', coalesce((
			SELECT jsonb_agg(jsonb_build_object('uid', b.uid, 'label', b.label) ORDER BY b.ordinal)
			  FROM buildings b WHERE b.patrimony_uid = p.uid), '[]'))
		ELSE '{}'::jsonb END
	  FROM patrimonies p WHERE p.uid = patrimony
$$;

-- LotQueryAddress: the stored address with its building named and a status.
CREATE FUNCTION lot_address_view(address jsonb, building uuid)
	RETURNS jsonb
	LANGUAGE sql STABLE
AS $$
	SELECT (address - 'building')
	    || jsonb_strip_nulls(jsonb_build_object('building', building_view(building)))
	    || jsonb_build_object('status', CASE
		WHEN address ? 'geoLocation' AND address ? 'checker' THEN 'AddressIsVerified'
		WHEN address ? 'geoLocation' OR address ? 'checker' THEN 'AddressToCheck'
		ELSE 'AddressIsNotVerified' END)
$$;

-- LotQueryView with its links; BASE_URL is "https://<tenant host>".
CREATE FUNCTION lot_view(lot uuid, base_url text, may_write boolean)
	RETURNS jsonb
	LANGUAGE sql STABLE
AS $$
	SELECT jsonb_build_object(
		'uid', l.uid,
		'patrimony', jsonb_strip_nulls(jsonb_build_object('uid', p.uid, 'label', p.label, 'ref', p.ref)),
		'addresses', coalesce((
			SELECT jsonb_agg(lot_address_view(la.address, la.building_uid) ORDER BY la.ordinal)
			  FROM lot_addresses la WHERE la.lot_uid = l.uid), '[]'),
		'ref', l.ref, 'lotNumber', l.lot_number, 'usage', l.usage,
		'_links', jsonb_build_array(jsonb_build_object('rel', 'self',
				'href', base_url || '/api/v1/lots/' || l.uid, 'method', 'GET'))
		    || CASE WHEN may_write THEN (
			SELECT jsonb_agg(jsonb_build_object('rel', rel,
					'href', base_url || '/api/vEvent/lots/' || l.uid, 'method', 'PATCH')
					ORDER BY ordinality)
			  FROM unnest(ARRAY['AddAddressToLot', 'RemoveAddressFromLot', 'UpdateLotReference',
					'UpdateLotNumber', 'UpdateLotUsage', 'DeleteLot'])
				WITH ORDINALITY AS rels (rel, ordinality))
			ELSE '[]'::jsonb END)
	  FROM lots l JOIN patrimonies p ON p.uid = l.patrimony_uid
	 WHERE l.uid = lot
$$;

CREATE FUNCTION provider_contact_activities_view(contact uuid)
	RETURNS jsonb
	LANGUAGE sql STABLE
AS $$
	SELECT coalesce(jsonb_agg(jsonb_build_object('activityUid', a.activity_uid,
			'includedIncidentTypes', a.incident_types) ORDER BY a.ordinal), '[]')
	  FROM provider_contact_activities a WHERE a.contact_uid = contact
$$;

-- ProviderContactQueryView (or the detailed view) with its links.
CREATE FUNCTION provider_contact_view(contact uuid, base_url text, may_write boolean,
		detailed boolean)
	RETURNS jsonb
	LANGUAGE sql STABLE
AS $$
	SELECT jsonb_build_object(
		'uid', c.uid, 'label', c.label,
		'activities', provider_contact_activities_view(c.uid),
		'phones', c.phones, 'fax', c.fax, 'emails', c.emails, 'active', c.active,
		'_links', jsonb_build_array(
			jsonb_build_object('rel', 'self', 'href', base_url || '/api/v1/providercontacts/' || c.uid,
				'method', 'GET'),
			jsonb_build_object('rel', 'stats',
				'href', base_url || '/api/v1/providercontacts/' || c.uid || '/stats', 'method', 'GET'))
		    || CASE WHEN may_write THEN (
			SELECT jsonb_agg(jsonb_build_object('rel', rel,
					'href', base_url || '/api/vEvent/providercontacts/' || c.uid, 'method', 'PATCH')
					ORDER BY ordinality)
			  FROM unnest(ARRAY['AssociateProviderContactToAgency', 'DissociateProviderContactFromAgency',
					'UpdateProviderContact',
					CASE WHEN c.active THEN 'DisableProviderContact' ELSE 'EnableProviderContact' END])
				WITH ORDINALITY AS rels (rel, ordinality))
			ELSE '[]'::jsonb END)
	    || CASE WHEN c.provider_company_uid IS NULL THEN '{}'::jsonb
		ELSE jsonb_build_object('providerCompany', jsonb_build_object('uid', c.provider_company_uid)) END
	    || CASE WHEN NOT detailed THEN '{}'::jsonb ELSE jsonb_build_object(
		'patrimonies', coalesce((
			SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object('uid', p.uid, 'ref', p.ref,
					'label', p.label)) ORDER BY cp.ordinal)
			  FROM provider_contact_patrimonies cp JOIN patrimonies p ON p.uid = cp.patrimony_uid
			 WHERE cp.contact_uid = c.uid), '[]'),
		'agencies', coalesce((
			SELECT jsonb_agg(jsonb_build_object('uid', ca.agency_uid, 'label', a.label)
					ORDER BY ca.ordinal)
			  FROM provider_contact_agencies ca JOIN agencies a ON a.uid = ca.agency_uid
			 WHERE ca.contact_uid = c.uid), '[]'),
		'company', (
			SELECT jsonb_build_object('uid', co.uid, 'label', co.name)
			  FROM provider_contact_companies cc JOIN companies co ON co.uid = cc.company_uid
			 WHERE cc.contact_uid = c.uid ORDER BY cc.ordinal LIMIT 1)) END
	  FROM provider_contacts c WHERE c.uid = contact
$$;


DO $$
DECLARE
	tenant_role text := current_setting('perfimmo.tenant_role');
BEGIN
	EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON patrimonies, patrimony_agencies, buildings,
		patrimony_addresses, lots, lot_addresses, provider_contacts, provider_contact_companies,
		provider_contact_call_centers, provider_contact_agencies, provider_contact_patrimonies,
		provider_contact_activities TO %I', tenant_role);
END
$$;
