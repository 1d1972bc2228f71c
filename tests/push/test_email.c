/* Tests of src/push/email.c: daily digests over SMTP to a tiny SMTP sink on loopback (written here), sent once per
 * period, only to enterprises that asked, with the policy titles of their unread entries. argv[1] is
 * tests/app/data. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "app/campaign.h"
#include "push/inbox.h"
#include "push/worker.h"
#include "tempdb.h"

static const char *data_dir;

typedef struct sink {
    int fd, port, stop;
    pthread_t th;
    pthread_mutex_t mu;
    char *msgs[16];
    char rcpt[16][128];
    int n;
} sink;

static void say(int c, const char *s) { (void)!write(c, s, strlen(s)); }

/* Reads one CRLF-terminated line (without CRLF) into buf; returns its length or -1 at EOF. */
static int read_line(int c, char *buf, size_t cap) {
    size_t n = 0;
    char ch;
    while (n + 1 < cap && read(c, &ch, 1) == 1) {
        if (ch == '\n') {
            if (n && buf[n - 1] == '\r') n--;
            buf[n] = '\0';
            return (int)n;
        }
        buf[n++] = ch;
    }
    return -1;
}

static void session(sink *sk, int c) {
    char line[2048], rcpt[128] = "";
    say(c, "220 sink ESMTP\r\n");
    while (read_line(c, line, sizeof line) >= 0) {
        if (strncmp(line, "EHLO", 4) == 0 || strncmp(line, "HELO", 4) == 0) say(c, "250 sink\r\n");
        else if (strncmp(line, "RCPT TO:", 8) == 0) snprintf(rcpt, sizeof rcpt, "%s", line + 8), say(c, "250 OK\r\n");
        else if (strncmp(line, "DATA", 4) == 0) {
            say(c, "354 go on\r\n");
            size_t cap = 1 << 16, len = 0;
            char *msg = calloc(1, cap);
            int k;
            while ((k = read_line(c, line, sizeof line)) >= 0 && strcmp(line, ".") != 0)
                if (len + (size_t)k + 2 < cap) memcpy(msg + len, line, (size_t)k), len += (size_t)k, msg[len++] = '\n';
            pthread_mutex_lock(&sk->mu);
            if (sk->n < 16) snprintf(sk->rcpt[sk->n], sizeof sk->rcpt[0], "%s", rcpt), sk->msgs[sk->n++] = msg;
            else free(msg);
            pthread_mutex_unlock(&sk->mu);
            say(c, "250 queued\r\n");
        } else if (strncmp(line, "QUIT", 4) == 0) {
            say(c, "221 bye\r\n");
            break;
        } else say(c, "250 OK\r\n");
    }
    close(c);
}

static void *serve(void *arg) {
    sink *sk = arg;
    for (;;) {
        int c = accept(sk->fd, NULL, NULL);
        if (c < 0 || sk->stop) {
            if (c >= 0) close(c);
            return NULL;
        }
        session(sk, c);
    }
}

static void sink_start(sink *sk) {
    memset(sk, 0, sizeof *sk);
    pthread_mutex_init(&sk->mu, NULL);
    sk->fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(sk->fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(sk->fd, 4), 0);
    socklen_t len = sizeof a;
    getsockname(sk->fd, (struct sockaddr *)&a, &len);
    sk->port = ntohs(a.sin_port);
    pthread_create(&sk->th, NULL, serve, sk);
}

static void sink_stop(sink *sk) {
    sk->stop = 1;
    int c = socket(AF_INET, SOCK_STREAM, 0); /* wake accept() */
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)sk->port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    (void)!connect(c, (struct sockaddr *)&a, sizeof a);
    close(c);
    pthread_join(sk->th, NULL);
    close(sk->fd);
    for (int i = 0; i < sk->n; i++) free(sk->msgs[i]);
}

static void set_pref(int64_t ent, int enabled, const char *address, const char *digest) {
    tu_push_pref p = {.ent_id = ent, .enabled = enabled};
    strcpy(p.channel_kind, "email");
    snprintf(p.address, sizeof p.address, "%s", address);
    snprintf(p.digest, sizeof p.digest, "%s", digest);
    assert_int_equal(tu_store_begin(st, NULL), TU_OK);
    assert_int_equal(tu_store_push_pref_set(st, &p, NULL), TU_OK);
    assert_int_equal(tu_store_commit(st, NULL), TU_OK);
}

static long run_once(void) {
    tu_inbox *ib;
    tu_push_stats stats = {0};
    tu_push_run_opts o = {.once = 1};
    tu_err err = {0};
    assert_int_equal(tu_inbox_open(st, &ib, &err), TU_OK);
    assert_int_equal(tu_push_run(st, ib, &o, &stats, &err), TU_OK);
    tu_inbox_close(ib);
    return stats.digests;
}

static void test_daily_digest(void **state) {
    (void)state;
    sink sk;
    sink_start(&sk);
    tu_channel ch = {.max_attempts = 1, .batch = 1};
    strcpy(ch.kind, "email");
    strcpy(ch.name, "relay");
    snprintf(ch.url, sizeof ch.url, "smtp://127.0.0.1:%d", sk.port);
    strcpy(ch.sender, "noreply@techup.example");
    int64_t cid;
    assert_int_equal(tu_store_begin(st, NULL), TU_OK);
    assert_int_equal(tu_store_push_channel_add(st, &ch, &cid, NULL), TU_OK);
    assert_int_equal(tu_store_commit(st, NULL), TU_OK);
    roaring_bitmap_t *set = roaring_bitmap_create();
    roaring_bitmap_add_range(set, 1, 11);
    publish_sample(data_dir, "p", set);
    set_pref(3, 1, "ops@factory.example", "daily");
    set_pref(4, 0, "off@factory.example", "daily");    /* e-mail turned off */
    set_pref(50, 1, "none@factory.example", "daily");  /* nothing in its inbox */
    assert_int_equal(run_once(), 1);
    assert_int_equal(sk.n, 1);
    assert_non_null(strstr(sk.rcpt[0], "ops@factory.example"));
    assert_non_null(strstr(sk.msgs[0], "To: ops@factory.example"));
    assert_non_null(strstr(sk.msgs[0], "Message-ID: <digest.3.0@techup>"));
    assert_non_null(strstr(sk.msgs[0], "制造业设备更新奖励"));
    assert_non_null(strstr(sk.msgs[0], "Equipment renewal reward for manufacturing"));
    assert_int_equal(run_once(), 0); /* not due again before a day has passed */
    assert_int_equal(sk.n, 1);
    sink_stop(&sk);
    tu_bitmap_free(set);
}

int main(int argc, char **argv) {
    data_dir = argc > 1 ? argv[1] : "tests/app/data";
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_daily_digest, tempdb_setup, tempdb_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
