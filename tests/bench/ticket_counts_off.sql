-- Prelude for tests/bench/bench_ticket_appends.py: the ticket write path as
-- it was before migration 017_ticket_counts.sql, inside the benchmark's
-- transaction, which rolls it back.  The triggers that keep ticket_counts
-- and the index on the spelling of the city are dropped.
DROP TRIGGER ticket_counts_insert ON ticket_facets;
DROP TRIGGER ticket_counts_delete ON ticket_facets;
DROP TRIGGER ticket_counts_update ON ticket_facets;
DROP INDEX ticket_facets_city_spelling;
