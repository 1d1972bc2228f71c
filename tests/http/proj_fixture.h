/* proj_fixture.h — the JSON of a valid upgrade project (docs/projects.md) for the HTTP tests. */
#ifndef TU_TESTS_HTTP_PROJ_FIXTURE_H
#define TU_TESTS_HTTP_PROJ_FIXTURE_H

#include <stdio.h>

/* A project of enterprise uscc in city, with a unique filing code, annual energy use tce and land need mu. */
static inline void pf_project_json(char *buf, size_t n, const char *uscc, const char *city, const char *code,
                                   const char *tce, const char *mu) {
    snprintf(buf, n,
             "{\"uscc\":\"%s\",\"name\":\"数控产线改造\",\"type\":\"equipment_renewal\",\"city\":\"%s\","
             "\"filing_code\":\"%s\",\"filing_date\":\"2024-01-10\",\"planned_start\":\"2024-03-01\","
             "\"planned_completion\":\"2030-06-30\",\"total_investment\":\"52000000\","
             "\"equipment_investment\":\"30000000.00\",\"energy_tce\":\"%s\",\"energy_kwh\":\"3000000\","
             "\"land_mu\":\"%s\",\"equipment\":[{\"item\":\"五轴加工中心\",\"category\":\"machine_tool\","
             "\"quantity\":10,\"unit_price\":\"3000000\",\"imported\":false}]}",
             uscc, city, code, tce, mu);
}

#endif
