/*
 * The Ticket aggregate: the state its commands need, folded from the
 * ticket's own events; the step-5 validation rules that need no state;
 * and the pure decisions of OpenTicket and of the 35 increments.  No I/O
 * here: the command layer loads the facts (location, contact, scope),
 * judges their visibility with the rules of auth/scope.h and calls
 * ticket_decide().
 */
#ifndef PERFIMMO_TICKET_H
#define PERFIMMO_TICKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain.h"

enum ticket_location_kind {
	TICKET_LOCATION_NONE = 0,
	TICKET_LOCATION_AGENCY,
	TICKET_LOCATION_PATRIMONY,
};

struct ticket_location {
	enum ticket_location_kind kind;
	char uid[37];
};

/* Reference to one stored event, enough to target corrections. */
struct ticket_event_ref {
	char process_uid[37];
	char event_type[48];
};

enum ticket_assignee_kind {
	TICKET_ASSIGNEE_NONE = 0,
	TICKET_ASSIGNEE_CONTACT,	/* ReferencedProviderContact */
	TICKET_ASSIGNEE_ANONYMOUS,	/* AnonymousAssignee */
};

struct ticket_state {
	char uid[37];
	bool exists;			/* a TicketOpened was stored */
	bool closed;			/* status CLOSED */
	struct ticket_location location;

	/* the identified assignee: the one of the last AssigneeIdentified */
	enum ticket_assignee_kind assignee;
	char assignee_uid[37];		/* providerUid of a contact */

	/* the current deadline: last InterventionDeadlineDefined or formal notice */
	bool has_deadline;
	int64_t deadline_ms;

	struct ticket_event_ref *events;
	size_t event_count;
};

/* Empties STATE (no ticket) for the ticket UID. */
void ticket_init(struct ticket_state *state, const char *uid);

/* Frees what STATE owns. */
void ticket_free(struct ticket_state *state);

/* Applies one stored ticket event to STATE. */
void ticket_evolve(struct ticket_state *state, struct json_object *event);

/* Applies every event of the array EVENTS, in order. */
void ticket_fold(struct ticket_state *state, struct json_object *events);

/* Reads a LocationReference object into OUT; false when it is not one. */
bool ticket_read_location(struct json_object *object, struct ticket_location *out);

/*
 * The checks of step 5 that read nothing stored: ScheduleIntervention's
 * dates, CorrectTicketInformations' fields, CorrectTicketEventInformations'
 * text.  Returns false with ERR when the command is rejected.
 */
bool ticket_validate(const char *type, struct json_object *body, struct error *err);

/* Facts the command layer found about a location named by a command. */
struct ticket_location_facts {
	bool exists;			/* exists and is visible to the user */
	bool deleted;			/* an agency that was deleted */
	bool role_allowed;		/* PM: patrimony locations only */
};

struct ticket_facts {
	const struct ticket_state *ticket;	/* the target, or the uid to open */
	bool ticket_visible;

	/* OpenTicket, UpdateTicket, CorrectLocationReference */
	struct ticket_location_facts location;

	/* commands whose assignee is a ReferencedProviderContact: exists and visible */
	bool contact_exists;
};

/*
 * Decides OpenTicket or an increment, appending its events to EVENTS, or
 * returns false with the first failed check in ERR.  The checks follow the
 * documented order, and every rule that spans events reads FACTS->ticket.
 */
bool ticket_decide(const struct command *cmd, const struct ticket_facts *facts,
    struct json_object *events, struct error *err);

/* The assignee object of the command body (NULL when the command has none). */
struct json_object *ticket_command_assignee(const struct command *cmd);

/* The location of OpenTicket, UpdateTicket or CorrectLocationReference, or NULL. */
struct json_object *ticket_command_location(const struct command *cmd);

#endif
