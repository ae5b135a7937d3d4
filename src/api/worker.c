/* The request loop of one worker and the steps every request goes through. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "auth/auth.h"
#include "cache/actor_cache.h"
#include "cache/generation_mirror.h"
#include "cache/redis.h"
#include "cache/view_cache.h"
#include "common/log.h"
#include "db/maintenance.h"
#include "db/pg.h"
#include "handlers.h"
#include "metrics/metrics.h"
#include "metrics_scrape.h"
#include "http/response.h"
#include "routes.h"
#include "worker.h"

/*
 * LeakSanitizer checks for leaks from an atexit handler, which _exit(2)
 * skips, so a worker built with AddressSanitizer runs the check itself
 * before it exits.  A leak then ends the worker with a non-zero status and
 * a report in its log.  GCC defines __SANITIZE_ADDRESS__ under
 * -fsanitize=address (configure --enable-sanitizers).
 */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define check_leaks() __lsan_do_leak_check()
#else
#define check_leaks() ((void)0)
#endif

static volatile sig_atomic_t stop_requested;

/* Signal mask while waiting for a connection, with the stop signals unblocked. */
static sigset_t waiting_mask;


static void
on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}


/*
 * The stop signals stay blocked except inside ppoll(2), so they only
 * arrive while the worker waits for a connection.  After accept(),
 * libfcgi waits up to 2 s for the request's first bytes in a poll(2)
 * that SA_RESTART does not restart.  A signal there made it close the
 * connection, and nginx returned 503 during a reload.
 */
static void
install_signals(void)
{
	struct sigaction action;
	sigset_t set;

	memset(&action, 0, sizeof(action));
	action.sa_handler = on_stop;
	action.sa_flags = SA_RESTART;
	sigemptyset(&action.sa_mask);
	sigaction(SIGTERM, &action, NULL);
	sigaction(SIGINT, &action, NULL);

	action.sa_handler = SIG_IGN;
	sigaction(SIGHUP, &action, NULL);
	sigaction(SIGPIPE, &action, NULL);

	action.sa_handler = SIG_DFL;
	action.sa_flags = 0;
	sigaction(SIGCHLD, &action, NULL);

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_UNBLOCK, &set, NULL);

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, &waiting_mask);
	sigdelset(&waiting_mask, SIGTERM);
	sigdelset(&waiting_mask, SIGINT);
}


/* Checks media type and size, then reads the body (conventions: 415, then 413). */
static bool
read_body(struct context *ctx, const struct route *route, struct error *err)
{
	struct request *req = ctx->req;

	if ((route->flags & ROUTE_BODY) == 0)
		return true;

	/* Logout may come with no body at all, and then needs no media type. */
	if ((route->flags & ROUTE_EMPTY_BODY_OK) != 0 && req->content_length <= 0 &&
	    req->content_type == NULL)
		return true;

	if (!request_is_json_media_type(req->content_type))
		return error_set(err, ERR_UNSUPPORTED_MEDIA_TYPE,
		    "Content-Type doit être application/json (charset utf-8 uniquement)",
		    "Content-Type must be application/json (charset utf-8 only)");
	return request_read_body(req, ctx->config->body_limit, err);
}


/* Writes are refused while the tenant is under maintenance; reads never are. */
static bool
is_write_under_maintenance(const struct route *route)
{
	return route->method != METHOD_GET && (route->flags & ROUTE_OPEN_IN_MAINTENANCE) == 0;
}


/* GETs of tenant data go through the view cache. */
static bool
is_cached(const struct route *route)
{
	return route->method == METHOD_GET && (route->flags & (ROUTE_PUBLIC | ROUTE_NO_CACHE)) == 0;
}


/*
 * Serves an authenticated GET through the view cache, keyed by the
 * generation the actor was read at: the view that authentication found
 * along with a cached actor, else the stored view, else the handler runs
 * and its response is stored.
 */
static void
serve_through_cache(struct context *ctx, const struct route *route, const char *request_hash,
    const struct actor_cache_found *found)
{
	struct request *req = ctx->req;
	char key[VIEW_CACHE_KEY_SIZE];

	if (found->view != NULL && view_cache_serve_value(req, found->view, found->view_len))
		return;
	view_cache_key(ctx->tenant.name, ctx->actor.generation, ctx->actor.uid, request_hash, key);
	/* With a cached actor, the lookup has already looked for this key. */
	if (found->actor == NULL && view_cache_serve(req, key))
		return;
	if (view_cache_wait_for_other(req, key))
		return;

	req->capture = true;
	req->capture_headers_from = req->headers.len;
	route->handler(ctx);
	view_cache_store(key, req);
}


/* True when REQ, whose path router_lookup found in PATH_ROUTE, is a GET served through the view cache. */
static bool
is_cached_get(const struct request *req, const struct route *path_route)
{
	unsigned method = router_method(req->method);
	const struct route *route;

	if (path_route == NULL || (method & METHOD_GET) == 0)
		return false;
	route = router_for_method(routes, route_count, path_route, method);
	return route != NULL && is_cached(route);
}


/*
 * Authenticates REQ: a cached GET from the actor cache (the view found
 * along with the actor, if any, goes into FOUND), anything else from
 * PostgreSQL.  REQUEST_HASH is the cached GET's view_cache_request_hash.
 */
static bool
authenticate(struct context *ctx, bool cached_get, const char *request_hash,
    struct actor_cache_found *found, struct error *err)
{
	if (cached_get)
		return auth_authenticate_cached(ctx->req, ctx->config, &ctx->tenant, request_hash,
		    &ctx->actor, found, err);
	return auth_authenticate(ctx->req, ctx->config, &ctx->tenant, &ctx->actor, err);
}


/*
 * Runs the checks every request goes through, in the order the API
 * promises: tenant (421), credentials (401), route and method (404/405),
 * maintenance of the tenant for writes (503), media type and size
 * (415/413); then the handler does the rest.
 */
static void
dispatch(struct context *ctx)
{
	struct request *req = ctx->req;
	struct actor_cache_found found;
	const struct route *route;
	bool cached_get;
	char request_hash[VIEW_CACHE_HASH_SIZE] = "";
	struct error err;
	char allow[64];

	error_clear(&err);
	memset(&found, 0, sizeof(found));
	found.generation = -1;

	route = router_lookup(routes, route_count, req->path);
	cached_get = is_cached_get(req, route);
	if (cached_get)
		view_cache_request_hash(req, request_hash);

	/*
	 * Health still reports on PostgreSQL when tenants cannot be looked up,
	 * and needs no tenant role: it reads nothing of the tenant.
	 */
	if (!tenant_lookup(req->tenant, &ctx->tenant, &err)) {
		if (err.type == ERR_SERVICE_UNAVAILABLE && route != NULL &&
		    (route->flags & ROUTE_NO_TENANT_DATA) != 0 &&
		    (route->method & router_method(req->method)) != 0)
			goto serve;
		goto fail;
	}
	if (route == NULL || (route->flags & ROUTE_NO_TENANT_DATA) == 0) {
		if (!pg_enter_tenant(ctx->tenant.role, ctx->tenant.schema, &err))
			goto fail;
		/* The maintenance state, which a write reads below, in the credentials' round trip. */
		if (route != NULL && (router_method(req->method) & METHOD_GET) == 0 &&
		    (route->flags & ROUTE_OPEN_IN_MAINTENANCE) == 0)
			maintenance_prefetch();
	}
	if (route == NULL || (route->flags & ROUTE_PUBLIC) == 0) {
		if (!authenticate(ctx, cached_get, request_hash, &found, &err))
			goto fail;
		/* Every answer to a cookie session slides its idle time, logout excepted. */
		if ((route == NULL || (route->flags & ROUTE_ENDS_SESSION) == 0) &&
		    !auth_session_refresh(req, ctx->config, &ctx->tenant, &ctx->actor, &err))
			goto fail;
	}

	route = router_find(routes, route_count, req, allow, sizeof(allow), &err);
	if (route == NULL) {
		if (err.type == ERR_METHOD_NOT_ALLOWED)
			response_header(req, "Allow", allow);
		goto fail;
	}
	if (is_write_under_maintenance(route) && !maintenance_check(&err))
		goto fail;
	if (!read_body(ctx, route, &err))
		goto fail;

	ctx->route = route;
	if (cached_get) {
		serve_through_cache(ctx, route, request_hash, &found);
		actor_cache_found_free(&found);
		return;
	}

serve:
	ctx->route = route;
	route->handler(ctx);
	actor_cache_found_free(&found);
	return;

fail:
	actor_cache_found_free(&found);
	response_error(req, &err);
}


static void
serve(FCGX_Request *fcgx, const struct config *config)
{
	struct request req;
	struct context ctx;

	memset(&ctx, 0, sizeof(ctx));
	ctx.req = &req;
	ctx.config = config;

	if (!request_begin(&req, fcgx)) {
		struct error err;
		error_set(&err, ERR_INTERNAL, "mémoire insuffisante", "out of memory");
		response_error(&req, &err);
	} else if (req.metrics) {
		/* The scrape is not counted: it would only count itself. */
		log_set_context(req.request_id, req.tenant);
		metrics_scrape(&ctx);
	} else {
		log_set_context(req.request_id, req.tenant);
		dispatch(&ctx);
		if (req.status == 0) {
			struct error err;
			error_set(&err, ERR_INTERNAL, "aucune réponse produite", "no response produced");
			response_error(&req, &err);
		}
		metrics_record_request(metrics_route_key(&req, ctx.route), req.status, req.error_type,
		    request_elapsed_ms(&req) / 1000.0);
	}

	pg_leave_tenant();
	log_request(req.method, req.path, req.status, request_elapsed_ms(&req));
	log_clear_context();
	request_end(&req);
}


/*
 * libfcgi ends a request with a lingering close: shutdown(), then a wait
 * until nginx closes its side, during which the worker is idle.  Once the
 * input is read to its end, closing at once (FCGX_Detach) loses nothing.
 * With input left unread the kernel would send a reset instead of a close,
 * which can cost nginx the response, so such a request keeps the lingering
 * close.  The end of the input comes right behind the body that
 * nginx has buffered, so the read below does not wait.
 */
static void
finish_request(FCGX_Request *fcgx)
{
	if (FCGX_GetChar(fcgx->in) == EOF)
		FCGX_Detach(fcgx);
	FCGX_Finish_r(fcgx);
}


void
worker_run(const struct config *config, int listen_fd, int slot)
{
	FCGX_Request fcgx;
	struct pollfd pfd = {.fd = listen_fd, .events = POLLIN};

	install_signals();
	metrics_attach(slot);
	log_set_level(config->log_level);
	pg_setup(config->database, "perfimmo-api", config->statement_timeout_ms);
	redis_setup(config->redis_host, config->redis_port, config->redis_timeout_ms);
	generation_mirror_setup(config->generation_mirror_ttl_ms);

	if (FCGX_InitRequest(&fcgx, listen_fd, 0) != 0) {
		log_error("could not initialise a FastCGI request");
		_exit(1);
	}

	/*
	 * The socket is non-blocking: a worker waits in ppoll(2), which a stop
	 * signal interrupts, and a worker that loses the race for a connection
	 * gets EAGAIN from the accept and goes back to waiting.
	 */
	while (!stop_requested) {
		const struct timespec one_second = {.tv_sec = 1};
		int rc = ppoll(&pfd, 1, &one_second, &waiting_mask);

		if (rc <= 0)
			continue;
		rc = FCGX_Accept_r(&fcgx);
		if (rc == -EAGAIN || rc == -EWOULDBLOCK || rc == -EINTR)
			continue;
		if (rc < 0) {
			/* Persistent errors such as EMFILE would otherwise spin. */
			log_error("FastCGI accept failed: %s", strerror(-rc));
			usleep(100 * 1000);
			continue;
		}
		serve(&fcgx, config);
		finish_request(&fcgx);
	}

	pg_close();
	redis_close();
	check_leaks();
	_exit(0);
}
