-- Webhook figures of the tenant for the metrics scrape (perfimmo-api
-- /metrics): subscriptions by state, and how far the active ones lag
-- behind the journal.
--
-- LAG_EVENTS is the number of journal positions after the position the
-- slowest active subscription has acknowledged (or passed over, for events
-- outside its filters).  LAG_SECONDS is the age of the first of those
-- events, 0 when every active subscription is up to date.
CREATE FUNCTION webhook_metrics(OUT active integer, OUT disabled integer,
		OUT lag_events bigint, OUT lag_seconds double precision)
	LANGUAGE sql STABLE
AS $$
	WITH head AS (
		SELECT coalesce(max(position), 0) AS last_position FROM events
	), slowest AS (
		SELECT min(delivered_position) AS position FROM subscriptions WHERE state = 'Active'
	)
	SELECT (SELECT count(*) FROM subscriptions WHERE state = 'Active')::integer,
	       (SELECT count(*) FROM subscriptions WHERE state = 'Disabled')::integer,
	       greatest(head.last_position - coalesce(slowest.position, head.last_position), 0),
	       coalesce(extract(epoch FROM clock_timestamp() -
		       (SELECT e.stored_at FROM events e WHERE e.position > slowest.position
			 ORDER BY e.position LIMIT 1))::double precision, 0)
	  FROM head, slowest
$$;

DO $$
BEGIN
	EXECUTE format('GRANT EXECUTE ON FUNCTION webhook_metrics() TO %I',
		current_setting('perfimmo.tenant_role'));
END
$$;
