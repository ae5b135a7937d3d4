-- Query plans of the ticket reads on a loaded tenant, in the shapes that
-- src/readmodel/ticket_query.c and src/api/ticket_reads.c build.
--   psql "$PERFIMMO_ADMIN_DATABASE" -v agency=UUID -v ticket=UUID -f tests/bench/explain_tickets.sql
SET search_path TO t_demo, public;

\echo '== list page: agency + status'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT ticket_query_view(t)::text FROM tickets t
 WHERE true AND t.agency_uids && ARRAY[:'agency']::uuid[] AND t.status = 'OPENED'
 ORDER BY t.created DESC, t.uid LIMIT 100 OFFSET 0;

\echo '== count: agency + status'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT count(*) FROM tickets t
 WHERE true AND t.agency_uids && ARRAY[:'agency']::uuid[] AND t.status = 'OPENED';

\echo '== list page: city + call purpose'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT ticket_query_view(t)::text FROM tickets t
 WHERE true AND t.city_folded = ANY ('{lyon}'::text[])
   AND t.call_purpose_folded = ANY ('{electricite}'::text[])
 ORDER BY t.created DESC, t.uid LIMIT 100 OFFSET 0;

\echo '== fulltext count: one term'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT count(*) FROM tickets t WHERE true
   AND (t.search_folded LIKE '%sin 00123%'
    OR t.agency_uids && ARRAY(SELECT uid FROM agencies WHERE label_folded LIKE '%sin 00123%')
    OR t.patrimony_uid = ANY (ARRAY(SELECT uid FROM ticket_patrimony_refs WHERE search_folded LIKE '%sin 00123%'))
    OR t.assignee_provider_uid = ANY (ARRAY(SELECT uid FROM ticket_contact_refs WHERE label_folded LIKE '%sin 00123%')));

\echo '== detail row'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT ticket_detail_view(t, 'demo.perfimmo.test')::text FROM tickets t WHERE t.uid = :'ticket'::uuid AND true;

\echo '== detail journal'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT payload::text, to_char((d AT TIME ZONE 'Europe/Paris')::date, 'YYYY-MM-DD'), ticket_iso(d), version
  FROM (SELECT payload, version, ticket_business_date(payload) AS d FROM events
         WHERE aggregate_type = 'ticket' AND aggregate_uid = :'ticket') e
 ORDER BY 2, d, version;

\echo '== stats: one agency'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT count(*) FILTER (WHERE t.created >= now() - interval '168 hours' AND t.created <= now()),
       count(*) FILTER (WHERE t.created >= m.last AND t.created < m.current),
       count(*) FILTER (WHERE t.created >= m.current AND t.created <= now())
  FROM (SELECT date_trunc('month', now() AT TIME ZONE 'Europe/Paris') AT TIME ZONE 'Europe/Paris' AS current,
               (date_trunc('month', now() AT TIME ZONE 'Europe/Paris') - interval '1 month')
                 AT TIME ZONE 'Europe/Paris' AS last) m, tickets t
 WHERE true AND t.agency_uids && ARRAY[:'agency']::uuid[];

\echo '== ticket event feed: one hour'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT e.payload::text FROM events e JOIN tickets t ON t.uid = e.aggregate_uid
 WHERE e.aggregate_type = 'ticket' AND e.payload ->> 'sentDate' >= to_char(now() - interval '1 hour', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
   AND e.payload ->> 'sentDate' <= to_char(now(), 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AND true
 ORDER BY e.payload ->> 'sentDate', e.position LIMIT 100 OFFSET 0;
