-- A subscription's eventTypes filter also matches events stored under a
-- former eventType name.
--
-- Readers upcast a stored event to the current shape and name of its type
-- (perfimmo-notify included), but the filter compared the stored
-- events.event_type, so a subscription to AssigneeIdentified missed the
-- events stored as ProviderAssigned.  The upcast registry in C is the only
-- list of renames, so perfimmo-notify passes it to these functions as two
-- text[] of the same length.  FORMER_TYPES lists each retired name, and
-- CURRENT_TYPES, at the same index, the name its events are upcast to.
-- The API accepts only current names in eventTypes.
--
-- These are new overloads.  The versions without the renames stay for the
-- perfimmo-notify of hosts that still run the previous release, until a
-- later migration drops them.

-- Whether event E matches the filters of subscription S, compared under
-- the current name of E's type.
CREATE FUNCTION subscription_matches(s subscriptions, e events,
		former_types text[], current_types text[])
	RETURNS boolean
	LANGUAGE sql STABLE
AS $$
	SELECT (cardinality(s.event_types) = 0
		OR coalesce(current_types[array_position(former_types, e.event_type)], e.event_type)
			= ANY (s.event_types))
	   AND (cardinality(s.aggregates) = 0 OR e.aggregate_type = ANY (s.aggregates))
$$;

-- The next batch of subscription S: scans at most SCAN_MAX events after its
-- acknowledged position and stops at the BATCH_MAX-th event that matches
-- its filters and its owner may see.  Returns where the batch ends and how
-- many events it holds; no row when there is no event after the position.
-- A batch of 0 events only moves the position past events not for S.
CREATE FUNCTION subscription_next_batch(s subscriptions, scan_max integer, batch_max integer,
		former_types text[], current_types text[],
		OUT last_position bigint, OUT event_count integer)
	LANGUAGE sql STABLE
AS $$
	WITH scanned AS (
		SELECT e.position,
		       subscription_matches(s, e, former_types, current_types)
		       AND subscription_owner_sees(s.owner_uid, e.aggregate_type, e.aggregate_uid) AS wanted
		  FROM events e
		 WHERE e.position > s.delivered_position
		 ORDER BY e.position
		 LIMIT scan_max
	), counted AS (
		SELECT position, wanted,
		       count(*) FILTER (WHERE wanted) OVER (ORDER BY position) AS rank
		  FROM scanned
	)
	SELECT coalesce(min(position) FILTER (WHERE wanted AND rank = batch_max), max(position)),
	       least(max(rank), batch_max)::integer
	  FROM counted
	HAVING count(*) > 0
$$;

-- The events of batch D for subscription S, as they go out now: at most
-- BATCH_MAX, in position order, those matching S's filters that its owner
-- may see at this moment.
CREATE FUNCTION subscription_batch_events(s subscriptions, d deliveries, batch_max integer,
		former_types text[], current_types text[])
	RETURNS TABLE (event_position bigint, aggregate_type text, payload text)
	LANGUAGE sql STABLE
AS $$
	SELECT e.position, e.aggregate_type, e.payload::text
	  FROM events e
	 WHERE e.position > d.after_position AND e.position <= d.last_position
	   AND subscription_matches(s, e, former_types, current_types)
	   AND subscription_owner_sees(s.owner_uid, e.aggregate_type, e.aggregate_uid)
	 ORDER BY e.position
	 LIMIT batch_max
$$;

-- The batch SUB is to send: the pending one, kept across retries, or a new
-- one.  NULL when there is none to send: either no event after the
-- position, or none for SUB among those scanned, and then the position
-- moves past them.
CREATE FUNCTION subscription_prepare_batch(sub uuid, scan_max integer, batch_max integer,
		former_types text[], current_types text[])
	RETURNS deliveries
	LANGUAGE plpgsql
AS $$
DECLARE
	s subscriptions;
	d deliveries;
	batch record;
BEGIN
	SELECT * INTO s FROM subscriptions WHERE uid = sub FOR UPDATE;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	IF s.pending_delivery_uid IS NOT NULL THEN
		SELECT * INTO d FROM deliveries WHERE uid = s.pending_delivery_uid;
		RETURN d;
	END IF;

	SELECT * INTO batch
	  FROM subscription_next_batch(s, scan_max, batch_max, former_types, current_types);
	IF batch.last_position IS NULL THEN
		RETURN NULL;
	END IF;
	IF batch.event_count = 0 THEN
		UPDATE subscriptions SET delivered_position = batch.last_position WHERE uid = sub;
		RETURN NULL;
	END IF;

	INSERT INTO deliveries (uid, subscription_uid, after_position, last_position)
	VALUES (gen_random_uuid(), sub, s.delivered_position, batch.last_position)
	RETURNING * INTO d;
	UPDATE subscriptions SET pending_delivery_uid = d.uid WHERE uid = sub;
	RETURN d;
END
$$;
