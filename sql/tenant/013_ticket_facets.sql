-- ticket_facets: the columns of each ticket that the list, the export and
-- the stats filter, sort and aggregate on, in a narrow table of their own.
--
-- Every list page reads all the tickets that match its filters, because
-- its count and aggregations cover them all.  In `tickets` a row takes
-- about 2.8 KB of heap (jsonb views, fillfactor 80), so 10 000 matching
-- tickets were on about 9 000 heap pages.  With the default shared_buffers
-- of 128 MB, most of those pages came from the operating system's cache.
-- Here a row takes about 340 bytes: 34 MB for the 100 000 tickets of
-- tests/data/gen_tickets.py.  The filter indexes move here with the
-- columns, so `tickets` keeps only those its own statements use.
--
-- A trigger on `tickets` keeps the rows equal to the ticket's, whichever
-- statement writes `tickets` (the projection, the agency changes of a
-- patrimony, the swap of a rebuild).  The rebuild's shadow copy of
-- `tickets` has no trigger, so the shadow ticket_facets stays empty and
-- the live rows come from the trigger when the swap inserts the rebuilt
-- tickets.

CREATE TABLE ticket_facets (
	uid uuid PRIMARY KEY REFERENCES tickets ON DELETE CASCADE,
	created timestamptz NOT NULL,
	position bigint NOT NULL,		-- of the ticket's last event
	patrimony_uid uuid,
	company_uid uuid,
	call_center_uid uuid,
	assignee_provider_uid uuid,
	intervention boolean NOT NULL,
	status text NOT NULL,
	agency_uids uuid[] NOT NULL,
	call_purpose text NOT NULL,
	call_purpose_folded text NOT NULL,
	city text NOT NULL,			-- address ->> 'city'
	city_folded text NOT NULL,
	search_folded text NOT NULL
) WITH (fillfactor = 90);

-- Every event changes `position`, which no index covers, so most updates
-- stay on their page (HOT).  `status` has no index: with two values it
-- never selects few enough rows to beat reading them.
CREATE INDEX ticket_facets_created ON ticket_facets (created DESC, uid);
CREATE INDEX ticket_facets_agencies ON ticket_facets USING gin (agency_uids);
CREATE INDEX ticket_facets_patrimony ON ticket_facets (patrimony_uid);
CREATE INDEX ticket_facets_company ON ticket_facets (company_uid);
CREATE INDEX ticket_facets_call_center ON ticket_facets (call_center_uid);
-- Equality filters on free text use hash indexes: a btree entry is bounded.
CREATE INDEX ticket_facets_city ON ticket_facets USING hash (city_folded);
CREATE INDEX ticket_facets_call_purpose ON ticket_facets USING hash (call_purpose_folded);
CREATE INDEX ticket_facets_assignee ON ticket_facets (assignee_provider_uid);
CREATE INDEX ticket_facets_search ON ticket_facets USING gin (search_folded perfimmo_ext.gin_trgm_ops);

-- Copies the facets of the inserted or updated ticket row NEW.  The
-- unqualified ticket_facets follows search_path, like every projection, so
-- a write to another schema's tickets is an error instead of a leak.
CREATE FUNCTION ticket_facets_store() RETURNS trigger
	LANGUAGE plpgsql
AS $$
BEGIN
	IF TG_TABLE_SCHEMA <> current_schema() THEN
		RAISE EXCEPTION 'tickets of schema % written while search_path starts with schema %',
			TG_TABLE_SCHEMA, current_schema();
	END IF;

	IF TG_OP = 'INSERT' THEN
		INSERT INTO ticket_facets (uid, created, position, patrimony_uid, company_uid,
			call_center_uid, assignee_provider_uid, intervention, status, agency_uids,
			call_purpose, call_purpose_folded, city, city_folded, search_folded)
		VALUES (NEW.uid, NEW.created, NEW.position, NEW.patrimony_uid, NEW.company_uid,
			NEW.call_center_uid, NEW.assignee_provider_uid, NEW.intervention, NEW.status,
			NEW.agency_uids, NEW.call_purpose, NEW.call_purpose_folded, NEW.address ->> 'city',
			NEW.city_folded, NEW.search_folded);
		RETURN NULL;
	END IF;

	UPDATE ticket_facets SET (created, position, patrimony_uid, company_uid, call_center_uid,
		assignee_provider_uid, intervention, status, agency_uids, call_purpose,
		call_purpose_folded, city, city_folded, search_folded)
	= (NEW.created, NEW.position, NEW.patrimony_uid, NEW.company_uid, NEW.call_center_uid,
		NEW.assignee_provider_uid, NEW.intervention, NEW.status, NEW.agency_uids,
		NEW.call_purpose, NEW.call_purpose_folded, NEW.address ->> 'city', NEW.city_folded,
		NEW.search_folded)
	WHERE uid = NEW.uid;
	RETURN NULL;
END
$$;

CREATE TRIGGER ticket_facets_store AFTER INSERT OR UPDATE ON tickets
	FOR EACH ROW EXECUTE FUNCTION ticket_facets_store();

INSERT INTO ticket_facets (uid, created, position, patrimony_uid, company_uid, call_center_uid,
	assignee_provider_uid, intervention, status, agency_uids, call_purpose,
	call_purpose_folded, city, city_folded, search_folded)
SELECT uid, created, position, patrimony_uid, company_uid, call_center_uid,
	assignee_provider_uid, intervention, status, agency_uids, call_purpose,
	call_purpose_folded, address ->> 'city', city_folded, search_folded
  FROM tickets;

-- The list, export and stats now filter ticket_facets.  tickets_patrimony
-- stays for the agency changes of a patrimony, tickets_providers for the
-- statistics of a provider contact.
DROP INDEX tickets_created, tickets_status_created, tickets_agencies, tickets_company,
	tickets_call_center, tickets_city, tickets_call_purpose, tickets_assignee, tickets_search;

-- After tickets, which it references.
INSERT INTO table_registry (table_name, kind) VALUES ('ticket_facets', 'read_model');

DO $$
BEGIN
	EXECUTE format('GRANT SELECT, INSERT, UPDATE ON ticket_facets TO %I',
		current_setting('perfimmo.tenant_role'));
END
$$;
