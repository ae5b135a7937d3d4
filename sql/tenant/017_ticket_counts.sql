-- ticket_counts: the aggregations of the ticket list, counted ahead by the
-- write path.  A list filtered by nothing but `status` sums these rows, one
-- per agency list, status and value (1 760 rows for the 100 000 tickets of
-- tests/data/gen_tickets.py), instead of reading every matching ticket.
--
-- A row counts the tickets of one status whose scope columns (company,
-- call center, agency list) are equal, and, per aggregation kind, one value:
--   tickets        value '' (every ticket), which also gives the agencies
--                  buckets by unnesting agency_uids
--   callPurposes   call_purpose
--   locations      city_folded, with `spelling` the city as written
--   interventions  intervention as 'true' or 'false'
--   providers      assignee_provider_uid (tickets without one: no row)
-- The scope columns are those of scope_sees_ticket() but the patrimony, so
-- the counts give every viewer's scope exactly except a patrimony
-- manager's, whose lists keep reading ticket_facets.
--
-- A row trigger on ticket_facets keeps the counts in the transaction that
-- writes the ticket, so a list never disagrees with the tickets.  Ticket
-- commands already hold the tenant's command lock while they write, so the
-- counter rows add no waiting between them.  A row whose count falls to 0
-- is deleted, so the table equals a recount of ticket_facets whatever the
-- order of the writes (a rebuild or an import in batches compares them).

CREATE TABLE ticket_counts (
	company_uid uuid,
	call_center_uid uuid,
	agency_uids uuid[] NOT NULL,
	status text NOT NULL,
	kind text NOT NULL
		CHECK (kind IN ('tickets', 'callPurposes', 'locations', 'interventions', 'providers')),
	value text NOT NULL,
	spelling text NOT NULL,			-- the city for kind locations, else ''
	n bigint NOT NULL,
	-- The nullable columns come last, so that the trigger's UPDATE and
	-- DELETE find their rows through this index by equality on the others.
	UNIQUE NULLS NOT DISTINCT (agency_uids, status, kind, value, spelling, company_uid,
		call_center_uid)
) WITH (fillfactor = 50);
-- Each row is updated by many commands: the free half of each page lets
-- those updates stay on their page (HOT) and be pruned there.

-- The counter rows of facets row F: one per kind, kind providers only with
-- an assignee provider.
CREATE FUNCTION ticket_counts_rows(f ticket_facets)
	RETURNS TABLE (company_uid uuid, call_center_uid uuid, agency_uids uuid[], status text,
		kind text, value text, spelling text)
	LANGUAGE sql IMMUTABLE
AS $$
	SELECT f.company_uid, f.call_center_uid, f.agency_uids, f.status, r.kind, r.value, r.spelling
	  FROM (VALUES ('tickets', '', ''),
	               ('callPurposes', f.call_purpose, ''),
	               ('locations', f.city_folded, f.city),
	               ('interventions', f.intervention::text, ''),
	               ('providers', f.assignee_provider_uid::text, '')) AS r (kind, value, spelling)
	 WHERE r.value IS NOT NULL
$$;

-- Adds the ticket of NEW and takes away the ticket of OLD.  An update adds
-- the difference only, because ON CONFLICT cannot change one row twice in
-- a statement.  A delete only lowers existing rows: the swap of a rebuild
-- empties ticket_counts before it deletes ticket_facets, and then fills
-- both again from the inserted tickets.
CREATE FUNCTION ticket_counts_store() RETURNS trigger
	LANGUAGE plpgsql
AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		INSERT INTO ticket_counts AS c (company_uid, call_center_uid, agency_uids, status,
			kind, value, spelling, n)
		SELECT r.*, 1 FROM ticket_counts_rows(NEW) r
		ON CONFLICT (agency_uids, status, kind, value, spelling, company_uid, call_center_uid)
		DO UPDATE SET n = c.n + 1;
		RETURN NULL;
	END IF;

	IF TG_OP = 'DELETE' THEN
		UPDATE ticket_counts c SET n = c.n - 1
		  FROM ticket_counts_rows(OLD) o
		 WHERE (c.agency_uids, c.status, c.kind, c.value, c.spelling)
		       = (o.agency_uids, o.status, o.kind, o.value, o.spelling)
		   AND c.company_uid IS NOT DISTINCT FROM o.company_uid
		   AND c.call_center_uid IS NOT DISTINCT FROM o.call_center_uid;
	ELSE
		INSERT INTO ticket_counts AS c (company_uid, call_center_uid, agency_uids, status,
			kind, value, spelling, n)
		SELECT d.company_uid, d.call_center_uid, d.agency_uids, d.status, d.kind, d.value,
			d.spelling, sum(d.delta)
		  FROM (SELECT *, 1 AS delta FROM ticket_counts_rows(NEW)
			UNION ALL
			SELECT *, -1 FROM ticket_counts_rows(OLD)) AS d
		 GROUP BY 1, 2, 3, 4, 5, 6, 7
		HAVING sum(d.delta) <> 0
		ON CONFLICT (agency_uids, status, kind, value, spelling, company_uid, call_center_uid)
		DO UPDATE SET n = c.n + excluded.n;
	END IF;

	-- Only the rows of OLD can have fallen to 0.
	DELETE FROM ticket_counts c
	 USING ticket_counts_rows(OLD) o
	 WHERE (c.agency_uids, c.status, c.kind, c.value, c.spelling)
	       = (o.agency_uids, o.status, o.kind, o.value, o.spelling)
	   AND c.company_uid IS NOT DISTINCT FROM o.company_uid
	   AND c.call_center_uid IS NOT DISTINCT FROM o.call_center_uid
	   AND c.n = 0;
	RETURN NULL;
END
$$;

CREATE TRIGGER ticket_counts_insert AFTER INSERT ON ticket_facets
	FOR EACH ROW EXECUTE FUNCTION ticket_counts_store();
CREATE TRIGGER ticket_counts_delete AFTER DELETE ON ticket_facets
	FOR EACH ROW EXECUTE FUNCTION ticket_counts_store();
-- Most events change only `position`: the WHEN clause skips the function
-- call for them.
CREATE TRIGGER ticket_counts_update AFTER UPDATE ON ticket_facets
	FOR EACH ROW
	WHEN ((OLD.company_uid, OLD.call_center_uid, OLD.agency_uids, OLD.status,
		OLD.call_purpose, OLD.city_folded, OLD.city, OLD.intervention,
		OLD.assignee_provider_uid)
	      IS DISTINCT FROM
	      (NEW.company_uid, NEW.call_center_uid, NEW.agency_uids, NEW.status,
		NEW.call_purpose, NEW.city_folded, NEW.city, NEW.intervention,
		NEW.assignee_provider_uid))
	EXECUTE FUNCTION ticket_counts_store();

-- The tickets of one spelling of a location, which the list reads when a
-- location has several spellings (src/readmodel/ticket_counts.c).  A hash
-- index, because a btree entry of free text is bounded.
CREATE INDEX ticket_facets_city_spelling ON ticket_facets USING hash (city);

INSERT INTO ticket_counts (company_uid, call_center_uid, agency_uids, status, kind, value,
	spelling, n)
SELECT r.company_uid, r.call_center_uid, r.agency_uids, r.status, r.kind, r.value, r.spelling,
	count(*)
  FROM ticket_facets f CROSS JOIN LATERAL ticket_counts_rows(f) AS r
 GROUP BY 1, 2, 3, 4, 5, 6, 7;

INSERT INTO table_registry (table_name, kind) VALUES ('ticket_counts', 'read_model');

DO $$
BEGIN
	EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ticket_counts TO %I',
		current_setting('perfimmo.tenant_role'));
END
$$;
