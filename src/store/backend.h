/* backend.h — what a storage backend provides (the SQLite-VFS pattern): store.c dispatches every public store
 * function through a tu_store_backend. Only src/store/ includes this header.
 *
 * Each area (registry, accounts, ...) has its own ops struct, declared in its own *_ops.h next to this file and
 * filled by each backend's file for that area (sqlite_registry.c, ...). Adding an area = a pointer here. */
#ifndef TU_STORE_BACKEND_H
#define TU_STORE_BACKEND_H

#include "store/store.h"

typedef struct tu_migration {
    int version;
    const char *name;
    const char *sql;
} tu_migration;

extern const tu_migration tu__migrations[];
extern const int tu__migration_count;

struct tu_registry_ops;
struct tu_accounts_ops;
struct tu_policy_ops;
struct tu_push_ops;
struct tu_project_ops;
struct tu_dispute_ops;

typedef struct tu_store_backend {
    const char *name;
    int (*open)(const char *location, int flags, void **impl, tu_err *err);
    void (*close)(void *impl);
    int (*exec_migration)(void *impl, const tu_migration *m, tu_err *err); /* inside a transaction */
    int (*schema_version)(void *impl);
    int (*applied)(void *impl, int version); /* 1 when the migration is recorded as applied */
    int (*begin)(void *impl, tu_err *err);
    int (*commit)(void *impl, tu_err *err);
    void (*rollback)(void *impl);
    const struct tu_registry_ops *registry;
    const struct tu_accounts_ops *accounts;
    const struct tu_policy_ops *policy;
    const struct tu_push_ops *push;
    const struct tu_project_ops *project;
    const struct tu_dispute_ops *dispute;
} tu_store_backend;

struct tu_store {
    const tu_store_backend *be;
    void *impl;
    int in_tx;
};

extern const tu_store_backend tu__sqlite_backend;

#endif
