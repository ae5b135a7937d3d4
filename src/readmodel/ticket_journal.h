/*
 * The ticket journal of the detail view:
 * the `data` object of each JournalEvent, built from the stored event.
 * Pure: contact labels and corrected texts are given by the caller.
 */
#ifndef PERFIMMO_TICKET_JOURNAL_H
#define PERFIMMO_TICKET_JOURNAL_H

#include <json-c/json.h>

/*
 * Returns a new JournalEventData object for EVENT.  LABELS maps provider
 * contact uids to their current label (names are resolved at read time);
 * CORRECTED is the latest TicketEventInformationsCorrected text aimed at
 * this event, or NULL.
 */
struct json_object *ticket_journal_data(struct json_object *event,
    struct json_object *labels, const char *corrected);

/* Display name of a Provider, or NULL when it has none (unknown contact). */
const char *ticket_provider_name(struct json_object *provider,
    struct json_object *labels, char *buffer, size_t size);

#endif
