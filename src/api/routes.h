/* The route table of perfimmo-api. */
#ifndef PERFIMMO_ROUTES_H
#define PERFIMMO_ROUTES_H

#include <stddef.h>

#include "http/router.h"

extern const struct route routes[];
extern const size_t route_count;

#endif
