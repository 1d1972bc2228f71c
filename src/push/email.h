/* email.h — e-mail digests over SMTP (libcurl): one message per enterprise and period (daily or weekly) listing
 * its unread inbox entries created since its last digest.
 *
 * An enterprise gets digests when it has an "email" preference with an address and a digest period. The digest
 * is sent, then its time recorded in the preference in one transaction; a kill between the two resends the same
 * message with the same Message-ID (<digest.ENT.SINCE@techup>), which mail systems de-duplicate on.
 */
#ifndef TU_PUSH_EMAIL_H
#define TU_PUSH_EMAIL_H

#include <stddef.h>

#include "push/inbox.h"
#include "store/push.h"

/* Sends the due digests of prefs[0..n) (rows of kind "email"; others are skipped) through channel ch (kind
 * "email": url smtp://host:port, sender, optional "user:password" secret). Updates each sent preference's
 * last_digest in prefs and in the store. *sent receives the number of messages. */
int tu_push_email_digests(tu_store *s, tu_inbox *ib, const tu_channel *ch, tu_push_pref *prefs, size_t n,
                          long *sent, tu_err *err);

/* Sends one message (RFC 5322 text with headers) to one recipient. TU_OK, or TU_EIO with the SMTP/transport error. */
int tu_push_smtp_send(const tu_channel *ch, const char *to, const char *msg, size_t len, tu_err *err);

#endif
