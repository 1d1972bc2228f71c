#!/usr/bin/env python3
"""bench/http/policies.py N [SEED] — N random active policies as the JSON file `techup serve --policies FILE`
reads ([{"id","title","rule"}, ...]), for bench/http: eligibility rules of 1-4 conditions drawn from the shapes
real policies use (region, division lists, revenue and employee ranges, tags, founding date, R&D ratio)."""
import json
import random
import sys

DIVS = ["C13", "C26", "C33", "C34", "C35", "C38", "C39", "C40", "C29", "C30"]
REGIONS = ["pearl_river_delta", "east", "west", "north"]
TAGS = ["high_tech", "tech_sme", "innovative_sme", "specialized_sme", "little_giant", "single_champion",
        "above_scale", "green_factory", "smart_factory", "demonstration"]  # src/core/catalog.h TU_TAG_MAP


def condition(r):
    kind = r.randrange(8)
    if kind == 0:
        return {"==": [{"var": "region"}, r.choice(REGIONS)]}
    if kind == 1:
        return {"in": [{"var": "industry_division"}, r.sample(DIVS, 2)]}
    if kind == 2:
        return {">=": [{"var": "revenue"}, r.choice([100, 500, 1000, 2000, 5000, 10000, 20000, 40000])]}
    if kind == 3:
        return {"<=": [r.choice([10, 20, 50]), {"var": "employees"}, r.choice([100, 300, 1000])]}
    if kind == 4:
        return {"in": [r.choice(TAGS), {"var": "tags"}]}
    if kind == 5:
        return {">=": [{"var": "founded"}, "%d-01-01" % r.randrange(2000, 2024)]}
    if kind == 6:
        return {"or": [{"in": [r.choice(TAGS), {"var": "tags"}]}, {"in": [r.choice(TAGS), {"var": "tags"}]}]}
    return {">=": [{"var": "rd_ratio"}, r.randrange(8)]}


def main():
    if len(sys.argv) < 2 or not sys.argv[1].isdigit():
        sys.exit("usage: bench/http/policies.py N [SEED] > policies.json")
    n = int(sys.argv[1])
    r = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 7)
    out = [{"id": i + 1, "title": "bench policy %d" % (i + 1),
            "rule": {"and": [condition(r) for _ in range(r.randint(1, 4))]}} for i in range(n)]
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
