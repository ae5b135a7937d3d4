-- Query plans of the ticket reads on a loaded tenant, in the shapes that
-- src/readmodel/ticket_list.c, src/readmodel/ticket_query.c and
-- src/api/ticket_reads.c build for a superUser (whose scope condition
-- PostgreSQL folds to true, so it is left out here).
--   psql "$PERFIMMO_ADMIN_DATABASE" -v agency=UUID -v ticket=UUID -f tests/bench/explain_tickets.sql
SET search_path TO t_demo, public;

\echo '== list: agency + status (selective filter: m materialized)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
WITH m AS MATERIALIZED (SELECT t.uid, t.created, t.status, t.agency_uids, t.call_purpose, t.city_folded, t.city, t.position, t.intervention, t.assignee_provider_uid
 FROM ticket_facets t WHERE true AND t.agency_uids && ARRAY[:'agency']::uuid[] AND t.status = 'OPENED')
, c AS ( SELECT status, call_purpose, city_folded, city, intervention, assignee_provider_uid,  agency_uids, count(*) AS n, min(position) AS first FROM m GROUP BY GROUPING SETS (status, call_purpose, (city_folded, city), intervention,  assignee_provider_uid, agency_uids))
, b AS ( SELECT 'status' AS k, status AS v, NULL AS label, n FROM c WHERE status IS NOT NULL
 UNION ALL SELECT 'agencies', a.uid::text, (SELECT g.label FROM agencies g WHERE g.uid = a.uid),  sum(a.n)::bigint FROM (SELECT unnest(agency_uids) AS uid, n FROM c WHERE agency_uids IS NOT NULL) a  GROUP BY a.uid
 UNION ALL SELECT 'callPurposes', call_purpose, NULL, n FROM c WHERE call_purpose IS NOT NULL
 UNION ALL (SELECT DISTINCT ON (city_folded) 'locations', city, NULL,  sum(n) OVER (PARTITION BY city_folded)::bigint FROM c WHERE city_folded IS NOT NULL  ORDER BY city_folded, first)
 UNION ALL SELECT 'interventions', intervention::text, NULL, n FROM c WHERE intervention IS NOT NULL
 UNION ALL SELECT 'providers', assignee_provider_uid::text,  (SELECT r.label FROM ticket_contact_refs r WHERE r.uid = c.assignee_provider_uid), n  FROM c WHERE assignee_provider_uid IS NOT NULL)
, p AS (SELECT uid, created FROM m ORDER BY created DESC, uid LIMIT 100 OFFSET 0)
SELECT 'count', coalesce(sum(n), 0)::text FROM b WHERE k = 'status'
UNION ALL SELECT 'returned', count(*)::text FROM p
UNION ALL SELECT k, jsonb_agg(jsonb_strip_nulls(jsonb_build_object('value', v, 'label',
  CASE WHEN k IN ('agencies', 'providers') THEN coalesce(label, '') END, 'count', n))
  ORDER BY n DESC, v)::text FROM b GROUP BY k
UNION ALL SELECT 'items', string_agg(item::text, ',' ORDER BY p.created DESC, p.uid)
  FROM p JOIN tickets t ON t.uid = p.uid CROSS JOIN LATERAL ticket_list_item(t) AS item;

\echo '== list: city + call purpose (selective filter: m materialized)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
WITH m AS MATERIALIZED (SELECT t.uid, t.created, t.status, t.agency_uids, t.call_purpose, t.city_folded, t.city, t.position, t.intervention, t.assignee_provider_uid
 FROM ticket_facets t WHERE true AND t.city_folded = ANY ('{lyon}'::text[])
   AND t.call_purpose_folded = ANY ('{chauffe eau}'::text[]))
, c AS ( SELECT status, call_purpose, city_folded, city, intervention, assignee_provider_uid,  agency_uids, count(*) AS n, min(position) AS first FROM m GROUP BY GROUPING SETS (status, call_purpose, (city_folded, city), intervention,  assignee_provider_uid, agency_uids))
, b AS ( SELECT 'status' AS k, status AS v, NULL AS label, n FROM c WHERE status IS NOT NULL
 UNION ALL SELECT 'agencies', a.uid::text, (SELECT g.label FROM agencies g WHERE g.uid = a.uid),  sum(a.n)::bigint FROM (SELECT unnest(agency_uids) AS uid, n FROM c WHERE agency_uids IS NOT NULL) a  GROUP BY a.uid
 UNION ALL SELECT 'callPurposes', call_purpose, NULL, n FROM c WHERE call_purpose IS NOT NULL
 UNION ALL (SELECT DISTINCT ON (city_folded) 'locations', city, NULL,  sum(n) OVER (PARTITION BY city_folded)::bigint FROM c WHERE city_folded IS NOT NULL  ORDER BY city_folded, first)
 UNION ALL SELECT 'interventions', intervention::text, NULL, n FROM c WHERE intervention IS NOT NULL
 UNION ALL SELECT 'providers', assignee_provider_uid::text,  (SELECT r.label FROM ticket_contact_refs r WHERE r.uid = c.assignee_provider_uid), n  FROM c WHERE assignee_provider_uid IS NOT NULL)
, p AS (SELECT uid, created FROM m ORDER BY created DESC, uid LIMIT 100 OFFSET 0)
SELECT 'count', coalesce(sum(n), 0)::text FROM b WHERE k = 'status'
UNION ALL SELECT 'returned', count(*)::text FROM p
UNION ALL SELECT k, jsonb_agg(jsonb_strip_nulls(jsonb_build_object('value', v, 'label',
  CASE WHEN k IN ('agencies', 'providers') THEN coalesce(label, '') END, 'count', n))
  ORDER BY n DESC, v)::text FROM b GROUP BY k
UNION ALL SELECT 'items', string_agg(item::text, ',' ORDER BY p.created DESC, p.uid)
  FROM p JOIN tickets t ON t.uid = p.uid CROSS JOIN LATERAL ticket_list_item(t) AS item;

\echo '== list: fulltext, one broad term (selective filter: m materialized)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
WITH m AS MATERIALIZED (SELECT t.uid, t.created, t.status, t.agency_uids, t.call_purpose, t.city_folded, t.city, t.position, t.intervention, t.assignee_provider_uid
 FROM ticket_facets t WHERE true AND (t.search_folded LIKE '%chauffe eau%'
   OR t.agency_uids && ARRAY(SELECT uid FROM agencies WHERE label_folded LIKE '%chauffe eau%')
   OR t.patrimony_uid = ANY (ARRAY(SELECT uid FROM ticket_patrimony_refs WHERE search_folded LIKE '%chauffe eau%'))
   OR t.assignee_provider_uid = ANY (ARRAY(SELECT uid FROM ticket_contact_refs WHERE label_folded LIKE '%chauffe eau%'))))
, c AS ( SELECT status, call_purpose, city_folded, city, intervention, assignee_provider_uid,  agency_uids, count(*) AS n, min(position) AS first FROM m GROUP BY GROUPING SETS (status, call_purpose, (city_folded, city), intervention,  assignee_provider_uid, agency_uids))
, b AS ( SELECT 'status' AS k, status AS v, NULL AS label, n FROM c WHERE status IS NOT NULL
 UNION ALL SELECT 'agencies', a.uid::text, (SELECT g.label FROM agencies g WHERE g.uid = a.uid),  sum(a.n)::bigint FROM (SELECT unnest(agency_uids) AS uid, n FROM c WHERE agency_uids IS NOT NULL) a  GROUP BY a.uid
 UNION ALL SELECT 'callPurposes', call_purpose, NULL, n FROM c WHERE call_purpose IS NOT NULL
 UNION ALL (SELECT DISTINCT ON (city_folded) 'locations', city, NULL,  sum(n) OVER (PARTITION BY city_folded)::bigint FROM c WHERE city_folded IS NOT NULL  ORDER BY city_folded, first)
 UNION ALL SELECT 'interventions', intervention::text, NULL, n FROM c WHERE intervention IS NOT NULL
 UNION ALL SELECT 'providers', assignee_provider_uid::text,  (SELECT r.label FROM ticket_contact_refs r WHERE r.uid = c.assignee_provider_uid), n  FROM c WHERE assignee_provider_uid IS NOT NULL)
, p AS (SELECT uid, created FROM m ORDER BY created DESC, uid LIMIT 100 OFFSET 0)
SELECT 'count', coalesce(sum(n), 0)::text FROM b WHERE k = 'status'
UNION ALL SELECT 'returned', count(*)::text FROM p
UNION ALL SELECT k, jsonb_agg(jsonb_strip_nulls(jsonb_build_object('value', v, 'label',
  CASE WHEN k IN ('agencies', 'providers') THEN coalesce(label, '') END, 'count', n))
  ORDER BY n DESC, v)::text FROM b GROUP BY k
UNION ALL SELECT 'items', string_agg(item::text, ',' ORDER BY p.created DESC, p.uid)
  FROM p JOIN tickets t ON t.uid = p.uid CROSS JOIN LATERAL ticket_list_item(t) AS item;

\echo '== list: status only (aggregations summed from ticket_counts; m not materialized, read by the page only)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
WITH m AS NOT MATERIALIZED (SELECT t.uid, t.created, t.status, t.agency_uids, t.call_purpose, t.city_folded, t.city, t.position, t.intervention, t.assignee_provider_uid
 FROM ticket_facets t WHERE true AND t.status = 'OPENED')
, s AS (SELECT t.agency_uids, t.status, t.kind, t.value, t.spelling, t.n FROM ticket_counts t WHERE true AND t.status = 'OPENED')
, l AS (SELECT value AS folded, spelling, sum(n)::bigint AS n FROM s WHERE kind = 'locations' GROUP BY value, spelling)
, lk AS (SELECT folded, sum(n)::bigint AS n, array_agg(spelling ORDER BY n DESC, spelling) AS spellings FROM l GROUP BY folded)
, b AS ( SELECT 'status' AS k, status AS v, NULL AS label, sum(n)::bigint AS n FROM s  WHERE kind = 'tickets' GROUP BY status
 UNION ALL SELECT 'agencies', a.uid::text, (SELECT g.label FROM agencies g WHERE g.uid = a.uid),  sum(a.n)::bigint FROM (SELECT unnest(agency_uids) AS uid, n FROM s WHERE kind = 'tickets') a  GROUP BY a.uid
 UNION ALL SELECT 'callPurposes', value, NULL, sum(n)::bigint FROM s  WHERE kind = 'callPurposes' GROUP BY value
 UNION ALL SELECT 'locations', CASE WHEN cardinality(lk.spellings) = 1 THEN lk.spellings[1]  ELSE (SELECT CASE WHEN EXISTS (SELECT FROM ticket_facets t WHERE true AND t.status = 'OPENED' AND t.city = lk.spellings[1] AND t.position < o.position)   THEN lk.spellings[1] ELSE o.city END  FROM (SELECT f.city, f.position FROM unnest(lk.spellings[2:]) AS other (city)   CROSS JOIN LATERAL (SELECT t.city, t.position FROM ticket_facets t WHERE true AND t.status = 'OPENED' AND t.city = other.city ORDER BY t.position LIMIT 1) f   ORDER BY f.position LIMIT 1) o) END, NULL, lk.n FROM lk
 UNION ALL SELECT 'interventions', value, NULL, sum(n)::bigint FROM s  WHERE kind = 'interventions' GROUP BY value
 UNION ALL SELECT 'providers', value,  (SELECT r.label FROM ticket_contact_refs r WHERE r.uid = s.value::uuid), sum(n)::bigint  FROM s WHERE kind = 'providers' GROUP BY value)
, p AS (SELECT uid, created FROM m ORDER BY created DESC, uid LIMIT 100 OFFSET 0)
SELECT 'count', coalesce(sum(n), 0)::text FROM b WHERE k = 'status'
UNION ALL SELECT 'returned', count(*)::text FROM p
UNION ALL SELECT k, jsonb_agg(jsonb_strip_nulls(jsonb_build_object('value', v, 'label',
  CASE WHEN k IN ('agencies', 'providers') THEN coalesce(label, '') END, 'count', n))
  ORDER BY n DESC, v)::text FROM b GROUP BY k
UNION ALL SELECT 'items', string_agg(item::text, ',' ORDER BY p.created DESC, p.uid)
  FROM p JOIN tickets t ON t.uid = p.uid CROSS JOIN LATERAL ticket_list_item(t) AS item;

\echo '== list: no filter (aggregations summed from ticket_counts; m not materialized, read by the page only)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
WITH m AS NOT MATERIALIZED (SELECT t.uid, t.created, t.status, t.agency_uids, t.call_purpose, t.city_folded, t.city, t.position, t.intervention, t.assignee_provider_uid
 FROM ticket_facets t WHERE true)
, s AS (SELECT t.agency_uids, t.status, t.kind, t.value, t.spelling, t.n FROM ticket_counts t WHERE true)
, l AS (SELECT value AS folded, spelling, sum(n)::bigint AS n FROM s WHERE kind = 'locations' GROUP BY value, spelling)
, lk AS (SELECT folded, sum(n)::bigint AS n, array_agg(spelling ORDER BY n DESC, spelling) AS spellings FROM l GROUP BY folded)
, b AS ( SELECT 'status' AS k, status AS v, NULL AS label, sum(n)::bigint AS n FROM s  WHERE kind = 'tickets' GROUP BY status
 UNION ALL SELECT 'agencies', a.uid::text, (SELECT g.label FROM agencies g WHERE g.uid = a.uid),  sum(a.n)::bigint FROM (SELECT unnest(agency_uids) AS uid, n FROM s WHERE kind = 'tickets') a  GROUP BY a.uid
 UNION ALL SELECT 'callPurposes', value, NULL, sum(n)::bigint FROM s  WHERE kind = 'callPurposes' GROUP BY value
 UNION ALL SELECT 'locations', CASE WHEN cardinality(lk.spellings) = 1 THEN lk.spellings[1]  ELSE (SELECT CASE WHEN EXISTS (SELECT FROM ticket_facets t WHERE true AND t.city = lk.spellings[1] AND t.position < o.position)   THEN lk.spellings[1] ELSE o.city END  FROM (SELECT f.city, f.position FROM unnest(lk.spellings[2:]) AS other (city)   CROSS JOIN LATERAL (SELECT t.city, t.position FROM ticket_facets t WHERE true AND t.city = other.city ORDER BY t.position LIMIT 1) f   ORDER BY f.position LIMIT 1) o) END, NULL, lk.n FROM lk
 UNION ALL SELECT 'interventions', value, NULL, sum(n)::bigint FROM s  WHERE kind = 'interventions' GROUP BY value
 UNION ALL SELECT 'providers', value,  (SELECT r.label FROM ticket_contact_refs r WHERE r.uid = s.value::uuid), sum(n)::bigint  FROM s WHERE kind = 'providers' GROUP BY value)
, p AS (SELECT uid, created FROM m ORDER BY created DESC, uid LIMIT 100 OFFSET 0)
SELECT 'count', coalesce(sum(n), 0)::text FROM b WHERE k = 'status'
UNION ALL SELECT 'returned', count(*)::text FROM p
UNION ALL SELECT k, jsonb_agg(jsonb_strip_nulls(jsonb_build_object('value', v, 'label',
  CASE WHEN k IN ('agencies', 'providers') THEN coalesce(label, '') END, 'count', n))
  ORDER BY n DESC, v)::text FROM b GROUP BY k
UNION ALL SELECT 'items', string_agg(item::text, ',' ORDER BY p.created DESC, p.uid)
  FROM p JOIN tickets t ON t.uid = p.uid CROSS JOIN LATERAL ticket_list_item(t) AS item;

\echo '== export page: one agency, 1 000 items'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT (SELECT item FROM tickets x CROSS JOIN LATERAL ticket_export_item(x) AS item WHERE x.uid = t.uid)::text
  FROM ticket_facets t WHERE true AND t.agency_uids && ARRAY[:'agency']::uuid[]
 ORDER BY t.created, t.uid LIMIT 1000 OFFSET 0;

\echo '== stats: one agency'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT last_seven_days, last_month, current_month, n,
       coalesce(NULL::date, today) - coalesce(NULL::date, (first AT TIME ZONE 'Europe/Paris')::date, today) + 1
  FROM (SELECT count(*) FILTER (WHERE t.created >= now() - interval '168 hours' AND t.created <= now()) AS last_seven_days,
               count(*) FILTER (WHERE t.created >= m.last AND t.created < m.current) AS last_month,
               count(*) FILTER (WHERE t.created >= m.current AND t.created <= now()) AS current_month,
               (now() AT TIME ZONE 'Europe/Paris')::date AS today,
               count(*) FILTER (WHERE true) AS n, min(t.created) FILTER (WHERE true) AS first
          FROM (SELECT date_trunc('month', now() AT TIME ZONE 'Europe/Paris') AT TIME ZONE 'Europe/Paris' AS current,
                       (date_trunc('month', now() AT TIME ZONE 'Europe/Paris') - interval '1 month')
                         AT TIME ZONE 'Europe/Paris' AS last) m, ticket_facets t
         WHERE true AND t.agency_uids && ARRAY[:'agency']::uuid[]) x;

\echo '== detail row'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT ticket_detail_view(t, 'demo.perfimmo.test')::text FROM tickets t WHERE t.uid = :'ticket'::uuid AND true;

\echo '== detail journal'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT payload::text, to_char((d AT TIME ZONE 'Europe/Paris')::date, 'YYYY-MM-DD'), ticket_iso(d), version
  FROM (SELECT payload, version, ticket_business_date(payload) AS d FROM events
         WHERE aggregate_type = 'ticket' AND aggregate_uid = :'ticket') e
 ORDER BY 2, d, version;

\echo '== ticket event feed: one hour'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT e.payload::text FROM events e JOIN tickets t ON t.uid = e.aggregate_uid
 WHERE e.aggregate_type = 'ticket' AND e.payload ->> 'sentDate' >= to_char(now() - interval '1 hour', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
   AND e.payload ->> 'sentDate' <= to_char(now(), 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AND true
 ORDER BY e.payload ->> 'sentDate', e.position LIMIT 100 OFFSET 0;
