/*
 * The ticket command endpoints' tables: each commandType of write-api §9
 * with its declared schema, the step-5 rules of ticket_validate() and the
 * shared execute function of ticket_commands.c.
 */
#ifndef PERFIMMO_TICKET_SCHEMAS_H
#define PERFIMMO_TICKET_SCHEMAS_H

#include "command.h"

/* OpenTicket (W1). */
extern const struct command_spec ticket_open_specs[];

/* The 35 increments (W2). */
extern const struct command_spec ticket_increment_specs[];

/* Loads the facts a ticket command needs and decides (ticket_commands.c). */
bool ticket_execute(struct command_run *run, struct error *err);

#endif
