/*
 * Path routing.  Patterns are exact and case-sensitive, `{uid}` stands for
 * one SafeUUID segment, and a literal segment wins over `{uid}` (so
 * /tickets/export is never read as a ticket uid).
 */
#ifndef PERFIMMO_ROUTER_H
#define PERFIMMO_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "request.h"

enum http_method {
	METHOD_GET = 1 << 0,
	METHOD_POST = 1 << 1,
	METHOD_PATCH = 1 << 2,
	METHOD_DELETE = 1 << 3,
};

enum route_flags {
	ROUTE_PUBLIC = 1 << 0,		/* served without credentials */
	ROUTE_COMMAND = 1 << 1,		/* body is a command: DATA is its command endpoint */
	ROUTE_BODY = 1 << 2,		/* takes a JSON body */
	ROUTE_EMPTY_BODY_OK = 1 << 3,	/* the body may be absent (logout) */
	ROUTE_NO_TENANT_DATA = 1 << 4,	/* reads nothing of the tenant (health) */
	ROUTE_NO_CACHE = 1 << 5,	/* GET never served from the view cache */
	ROUTE_ENDS_SESSION = 1 << 6,	/* no sliding re-issue of the session cookie (logout) */
	ROUTE_OPEN_IN_MAINTENANCE = 1 << 7, /* a write still served under maintenance (login, logout) */
};

struct route {
	const char *pattern;
	unsigned method;
	unsigned flags;
	void (*handler)(void *context);
	const void *data;		/* what a generic handler serves, or NULL */
};

/* Maps a method name to its bit; HEAD is served as GET. 0 when unknown. */
unsigned router_method(const char *name);

/*
 * Finds the route for METHOD and PATH among COUNT ROUTES.  Returns it and
 * stores the path parameters in REQ, or returns NULL with ERR set: 404
 * NotFound for an unknown path, 405 MethodNotAllowed (and ALLOW filled with
 * the accepted methods) for a known one, 400 BadRequest for a `{uid}`
 * segment that is not a SafeUUID.
 */
const struct route *router_find(const struct route *routes, size_t count,
    struct request *req, char *allow, size_t allow_size, struct error *err);

/*
 * Returns the route whose pattern matches PATH best, ignoring the method,
 * or NULL.  Used to learn whether a path is public before authenticating.
 */
const struct route *router_lookup(const struct route *routes, size_t count,
    const char *path);

/*
 * Returns the route with the pattern of BEST (a router_lookup result) that
 * serves METHOD (a bit of enum http_method), or NULL: the route router_find
 * returns, without storing its parameters.  Used to learn before
 * authenticating whether a GET is served through the cache.
 */
const struct route *router_for_method(const struct route *routes, size_t count,
    const struct route *best, unsigned method);

#endif
