/*
 * The ticket command endpoints' tables: each ticket commandType
 * with its declared schema, the step-5 rules of ticket_validate() and the
 * shared execute function of ticket_commands.c.
 */
#ifndef PERFIMMO_TICKET_SCHEMAS_H
#define PERFIMMO_TICKET_SCHEMAS_H

#include "command.h"

/* OpenTicket, the command of POST /api/vEvent/tickets. */
extern const struct command_spec ticket_open_specs[];

/* The 35 increments of PATCH /api/vEvent/tickets/{uid}. */
extern const struct command_spec ticket_increment_specs[];

/* Loads the facts a ticket command needs and decides (ticket_commands.c). */
bool ticket_execute(struct command_run *run, struct error *err);

#endif
