/*
 * The trades a provider-contact sheet may name in its `activities` column.
 * Activities and incident types are uids of a catalogue outside perfimmo
 * (write-api.md §3.4).  So the import names them with fixed uids, derived
 * from the names of the trade and of the call purpose (README.md).
 */
#ifndef PERFIMMO_TRADES_H
#define PERFIMMO_TRADES_H

#include <stdbool.h>
#include <stddef.h>

#define TRADE_MAX_PURPOSES 4

struct trade {
	const char *name;		/* as written in sheets, e.g. "plombier" */
	const char *purposes[TRADE_MAX_PURPOSES + 1];	/* call purposes it handles, NULL-ended */
};

extern const struct trade trades[];
extern const size_t trade_count;

/* Returns the trade whose name folds like TEXT, or NULL. */
const struct trade *trade_find(const char *text);

/* The activity uid of TRADE: import_uid("activity", name). */
void trade_activity_uid(const struct trade *trade, char out[37]);

/* The incident-type uid of a call purpose: import_uid("incidentType", purpose). */
void trade_purpose_uid(const char *purpose, char out[37]);

#endif
