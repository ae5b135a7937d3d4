/* Matching request paths against the route table. */
#include <stdio.h>
#include <string.h>

#include "common/types.h"
#include "router.h"

#define MAX_SEGMENTS 12


unsigned
router_method(const char *name)
{
	if (strcmp(name, "GET") == 0 || strcmp(name, "HEAD") == 0)
		return METHOD_GET;
	if (strcmp(name, "POST") == 0)
		return METHOD_POST;
	if (strcmp(name, "PATCH") == 0)
		return METHOD_PATCH;
	if (strcmp(name, "DELETE") == 0)
		return METHOD_DELETE;
	return 0;
}


/*
 * Compares PATTERN with PATH segment by segment.  Returns the number of
 * literal segments when they match (higher wins), -1 otherwise.
 */
static int
match_score(const char *pattern, const char *path)
{
	int literals = 0;

	if (*pattern != '/' || *path != '/')
		return -1;

	while (*pattern == '/' && *path == '/') {
		const char *pattern_end, *path_end;
		size_t pattern_len, path_len;

		pattern++;
		path++;
		pattern_end = strchr(pattern, '/');
		path_end = strchr(path, '/');
		pattern_len = pattern_end != NULL ? (size_t)(pattern_end - pattern) : strlen(pattern);
		path_len = path_end != NULL ? (size_t)(path_end - path) : strlen(path);

		if (path_len == 0)
			return -1;
		if (pattern_len == 5 && memcmp(pattern, "{uid}", 5) == 0) {
			/* any non-empty segment; its syntax is checked after the method */
		} else if (pattern_len == path_len && memcmp(pattern, path, path_len) == 0) {
			literals++;
		} else {
			return -1;
		}
		pattern += pattern_len;
		path += path_len;
	}
	return (*pattern == '\0' && *path == '\0') ? literals : -1;
}


const struct route *
router_lookup(const struct route *routes, size_t count, const char *path)
{
	const struct route *best = NULL;
	int best_score = -1;

	for (size_t i = 0; i < count; i++) {
		int score = match_score(routes[i].pattern, path);
		if (score > best_score) {
			best = &routes[i];
			best_score = score;
		}
	}
	return best;
}


static void
list_methods(const struct route *routes, size_t count, const char *pattern,
    char *allow, size_t allow_size)
{
	static const char *const names[] = {"GET, HEAD", "POST", "PATCH", "DELETE"};
	unsigned methods = 0;
	size_t used = 0;

	for (size_t i = 0; i < count; i++)
		if (strcmp(routes[i].pattern, pattern) == 0)
			methods |= routes[i].method;

	allow[0] = '\0';
	for (unsigned bit = 0; bit < 4; bit++) {
		if ((methods & (1u << bit)) == 0)
			continue;
		used += (size_t)snprintf(allow + used, allow_size - used, "%s%s",
		    used > 0 ? ", " : "", names[bit]);
		if (used >= allow_size)
			break;
	}
}


/* Copies the `{uid}` segments of PATH into REQ, checking each is a SafeUUID. */
static bool
extract_params(const char *pattern, const char *path, struct request *req,
    struct error *err)
{
	req->param_count = 0;

	while (*pattern == '/' && *path == '/') {
		const char *pattern_end = strchr(pattern + 1, '/');
		const char *path_end = strchr(path + 1, '/');
		size_t pattern_len = pattern_end ? (size_t)(pattern_end - pattern - 1) : strlen(pattern + 1);
		size_t path_len = path_end ? (size_t)(path_end - path - 1) : strlen(path + 1);

		if (pattern_len == 5 && memcmp(pattern + 1, "{uid}", 5) == 0) {
			if (req->param_count >= REQUEST_MAX_PARAMS ||
			    !types_parse_uuid(path + 1, path_len, req->params[req->param_count], err))
				return error_set(err, ERR_BAD_REQUEST,
				    "segment de chemin « %.*s » : identifiant SafeUUID invalide",
				    "path segment \"%.*s\": invalid SafeUUID",
				    (int)(path_len > 64 ? 64 : path_len), path + 1);
			req->param_count++;
		}
		pattern += pattern_len + 1;
		path += path_len + 1;
	}
	return true;
}


const struct route *
router_for_method(const struct route *routes, size_t count, const struct route *best,
    unsigned method)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(routes[i].pattern, best->pattern) == 0 && (routes[i].method & method) != 0)
			return &routes[i];
	return NULL;
}


const struct route *
router_find(const struct route *routes, size_t count, struct request *req,
    char *allow, size_t allow_size, struct error *err)
{
	const struct route *best = router_lookup(routes, count, req->path);
	const struct route *found;

	allow[0] = '\0';
	if (best == NULL) {
		error_set(err, ERR_NOT_FOUND, "chemin inconnu", "unknown path");
		return NULL;
	}

	found = router_for_method(routes, count, best, router_method(req->method));
	if (found != NULL)
		return extract_params(found->pattern, req->path, req, err) ? found : NULL;

	list_methods(routes, count, best->pattern, allow, allow_size);
	error_set(err, ERR_METHOD_NOT_ALLOWED,
	    "méthode %s non autorisée sur ce chemin (autorisées : %s)",
	    "method %s not allowed on this path (allowed: %s)",
	    req->method, allow);
	return NULL;
}
