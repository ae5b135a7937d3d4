/* Expiry of a PEM certificate. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "certificate.h"


bool
certificate_days_left(const char *path, time_t now, double *days,
    char *reason, size_t reason_size)
{
	FILE *file = fopen(path, "r");
	ASN1_TIME *from;
	X509 *certificate;
	int whole_days = 0, seconds = 0;
	bool ok;

	if (file == NULL) {
		snprintf(reason, reason_size, "could not open: %s", strerror(errno));
		return false;
	}
	certificate = PEM_read_X509(file, NULL, NULL, NULL);
	fclose(file);
	if (certificate == NULL) {
		snprintf(reason, reason_size, "no PEM certificate found");
		return false;
	}

	from = ASN1_TIME_set(NULL, now);
	ok = from != NULL &&
	    ASN1_TIME_diff(&whole_days, &seconds, from, X509_get0_notAfter(certificate)) == 1;
	ASN1_TIME_free(from);
	X509_free(certificate);
	if (!ok) {
		snprintf(reason, reason_size, "could not read the notAfter date");
		return false;
	}
	*days = whole_days + seconds / 86400.0;
	return true;
}
