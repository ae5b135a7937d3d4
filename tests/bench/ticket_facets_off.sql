-- Prelude for tests/bench/bench_ticket_appends.py: the ticket write path as
-- it was before migration 013_ticket_facets.sql, inside the benchmark's
-- transaction, which rolls it back.  The facets trigger is dropped and the
-- filter indexes are built on `tickets` again.
DROP TRIGGER ticket_facets_store ON tickets;
CREATE INDEX tickets_created ON tickets (created DESC, uid);
CREATE INDEX tickets_status_created ON tickets (status, created DESC, uid);
CREATE INDEX tickets_agencies ON tickets USING gin (agency_uids);
CREATE INDEX tickets_company ON tickets (company_uid, created DESC);
CREATE INDEX tickets_call_center ON tickets (call_center_uid, created DESC);
CREATE INDEX tickets_city ON tickets USING hash (city_folded);
CREATE INDEX tickets_call_purpose ON tickets USING hash (call_purpose_folded);
CREATE INDEX tickets_assignee ON tickets (assignee_provider_uid);
CREATE INDEX tickets_search ON tickets USING gin (search_folded perfimmo_ext.gin_trgm_ops);
