/* catalog.h — the attribute catalog: every enterprise attribute rules, imports and the API know.
 *
 * One table (TU_ATTR_MAP) gives each attribute its id, name, type, unit, zh-CN and en labels and flags; the
 * tag catalog (TU_TAG_MAP) lists the qualification tags; TU_FIELD_MAP lists the project and loan fields that
 * benefit formulas read. CSV columns, rule variables, static checks, explanation sentences and the index all read
 * these tables; nothing else lists attributes or formula fields.
 */
#ifndef TU_CORE_CATALOG_H
#define TU_CORE_CATALOG_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    TU_T_TEXT, /* free text (name) */
    TU_T_CODE, /* a code from a code list (city, industry) */
    TU_T_ENUM, /* one of a few fixed words (size, region) */
    TU_T_INT,  /* integer */
    TU_T_DEC,  /* fixed-point decimal, TU_DEC_SCALE */
    TU_T_DATE, /* days since 1970-01-01 */
    TU_T_BOOL,
    TU_T_TAGS  /* set of tags from TU_TAG_MAP */
} tu_attr_type;

enum {
    TU_AF_CSV = 1,      /* a column of the enterprise CSV */
    TU_AF_REQUIRED = 2, /* a CSV cell that may not be empty */
    TU_AF_DERIVED = 4,  /* computed from other attributes, never imported */
    TU_AF_NONNEG = 8    /* numbers: >= 0 */
};

/*        ID                 name                 type  unit_zh     unit_en     label_zh          label_en            flags */
#define TU_ATTR_MAP(XX)                                                                                                  \
    XX(USCC,              "uscc",              CODE, "",         "",         "统一社会信用代码", "USCC",              TU_AF_CSV | TU_AF_REQUIRED) \
    XX(NAME,              "name",              TEXT, "",         "",         "企业名称",         "name",              TU_AF_CSV | TU_AF_REQUIRED) \
    XX(CITY,              "city",              CODE, "",         "",         "所在地市",         "city",              TU_AF_CSV | TU_AF_REQUIRED) \
    XX(DISTRICT,          "district",          CODE, "",         "",         "所在区县",         "district",          TU_AF_CSV)  \
    XX(INDUSTRY,          "industry",          CODE, "",         "",         "所属行业",         "industry",          TU_AF_CSV)  \
    XX(SIZE,              "size",              ENUM, "",         "",         "企业规模",         "size class",        TU_AF_CSV)  \
    XX(REVENUE,           "revenue",           DEC,  "万元",     "10k yuan", "营业收入",         "revenue",           TU_AF_CSV | TU_AF_NONNEG) \
    XX(EMPLOYEES,         "employees",         INT,  "人",       "persons",  "从业人员",         "employees",         TU_AF_CSV | TU_AF_NONNEG) \
    XX(FOUNDED,           "founded",           DATE, "",         "",         "成立日期",         "founding date",     TU_AF_CSV)  \
    XX(RD_RATIO,          "rd_ratio",          DEC,  "%",        "%",        "研发投入占比",     "R&D ratio",         TU_AF_CSV | TU_AF_NONNEG) \
    XX(ENERGY_TCE,        "energy_tce",        DEC,  "吨标准煤", "tce",      "综合能耗",         "energy use",        TU_AF_CSV | TU_AF_NONNEG) \
    XX(TAGS,              "tags",              TAGS, "",         "",         "资质",             "qualifications",    TU_AF_CSV)  \
    XX(INDUSTRY_SECTION,  "industry_section",  CODE, "",         "",         "行业门类",         "industry section",  TU_AF_DERIVED) \
    XX(INDUSTRY_DIVISION, "industry_division", CODE, "",         "",         "行业大类",         "industry division", TU_AF_DERIVED) \
    XX(REGION,            "region",            ENUM, "",         "",         "所在区域",         "region",            TU_AF_DERIVED)

typedef enum {
#define TU__ATTR_ENUM(id, name, type, uz, ue, lz, le, flags) TU_A_##id,
    TU_ATTR_MAP(TU__ATTR_ENUM)
#undef TU__ATTR_ENUM
    TU_A_COUNT
} tu_attr_id;

/*       ID                name               label_zh                label_en */
#define TU_TAG_MAP(XX)                                                                          \
    XX(HIGH_TECH,       "high_tech",       "高新技术企业",         "high-tech enterprise")          \
    XX(TECH_SME,        "tech_sme",        "科技型中小企业",       "technology-based SME")          \
    XX(INNOVATIVE_SME,  "innovative_sme",  "创新型中小企业",       "innovative SME")                \
    XX(SPECIALIZED_SME, "specialized_sme", "专精特新中小企业",     "specialised and innovative SME") \
    XX(LITTLE_GIANT,    "little_giant",    "专精特新“小巨人”企业", "little giant")                  \
    XX(SINGLE_CHAMPION, "single_champion", "制造业单项冠军企业",   "manufacturing single champion") \
    XX(ABOVE_SCALE,     "above_scale",     "规模以上工业企业",     "above-scale industrial enterprise") \
    XX(GREEN_FACTORY,   "green_factory",   "绿色工厂",             "green factory")                 \
    XX(SMART_FACTORY,   "smart_factory",   "智能工厂",             "smart factory")                 \
    XX(DEMONSTRATION,   "demonstration",   "技改示范企业",         "upgrade demonstration enterprise")

typedef enum {
#define TU__TAG_ENUM(id, name, lz, le) TU_TAG_##id,
    TU_TAG_MAP(TU__TAG_ENUM)
#undef TU__TAG_ENUM
    TU_TAG_COUNT
} tu_tag_id;

/* The fields of a project and of its chosen loan that benefit formulas (awards, interest subsidies) may read
 * besides the attributes above: exactly what app/project.c (tu_project_data, "project.*") and app/finance.c
 * (tu_finance_policy_subsidy, "loan.*", only in an interest subsidy) give a formula. Money in yuan, the loan rate
 * in basis points (1 bp = 0.01 % a year), the interest period in days. The static check (rules/check.h) accepts
 * these names in benefit formulas and refuses every other dotted name.
 *        ID                            name                                    type  unit_zh     unit_en   label_zh            label_en */
#define TU_FIELD_MAP(XX)                                                                                                         \
    XX(P_TYPE,                 "project.type",                          ENUM, "",         "",       "项目类型",         "project type")                   \
    XX(P_CITY,                 "project.city",                          CODE, "",         "",       "项目所在地市",     "project city")                   \
    XX(P_TOTAL_INVESTMENT,     "project.total_investment",              DEC,  "元",       "yuan",   "总投资",           "total investment")               \
    XX(P_EQUIPMENT_INVESTMENT, "project.equipment_investment",          DEC,  "元",       "yuan",   "设备投资",         "equipment investment")           \
    XX(P_IMPORTED_EQUIPMENT,   "project.imported_equipment_investment", DEC,  "元",       "yuan",   "进口设备投资",     "imported equipment investment")  \
    XX(P_DOMESTIC_EQUIPMENT,   "project.domestic_equipment_investment", DEC,  "元",       "yuan",   "国产设备投资",     "domestic equipment investment")  \
    XX(P_ENERGY_TCE,           "project.energy_tce",                    DEC,  "吨标准煤", "tce",    "项目年综合能耗",   "annual energy use of the project") \
    XX(P_ENERGY_KWH,           "project.energy_kwh",                    DEC,  "千瓦时",   "kWh",    "项目年用电量",     "annual electricity use of the project") \
    XX(P_LAND_MU,              "project.land_mu",                       DEC,  "亩",       "mu",     "项目用地",         "land needed")                    \
    XX(P_LOAN_PRINCIPAL,       "project.loan_principal",                DEC,  "元",       "yuan",   "贷款本金",         "loan principal")                 \
    XX(P_ENERGY_REVIEW_TIER,   "project.energy_review_tier",            ENUM, "",         "",       "节能审查层级",     "energy review tier")             \
    XX(P_FILING_CODE,          "project.filing_code",                   TEXT, "",         "",       "备案代码",         "filing code")                    \
    XX(P_FILING_DATE,          "project.filing_date",                   DATE, "",         "",       "备案日期",         "filing date")                    \
    XX(P_PLANNED_START,        "project.planned_start",                 DATE, "",         "",       "计划开工日期",     "planned start")                  \
    XX(P_PLANNED_COMPLETION,   "project.planned_completion",            DATE, "",         "",       "计划竣工日期",     "planned completion")             \
    XX(P_EQUIPMENT_LINES,      "project.equipment_lines",               INT,  "项",       "lines",  "设备清单条数",     "equipment list lines")           \
    XX(L_PRINCIPAL,            "loan.principal",                        DEC,  "元",       "yuan",   "贷款本金",         "loan principal")                 \
    XX(L_RATE_BP,              "loan.rate_bp",                          INT,  "基点",     "bp",     "贷款年利率",       "annual loan rate")               \
    XX(L_TERM_MONTHS,          "loan.term_months",                      INT,  "月",       "months", "贷款期限",         "loan term")                      \
    XX(L_DAYS,                 "loan.days",                             INT,  "天",       "days",   "贴息计息天数",     "days of interest subsidised")    \
    XX(L_BANK_ID,              "loan.bank_id",                          TEXT, "",         "",       "贷款银行",         "lending bank")

typedef enum {
#define TU__FIELD_ENUM(id, name, type, uz, ue, lz, le) TU_F_##id,
    TU_FIELD_MAP(TU__FIELD_ENUM)
#undef TU__FIELD_ENUM
    TU_F_COUNT
} tu_field_id;

typedef struct tu_attr {
    int id;
    const char *name;
    tu_attr_type type;
    const char *unit_zh, *unit_en;
    const char *label_zh, *label_en;
    unsigned flags;
} tu_attr;

/* A project or loan field of TU_FIELD_MAP. */
typedef struct tu_field {
    int id;
    const char *name; /* "project.equipment_investment" */
    tu_attr_type type;
    const char *unit_zh, *unit_en;
    const char *label_zh, *label_en;
} tu_field;

typedef struct tu_tag {
    int id;
    const char *name, *label_zh, *label_en;
} tu_tag;

const tu_attr *tu_attr_get(int id);                        /* NULL if out of range */
const tu_attr *tu_attr_find(const char *name, size_t len); /* by rule/CSV name; NULL if unknown */
const char *tu_attr_type_name(tu_attr_type t);             /* "decimal" */
const tu_tag *tu_tag_get(int id);
const tu_tag *tu_tag_find(const char *name, size_t len);
/* Number of decimal places of a numeric attribute's stored integer (4 for TU_T_DEC, 0 otherwise). */
int tu_attr_scale_places(const tu_attr *a);
const tu_field *tu_field_get(int id);                        /* NULL if out of range */
const tu_field *tu_field_find(const char *name, size_t len); /* by its dotted name; NULL if unknown */

#endif
