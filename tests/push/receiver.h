/* receiver.h — a webhook receiver for tests: libmicrohttpd on a free loopback port. It checks each request's
 * signature, remembers every delivery by idempotency key (recipients, body hash, arrival times) and can fail on
 * purpose: the first `fail_first` arrivals of each key, or every request to a path starting with /fail. */
#ifndef TU_TESTS_RECEIVER_H
#define TU_TESTS_RECEIVER_H

#include <jansson.h>
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <roaring/roaring.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "push/webhook.h"

#define RECV_MAX_KEYS 4096
#define RECV_MAX_ARRIVALS 8

typedef struct recv_key {
    char key[96];
    int arrivals;
    int64_t at_ms[RECV_MAX_ARRIVALS];
    unsigned char hash[32]; /* of the first body */
    int body_differs;       /* a later arrival carried another body */
    roaring_bitmap_t *ids;
} recv_key;

typedef struct receiver {
    struct MHD_Daemon *d;
    int port;
    const char *secret;
    int fail_first;
    pthread_mutex_t mu;
    recv_key keys[RECV_MAX_KEYS];
    int nkeys;
    long requests, bad_signatures, failed_on_purpose;
} receiver;

typedef struct recv_req {
    char *body;
    size_t len, cap;
} recv_req;

static int64_t recv_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static enum MHD_Result recv_reply(struct MHD_Connection *c, unsigned status) {
    struct MHD_Response *r = MHD_create_response_from_buffer(2, (void *)"{}", MHD_RESPMEM_PERSISTENT);
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static recv_key *recv_find(receiver *rv, const char *key) {
    for (int i = 0; i < rv->nkeys; i++)
        if (strcmp(rv->keys[i].key, key) == 0) return &rv->keys[i];
    if (rv->nkeys == RECV_MAX_KEYS) return NULL;
    recv_key *k = &rv->keys[rv->nkeys++];
    memset(k, 0, sizeof *k);
    snprintf(k->key, sizeof k->key, "%s", key);
    return k;
}

/* Records one signed delivery; returns the HTTP status to answer. */
static unsigned recv_record(receiver *rv, const char *url, const char *key, const char *ts, const char *sig,
                            const char *body, size_t len) {
    pthread_mutex_lock(&rv->mu);
    rv->requests++;
    unsigned status = 200;
    if (!key || !ts || tu_webhook_verify(rv->secret, atoll(ts), key, body, len, sig, time(NULL), 300) != TU_OK) {
        rv->bad_signatures++;
        status = 401;
    } else if (strncmp(url, "/fail", 5) == 0) {
        rv->failed_on_purpose++;
        status = 500;
    } else {
        recv_key *k = recv_find(rv, key);
        unsigned char h[32];
        crypto_hash_sha256(h, (const unsigned char *)body, len);
        if (k && k->arrivals < RECV_MAX_ARRIVALS) k->at_ms[k->arrivals] = recv_now_ms();
        if (k && k->arrivals++ < rv->fail_first) {
            rv->failed_on_purpose++;
            status = 503;
        } else if (k && !k->ids) {
            memcpy(k->hash, h, sizeof h);
            json_t *doc = json_loadb(body, len, 0, NULL);
            size_t i;
            json_t *v;
            k->ids = roaring_bitmap_create();
            json_array_foreach(json_object_get(doc, "recipients"), i, v)
                roaring_bitmap_add(k->ids, (uint32_t)json_integer_value(v));
            json_decref(doc);
        } else if (k && memcmp(k->hash, h, sizeof h) != 0) {
            k->body_differs = 1;
        }
    }
    pthread_mutex_unlock(&rv->mu);
    return status;
}

static enum MHD_Result recv_handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                    const char *version, const char *data, size_t *size, void **con_cls) {
    (void)version;
    receiver *rv = cls;
    recv_req *rq = *con_cls;
    if (!rq) {
        rq = calloc(1, sizeof *rq);
        *con_cls = rq;
        return MHD_YES;
    }
    if (*size) {
        if (rq->len + *size + 1 > rq->cap) {
            rq->cap = (rq->len + *size + 1) * 2;
            rq->body = realloc(rq->body, rq->cap);
        }
        memcpy(rq->body + rq->len, data, *size);
        rq->len += *size;
        *size = 0;
        return MHD_YES;
    }
    if (strcmp(method, "POST") != 0) return recv_reply(c, 405);
    unsigned status = recv_record(rv, url, MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Idempotency-Key"),
                                  MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Techup-Timestamp"),
                                  MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Techup-Signature"),
                                  rq->body ? rq->body : "", rq->len);
    return recv_reply(c, status);
}

static void recv_done(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode t) {
    (void)cls, (void)c, (void)t;
    recv_req *rq = *con_cls;
    if (rq) free(rq->body);
    free(rq);
    *con_cls = NULL;
}

/* Starts on 127.0.0.1 and a free port (rv->port). Returns 0 on success. */
static int recv_start(receiver *rv, const char *secret, int fail_first) {
    memset(rv, 0, sizeof *rv);
    rv->secret = secret;
    rv->fail_first = fail_first;
    pthread_mutex_init(&rv->mu, NULL);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    rv->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL, recv_handler, rv,
                             MHD_OPTION_SOCK_ADDR, &addr, MHD_OPTION_NOTIFY_COMPLETED, recv_done, rv, MHD_OPTION_END);
    if (!rv->d) return -1;
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(rv->d, MHD_DAEMON_INFO_BIND_PORT);
    rv->port = info ? info->port : 0;
    return rv->port ? 0 : -1;
}

static void recv_stop(receiver *rv) {
    if (rv->d) MHD_stop_daemon(rv->d);
    for (int i = 0; i < rv->nkeys; i++)
        if (rv->keys[i].ids) roaring_bitmap_free(rv->keys[i].ids);
    pthread_mutex_destroy(&rv->mu);
}

#endif
