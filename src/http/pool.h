/* pool.h — the blocking pool: a few threads that run the handlers of routes marked slow in the route table
 * (password hashing with Argon2id takes ~0.1 s and 64 MiB) so that they never stall the event threads and every
 * other connection those threads serve. The connection is suspended (MHD_suspend_connection) while its handler
 * runs here, and resumed with the response ready. The queue is bounded; a full queue answers 503. */
#ifndef TU_HTTP_POOL_H
#define TU_HTTP_POOL_H

typedef struct tu_pool tu_pool;
struct tu_server;
struct tu_req;

/* Starts `threads` workers, each calling run(req) for a submitted request. NULL on failure. */
tu_pool *tu__pool_start(int threads, int capacity, void (*run)(struct tu_req *r));
/* Reserves a queue slot; 0 when the queue is full (nothing reserved). */
int tu__pool_reserve(tu_pool *p);
/* Queues r into a reserved slot (never fails). */
void tu__pool_push(tu_pool *p, struct tu_req *r);
/* Runs what is queued, then stops and joins the workers. NULL is fine. */
void tu__pool_stop(tu_pool *p);

#endif
