/*
 * The command endpoints of the write API, one per method and path.  The
 * route table names them; the *_commands.c files define them.
 */
#ifndef PERFIMMO_COMMAND_ENDPOINTS_H
#define PERFIMMO_COMMAND_ENDPOINTS_H

#include "command.h"

extern const struct command_endpoint company_create_endpoint;
extern const struct command_endpoint company_update_endpoint;
extern const struct command_endpoint agency_create_endpoint;
extern const struct command_endpoint agency_update_endpoint;
extern const struct command_endpoint user_create_endpoint;
extern const struct command_endpoint user_update_endpoint;
extern const struct command_endpoint patrimony_create_endpoint;
extern const struct command_endpoint patrimony_update_endpoint;
extern const struct command_endpoint lot_create_endpoint;
extern const struct command_endpoint lot_update_endpoint;
extern const struct command_endpoint provider_contact_create_endpoint;
extern const struct command_endpoint provider_contact_update_endpoint;
extern const struct command_endpoint ticket_open_endpoint;
extern const struct command_endpoint ticket_update_endpoint;

#endif
