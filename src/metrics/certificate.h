/* The expiry of the TLS certificates that nginx serves, read with OpenSSL. */
#ifndef PERFIMMO_CERTIFICATE_H
#define PERFIMMO_CERTIFICATE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/*
 * Reads the first certificate of the PEM file at PATH (the server's own
 * certificate in a full chain) and stores in DAYS the days from NOW to its
 * notAfter date, with fractions, negative once it has expired.  Returns
 * false, with the reason in REASON, when the file cannot be read or contains
 * no certificate.
 */
bool certificate_days_left(const char *path, time_t now, double *days,
    char *reason, size_t reason_size);

#endif
