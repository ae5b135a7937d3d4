/*
 * Event schema versions and upcasting.
 *
 * Every stored event carries a schema version (events.schema_version) that
 * belongs to its eventType.  Readers never see an old shape.  Each loader
 * of stored events passes every event through upcast_event() or
 * upcast_text(): journal_load, the event feeds, the webhook batches, the
 * ticket journal and statistics, and perfimmo-admin rebuild.  These apply
 * the registry's upcasters one version at a time until the event has the
 * current shape of its type.  An upcaster may also rename a retired
 * eventType, and the event then continues as the first version of its new
 * type.
 *
 * The registry (upcast_registry.c) is the only list of old shapes.
 * Upcasting is pure: no I/O, and the stored row is never rewritten.
 */
#ifndef PERFIMMO_UPCAST_H
#define PERFIMMO_UPCAST_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "common/error.h"
#include "common/strbuf.h"

/* Steps one event may take through the registry before it is rejected as a loop. */
#define UPCAST_MAX_STEPS 16

/*
 * Rewrites PAYLOAD in place from version FROM_VERSION of FROM_TYPE to
 * version TO_VERSION of TO_TYPE.  The registry sets the new eventType
 * itself, so a renaming upcaster only moves fields.  Returns false with
 * ERR when the stored payload does not have the shape of FROM_VERSION.
 */
typedef bool (*upcast_function)(struct json_object *payload, struct error *err);

struct upcaster {
	const char *from_type;
	int from_version;
	const char *to_type;		/* equal to from_type unless the type was renamed */
	int to_version;
	upcast_function rewrite;
};

struct upcast_registry {
	const struct upcaster *steps;
	size_t count;
};

/* The registry of this release. */
extern const struct upcast_registry upcast_registry;

/*
 * Returns the version that this release writes for EVENT_TYPE: the highest
 * to_version that REGISTRY declares for it, or 1.  Returns 0 for a retired
 * type, which is only ever upcast to another.
 */
int upcast_current_version(const struct upcast_registry *registry, const char *event_type);

/* True when an event of EVENT_TYPE stored at VERSION is not in its current shape. */
bool upcast_needed(const struct upcast_registry *registry, const char *event_type, int version);

/*
 * Brings EVENT, stored at VERSION of its eventType, to the current shape,
 * in place.  An event stored by a newer release (a version above the
 * current one), or of a retired type with no step for its version, fails
 * with ERR_SERVICE_UNAVAILABLE.  Misreading it would be worse, and the
 * error ends once every host runs the new release.  A chain longer than
 * UPCAST_MAX_STEPS fails with ERR_INTERNAL.
 */
bool upcast_event_with(const struct upcast_registry *registry, struct json_object *event,
    int version, struct error *err);

/* upcast_event_with() on this release's registry. */
bool upcast_event(struct json_object *event, int version, struct error *err);

/*
 * Appends to OUT the current shape of PAYLOAD, the JSON text of an event
 * of EVENT_TYPE stored at VERSION.  Text that needs no upcasting is copied
 * unparsed, which keeps the feeds as cheap as before.
 */
bool upcast_text(const char *event_type, int version, const char *payload,
    struct strbuf *out, struct error *err);

/*
 * Adds to NAMES every retired eventType that upcasts to one of the names
 * already there, so that a filter on a current type also matches events
 * stored under its former name.  NAMES is NULL-terminated and has room for
 * MAX entries, the NULL included.  Returns false when MAX is too small.
 */
bool upcast_add_former_names(const char **names, size_t max);

/*
 * Returns the eventType that events stored as EVENT_TYPE have once upcast:
 * the end of its chain of renames in REGISTRY, or EVENT_TYPE itself.
 */
const char *upcast_current_type(const struct upcast_registry *registry, const char *event_type);

/*
 * Lists the renames of REGISTRY: FORMER gets each retired eventType once,
 * and CURRENT, at the same index, the type its events are upcast to.  Both
 * have room for REGISTRY->count names.  Returns how many renames it wrote.
 */
size_t upcast_renames(const struct upcast_registry *registry, const char **former,
    const char **current);

#endif
