-- Webhook subscriptions (notifications.md §2-§3): what each subscription
-- wants, how far its receiver has acknowledged the journal, the batch being
-- delivered and every attempt.  The API (tenant role) manages them; the
-- sender perfimmo-notify (role perfimmo_notify) delivers.

CREATE TABLE subscriptions (
	uid uuid PRIMARY KEY,
	owner_uid uuid NOT NULL,
	url text NOT NULL CHECK (length(url) <= 2000),
	event_types text[] NOT NULL DEFAULT '{}',
	aggregates text[] NOT NULL DEFAULT '{}',
	description text CHECK (length(description) <= 200),
	state text NOT NULL DEFAULT 'Active' CHECK (state IN ('Active', 'Disabled')),
	created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
	-- Last journal position acknowledged by the receiver (or passed over
	-- because nothing after the previous one was for this subscription).
	delivered_position bigint NOT NULL CHECK (delivered_position >= 0),
	last_attempt_at timestamptz,
	last_success_at timestamptz,
	last_error text,
	consecutive_failures integer NOT NULL DEFAULT 0,
	-- First failure of the current run of failures: 24 h later the
	-- subscription is disabled.
	failing_since timestamptz,
	-- Earliest time of the next attempt (back-off after a failure).
	next_attempt_at timestamptz NOT NULL DEFAULT clock_timestamp(),
	-- The batch being delivered, kept across its retries.
	pending_delivery_uid uuid
);
CREATE INDEX subscriptions_owner ON subscriptions (owner_uid, created_at, uid);
CREATE INDEX subscriptions_list ON subscriptions (created_at, uid);
CREATE INDEX subscriptions_next_attempt ON subscriptions (next_attempt_at) WHERE state = 'Active';

-- Signing secrets, apart from the subscriptions so that the tenant's role
-- can write them but never read them back: only perfimmo_notify reads them.
CREATE TABLE subscription_secrets (
	subscription_uid uuid PRIMARY KEY REFERENCES subscriptions (uid) ON DELETE CASCADE,
	secret text NOT NULL CHECK (length(secret) >= 32),
	rotated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Batches: the journal positions (after_position, last_position] that one
-- deliveryUid covers.  Which of those events are sent is decided at each
-- attempt, by the subscription's filters and its owner's scope then.
CREATE TABLE deliveries (
	uid uuid PRIMARY KEY,
	subscription_uid uuid NOT NULL REFERENCES subscriptions (uid) ON DELETE CASCADE,
	after_position bigint NOT NULL,
	last_position bigint NOT NULL CHECK (last_position > after_position),
	created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
	delivered_at timestamptz
);
CREATE INDEX deliveries_subscription ON deliveries (subscription_uid);

ALTER TABLE subscriptions ADD FOREIGN KEY (pending_delivery_uid)
	REFERENCES deliveries (uid) DEFERRABLE INITIALLY DEFERRED;

CREATE TABLE delivery_attempts (
	uid uuid PRIMARY KEY,
	delivery_uid uuid NOT NULL REFERENCES deliveries (uid) ON DELETE CASCADE,
	subscription_uid uuid NOT NULL REFERENCES subscriptions (uid) ON DELETE CASCADE,
	attempted_at timestamptz NOT NULL,
	first_position bigint NOT NULL,
	last_position bigint NOT NULL,
	event_count integer NOT NULL CHECK (event_count > 0),
	http_status integer,
	duration_ms integer NOT NULL CHECK (duration_ms >= 0),
	outcome text NOT NULL CHECK (outcome IN ('Delivered', 'Failed')),
	error text
);
CREATE INDEX delivery_attempts_subscription ON delivery_attempts (subscription_uid, attempted_at DESC, uid DESC);

-- State the journal cannot give back: `perfimmo-admin rebuild` leaves it alone.
INSERT INTO table_registry (table_name, kind) VALUES
	('subscriptions', 'source'),
	('subscription_secrets', 'source'),
	('deliveries', 'source'),
	('delivery_attempts', 'source');


-- DateTime output form of conventions §2.
CREATE FUNCTION subscription_date(moment timestamptz)
	RETURNS text
	LANGUAGE sql IMMUTABLE
AS $$ SELECT to_char(moment AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$;

-- SubscriptionView; optional fields without a value are left out.
CREATE FUNCTION subscription_view(s subscriptions)
	RETURNS jsonb
	LANGUAGE sql STABLE
AS $$
	SELECT jsonb_strip_nulls(jsonb_build_object(
		'uid', s.uid,
		'url', s.url,
		'eventTypes', to_jsonb(s.event_types),
		'aggregates', to_jsonb(s.aggregates),
		'description', s.description,
		'ownerUid', s.owner_uid,
		'state', s.state,
		'isActive', s.state = 'Active',
		'createdDate', subscription_date(s.created_at),
		'deliveredPosition', s.delivered_position,
		'lastAttemptDate', subscription_date(s.last_attempt_at),
		'lastSuccessDate', subscription_date(s.last_success_at),
		'lastError', s.last_error,
		'consecutiveFailures', s.consecutive_failures))
$$;

CREATE FUNCTION delivery_attempt_view(a delivery_attempts)
	RETURNS jsonb
	LANGUAGE sql STABLE
AS $$
	SELECT jsonb_strip_nulls(jsonb_build_object(
		'uid', a.uid,
		'deliveryUid', a.delivery_uid,
		'attemptDate', subscription_date(a.attempted_at),
		'firstPosition', a.first_position,
		'lastPosition', a.last_position,
		'eventCount', a.event_count,
		'httpStatus', a.http_status,
		'durationMs', a.duration_ms,
		'outcome', a.outcome,
		'error', a.error))
$$;


-- Whether the subscription's owner may see the aggregate now: everything
-- for an active superUser, the scopes of conventions §6 for the others,
-- nothing for a disabled or unknown user.
CREATE FUNCTION subscription_owner_sees(owner uuid, aggregate_kind text, aggregate uuid)
	RETURNS boolean
	LANGUAGE sql STABLE
AS $$
	SELECT CASE WHEN EXISTS (SELECT FROM credentials c WHERE c.user_uid = owner
			AND c.user_type = 'superUser' AND NOT c.disabled)
		THEN true
		ELSE aggregate_visible(aggregate_kind, aggregate, owner) END
$$;

-- Whether event E matches the filters of subscription S.
CREATE FUNCTION subscription_matches(s subscriptions, e events)
	RETURNS boolean
	LANGUAGE sql STABLE
AS $$
	SELECT (cardinality(s.event_types) = 0 OR e.event_type = ANY (s.event_types))
	   AND (cardinality(s.aggregates) = 0 OR e.aggregate_type = ANY (s.aggregates))
$$;

-- The next batch of subscription S: scans at most SCAN_MAX events after its
-- acknowledged position and stops at the BATCH_MAX-th event that matches
-- its filters and its owner may see.  Returns where the batch ends and how
-- many events it holds; no row when there is no event after the position.
-- A batch of 0 events only moves the position past events not for S.
CREATE FUNCTION subscription_next_batch(s subscriptions, scan_max integer, batch_max integer,
		OUT last_position bigint, OUT event_count integer)
	LANGUAGE sql STABLE
AS $$
	WITH scanned AS (
		SELECT e.position,
		       subscription_matches(s, e)
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
CREATE FUNCTION subscription_batch_events(s subscriptions, d deliveries, batch_max integer)
	RETURNS TABLE (event_position bigint, aggregate_type text, payload text)
	LANGUAGE sql STABLE
AS $$
	SELECT e.position, e.aggregate_type, e.payload::text
	  FROM events e
	 WHERE e.position > d.after_position AND e.position <= d.last_position
	   AND subscription_matches(s, e)
	   AND subscription_owner_sees(s.owner_uid, e.aggregate_type, e.aggregate_uid)
	 ORDER BY e.position
	 LIMIT batch_max
$$;


-- ------------------------------------------------------------ the sender
-- perfimmo-notify calls these while it holds the subscription (row lock,
-- then its advisory lock), so no other sender works on it meanwhile.

-- Subscriptions of the tenant with work: active, due, with a batch pending
-- or events after their position, and an owner who is not disabled (the
-- subscription of a disabled owner waits, losing nothing).
CREATE VIEW subscriptions_due AS
	SELECT s.* FROM subscriptions s
	 WHERE s.state = 'Active'
	   AND (s.pending_delivery_uid IS NOT NULL
		OR EXISTS (SELECT FROM events e WHERE e.position > s.delivered_position))
	   AND EXISTS (SELECT FROM credentials c WHERE c.user_uid = s.owner_uid AND NOT c.disabled);

-- The batch SUB is to send: the pending one, kept across retries, or a new
-- one.  NULL when there is none to send: either no event after the
-- position, or none for SUB among those scanned, and then the position
-- moves past them.
CREATE FUNCTION subscription_prepare_batch(sub uuid, scan_max integer, batch_max integer)
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

	SELECT * INTO batch FROM subscription_next_batch(s, scan_max, batch_max);
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

-- Ends batch DELIVERY of SUB: the position moves to ACKNOWLEDGED.
CREATE FUNCTION subscription_finish_batch(sub uuid, delivery uuid, acknowledged bigint)
	RETURNS void
	LANGUAGE sql
AS $$
	UPDATE deliveries SET delivered_at = clock_timestamp() WHERE uid = delivery;
	UPDATE subscriptions SET delivered_position = greatest(delivered_position, acknowledged),
		pending_delivery_uid = NULL
	 WHERE uid = sub AND pending_delivery_uid = delivery;
$$;

-- Records one attempt of batch DELIVERY (FAILURE NULL: delivered).  After a
-- success the position moves to ACKNOWLEDGED; after a failure the next
-- attempt waits RETRY_MS, and a subscription failing for 24 h is disabled.
-- A subscription deleted meanwhile is left alone.
CREATE FUNCTION subscription_record_attempt(sub uuid, delivery uuid, attempted timestamptz,
		first_position bigint, last_position bigint, event_count integer, http_status integer,
		duration_ms integer, failure text, acknowledged bigint, retry_ms bigint)
	RETURNS void
	LANGUAGE plpgsql
AS $$
BEGIN
	PERFORM FROM subscriptions WHERE uid = sub FOR UPDATE;
	IF NOT FOUND THEN
		RETURN;
	END IF;

	INSERT INTO delivery_attempts (uid, delivery_uid, subscription_uid, attempted_at,
		first_position, last_position, event_count, http_status, duration_ms, outcome, error)
	VALUES (gen_random_uuid(), delivery, sub, attempted, first_position, last_position,
		event_count, http_status, duration_ms,
		CASE WHEN failure IS NULL THEN 'Delivered' ELSE 'Failed' END, failure);

	IF failure IS NULL THEN
		PERFORM subscription_finish_batch(sub, delivery, acknowledged);
		UPDATE subscriptions SET last_attempt_at = attempted, last_success_at = attempted,
			last_error = NULL, consecutive_failures = 0, failing_since = NULL,
			next_attempt_at = clock_timestamp()
		 WHERE uid = sub;
	ELSE
		UPDATE subscriptions SET last_attempt_at = attempted, last_error = failure,
			consecutive_failures = consecutive_failures + 1,
			failing_since = coalesce(failing_since, attempted),
			next_attempt_at = clock_timestamp() + retry_ms * interval '1 millisecond',
			state = CASE WHEN coalesce(failing_since, attempted) <= attempted - interval '24 hours'
				THEN 'Disabled' ELSE state END
		 WHERE uid = sub;
	END IF;

	-- Attempts are kept 30 days.
	DELETE FROM delivery_attempts a WHERE a.subscription_uid = sub
	   AND a.attempted_at < attempted - interval '30 days';
END
$$;


DO $$
DECLARE
	tenant_role text := current_setting('perfimmo.tenant_role');
BEGIN
	EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON subscriptions, deliveries,'
		' delivery_attempts TO %I', tenant_role);
	EXECUTE format('GRANT SELECT ON subscriptions_due TO %I', tenant_role);
	-- The API writes secrets and finds their row, but cannot read them back.
	EXECUTE format('GRANT INSERT, DELETE ON subscription_secrets TO %I', tenant_role);
	EXECUTE format('GRANT SELECT (subscription_uid), UPDATE (secret, rotated_at)'
		' ON subscription_secrets TO %I', tenant_role);

	-- perfimmo-notify acts with the tenant's rights, plus reading secrets.
	EXECUTE format('GRANT %I TO perfimmo_notify', tenant_role);
	GRANT SELECT ON subscription_secrets TO perfimmo_notify;
END
$$;
