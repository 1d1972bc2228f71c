/* h_projects.h — helpers shared by the project-domain handlers (h_projects.c, h_quota.c, h_awards.c) only. */
#ifndef TU_HTTP_H_PROJECTS_H
#define TU_HTTP_H_PROJECTS_H

#include "app/caller.h"
#include "http/http_int.h"
#include "store/project.h"

/* The use-case caller of the authenticated principal. */
int tu__h_caller(tu_req *r, tu_caller *c, tu_err *err);
/* The caller and the project of the {id} path parameter, read through app/ (scope checked again there). Clear *p
 * with tu_project_clear. */
int tu__h_project(tu_req *r, tu_caller *c, tu_project *p, tu_err *err);
/* Body members: a decimal (mu, tce; string or integer) or money (yuan; string or integer), required. */
int tu__h_body_dec(tu_req *r, const char *key, int64_t *out, tu_err *err);
int tu__h_body_money(tu_req *r, const char *key, int64_t *fen, tu_err *err);
/* A positive integer member (TU_EVALIDATION naming it otherwise). */
int tu__h_body_id(tu_req *r, const char *key, int64_t *out, tu_err *err);
/* An optional string member of at most max bytes: NULL when absent or null. */
int tu__h_body_opt(tu_req *r, const char *key, size_t max, const char **out, tu_err *err);
/* Replies {"project": id, "items": [to_json(each of the n elements of arr)]} unless rc is an error; frees arr
 * (tu_free) either way and returns rc or the reply's result. */
int tu__h_reply_items(tu_req *r, int rc, int64_t project, void *arr, int n, size_t size,
                      json_t *(*to_json)(const void *));
/* {"items":[project...]} of a list; new reference. */
json_t *tu__h_projects_json(const tu_project_list *l);

#endif
