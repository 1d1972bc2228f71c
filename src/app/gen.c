/* gen.c — the synthetic province of gen.h.
 *
 * Each row is drawn from its own PRNG stream (splitmix64 keyed by seed and row number), so row i never depends on
 * other rows. USCC uniqueness comes from a bijection of the row number into the 8-character organisation code.
 * The tables below are the model; docs/synthetic-data.md gives their sources and reasoning. Workload: ~7M rows per
 * run written through one large buffer, ~150 bytes and a few hundred nanoseconds each.
 */
#include "app/gen.h"

#include <math.h>
#include <pthread.h>
#include <string.h>

#include "core/alloc.h"
#include "core/catalog.h"
#include "core/codes.h"
#include "core/num.h"

/* ---- the model ---- */

/* Share of all enterprises per city (%), in tu_city_at() order (Guangzhou, Shaoguan, Shenzhen, ...): census ranking
 * Shenzhen > Guangzhou > Dongguan > Foshan; magnitudes are estimates, see docs/synthetic-data.md. Districts: the
 * 2-digit county suffixes under each city (GB/T 2260); Dongguan and Zhongshan have none (towns report directly). */
static const struct {
    uint32_t code;
    double share;
    const char *districts;
} cities[] = {
    {440100, 22.0, "03 04 05 06 11 12 13 14 15 17 18"}, {440200, 1.0, "03 04 05 22 24 29 32 33 81 82"},
    {440300, 30.0, "03 04 05 06 07 08 09 10 11"},       {440400, 3.0, "02 03 04"},
    {440500, 3.0, "07 11 12 13 14 15 23"},              {440600, 7.5, "04 05 06 07 08"},
    {440700, 2.5, "03 04 05 81 83 84 85"},              {440800, 2.0, "02 03 04 11 23 25 81 82 83"},
    {440900, 1.5, "02 04 81 82 83"},                    {441200, 1.5, "02 03 04 23 24 26 84"},
    {441300, 3.5, "02 03 22 23 24"},                    {441400, 1.2, "02 03 22 23 24 26 27 81"},
    {441500, 0.7, "02 21 23 81"},                       {441600, 0.8, "02 21 22 23 24 25"},
    {441700, 0.8, "02 04 21 81"},                       {441800, 1.5, "02 03 21 23 25 26 81 82"},
    {441900, 9.0, ""},                                  {442000, 3.5, ""},
    {445100, 1.0, "02 03 22"},                          {445200, 2.0, "02 03 22 24 81"},
    {445300, 0.6, "02 03 21 22 81"},
};
#define NCITY (sizeof cities / sizeof cities[0])
#define MFG_SHARE 15.0 /* % of all enterprises in section C */

/* Divisions: weight = % of manufacturing for C (scaled to MFG_SHARE), % of all enterprises otherwise; two name
 * words ("|"-separated) for the company name. */
static const struct {
    const char *div;
    double w;
    const char *words;
} divisions[] = {
    {"C33", 15.2, "五金制品|金属制品"}, {"C39", 10.9, "电子科技|电子"},   {"C38", 10.1, "电器|电气"},
    {"C34", 7.0, "机械设备|机电"},      {"C29", 6.5, "塑胶制品|橡塑"},   {"C35", 5.0, "机械|自动化设备"},
    {"C18", 5.0, "服饰|制衣"},          {"C24", 4.5, "文体用品|玩具"},   {"C21", 4.0, "家具|家居"},
    {"C30", 4.0, "建材|陶瓷"},          {"C26", 3.5, "化工|新材料"},     {"C23", 3.0, "印刷|包装"},
    {"C17", 3.0, "纺织|织造"},          {"C19", 2.5, "鞋业|皮具"},       {"C14", 2.0, "食品|食品科技"},
    {"C36", 2.0, "汽车配件|汽车零部件"}, {"C41", 2.0, "工艺品|饰品"},    {"C13", 1.5, "农产品加工|粮油"},
    {"C22", 1.5, "纸业|纸品"},          {"C40", 1.5, "仪器仪表|精密仪器"}, {"C32", 1.0, "有色金属|铝业"},
    {"C15", 0.8, "饮料|茶业"},          {"C20", 0.8, "木业|木制品"},     {"C27", 0.8, "医药|生物医药"},
    {"C37", 0.6, "船舶|游艇"},          {"C31", 0.3, "钢铁|钢材"},       {"C42", 0.3, "再生资源|环保材料"},
    {"C43", 0.3, "设备维修|机电维修"},  {"C25", 0.2, "石化|能源"},       {"C28", 0.2, "化纤|纤维"},
    {"C16", 0.02, "烟草|烟叶"},
    {"A01", 0.8, "农业发展|农业科技"},  {"A03", 0.4, "养殖|畜牧"},       {"A04", 0.3, "水产|渔业"},
    {"B10", 0.05, "矿业|石材"},         {"D44", 0.3, "电力|新能源"},     {"D45", 0.1, "燃气|能源"},
    {"D46", 0.1, "水务|供水"},          {"E47", 0.9, "建设|建筑"},       {"E48", 1.6, "建设工程|工程"},
    {"E49", 0.8, "机电安装|安装工程"},  {"E50", 1.2, "装饰工程|装饰设计"}, {"F51", 20.0, "贸易|进出口"},
    {"F52", 13.0, "商贸|百货"},         {"G54", 1.5, "运输|货运"},       {"G58", 1.0, "物流|供应链"},
    {"G59", 0.5, "仓储|仓储服务"},      {"H61", 0.6, "酒店|酒店管理"},   {"H62", 1.9, "餐饮|餐饮管理"},
    {"I63", 0.4, "通信|通讯"},          {"I64", 1.8, "网络科技|互联网科技"}, {"I65", 4.8, "信息技术|软件"},
    {"J66", 0.2, "金融服务|支付"},      {"J67", 0.5, "投资|资本"},       {"J69", 0.5, "融资租赁|保理"},
    {"K70", 3.0, "房地产开发|物业管理"}, {"L71", 0.8, "租赁|设备租赁"},  {"L72", 12.2, "企业管理|商务服务"},
    {"M73", 0.5, "研究院|研究所"},      {"M74", 2.5, "工程技术|检测技术"}, {"M75", 5.0, "科技|科技发展"},
    {"N77", 0.4, "环保科技|环境工程"},  {"N78", 0.2, "园林绿化|市政工程"}, {"O80", 0.7, "家政服务|清洁服务"},
    {"O81", 0.6, "汽车维修|家电维修"},  {"O82", 0.7, "美容|生活服务"},  {"P83", 0.8, "教育咨询|培训"},
    {"Q84", 0.4, "医疗|健康管理"},      {"R86", 0.3, "出版|图书"},       {"R87", 0.9, "文化传播|传媒"},
    {"R89", 0.6, "体育|健身"},
};
#define NDIV (sizeof divisions / sizeof divisions[0])

/* Brand characters (字号): two of them make a company's brand. Every one is 3 bytes of UTF-8. */
static const char brand_chars[] = "华创新宏盛鑫达恒泰兴丰源瑞祥德信利通安康佳和美联永金宝海天星辉光明远航博卓越智汇峰润嘉"
                                  "荣昌福顺发晟隆益鸿腾飞志诚亿万凯旭东南中立科精锐捷优品合众邦俊睿聚成升耀阳晨辰祺毅骏"
                                  "正弘铭臻誉逸浩翔豪雅扬广景同欣";
#define NBRAND ((sizeof brand_chars - 1) / 3)

/* ---- tables derived once ---- */
static double city_all_cum[NCITY], city_mfg_cum[NCITY], city_other_cum[NCITY], div_cum[NDIV];
static const char *city_name[NCITY];
static int32_t ref_day, floor_day; /* TU_GEN_REF_DATE and 1979-01-01 (the reform's first year) */
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void cumulate(double *w, size_t n) {
    double sum = 0;
    for (size_t i = 0; i < n; i++) sum += w[i];
    double acc = 0;
    for (size_t i = 0; i < n; i++) acc += w[i] / sum, w[i] = acc;
    w[n - 1] = 1.0;
}

/* Manufacturers follow the above-scale counts of data/cities.csv; the others make up the rest so that all
 * enterprises follow the census shares: other = (all - mfg_share * mfg) / (1 - mfg_share), floored. */
static void init_tables(void) {
    double mfg_total = 0;
    for (size_t i = 0; i < NCITY; i++) mfg_total += tu_city_find(cities[i].code)->above_scale_2023;
    for (size_t i = 0; i < NCITY; i++) {
        const tu_city *c = tu_city_find(cities[i].code);
        double mfg = 100.0 * c->above_scale_2023 / mfg_total, f = MFG_SHARE / 100.0;
        city_all_cum[i] = cities[i].share;
        city_mfg_cum[i] = mfg;
        city_other_cum[i] = fmax((cities[i].share - f * mfg) / (1 - f), 0.1);
        city_name[i] = c->name_zh;
    }
    cumulate(city_all_cum, NCITY);
    cumulate(city_mfg_cum, NCITY);
    cumulate(city_other_cum, NCITY);
    double c_sum = 0, other_sum = 0;
    for (size_t i = 0; i < NDIV; i++) *(divisions[i].div[0] == 'C' ? &c_sum : &other_sum) += divisions[i].w;
    for (size_t i = 0; i < NDIV; i++)
        div_cum[i] = divisions[i].div[0] == 'C' ? divisions[i].w / c_sum * MFG_SHARE
                                                 : divisions[i].w / other_sum * (100 - MFG_SHARE);
    cumulate(div_cum, NDIV);
    ref_day = tu_date_from_ymd(2025, 12, 31);
    floor_day = tu_date_from_ymd(1979, 1, 1);
}

/* ---- randomness ---- */
typedef struct rng {
    uint64_t s;
} rng;

static uint64_t next(rng *r) {
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double unif(rng *r) { return (double)(next(r) >> 11) * 0x1.0p-53; }
static int chance(rng *r, double p) { return unif(r) < p; }

static double normal(rng *r) {
    double u = unif(r), v = unif(r);
    return sqrt(-2.0 * log(u + 0x1.0p-60)) * cos(6.283185307179586 * v);
}

static double lognormal(rng *r, double median, double sigma) { return median * exp(sigma * normal(r)); }

static size_t pick(rng *r, const double *cum, size_t n) {
    double u = unif(r);
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cum[mid] > u) hi = mid;
        else lo = mid + 1;
    }
    return lo;
}

/* A bijection of [0, 2^36): distinct rows get distinct organisation codes. */
static uint64_t permute36(uint64_t x, uint64_t key) {
    const uint64_t mask = (1ull << 36) - 1;
    x = (x ^ key) & mask;
    x = (x * 0x9E3779B97ull) & mask; /* odd multiplier: invertible mod 2^36 */
    x ^= x >> 17;
    x = (x * 0xD1B54A32Dull) & mask;
    x ^= x >> 13;
    return x;
}

/* ---- output helpers: append to a buffer with known room (a row never exceeds 512 bytes) ---- */
typedef struct out {
    char *p;
} out;

static void put(out *o, const char *s, size_t n) { memcpy(o->p, s, n), o->p += n; }
static void puts_(out *o, const char *s) { put(o, s, strlen(s)); }
static void putc_(out *o, char c) { *o->p++ = c; }

static void put_u(out *o, uint64_t v) {
    char tmp[24];
    int n = 0;
    do tmp[n++] = (char)('0' + v % 10), v /= 10;
    while (v);
    while (n) *o->p++ = tmp[--n];
}

/* Fixed-point v with `places` decimals, in the shortest exact form (as tu_dec_format prints it). */
static void put_fixed(out *o, uint64_t v, int places) {
    uint64_t scale = 1;
    for (int i = 0; i < places; i++) scale *= 10;
    put_u(o, v / scale);
    uint64_t frac = v % scale;
    if (!frac) return;
    putc_(o, '.');
    char tmp[8];
    for (int i = places - 1; i >= 0; i--) tmp[i] = (char)('0' + frac % 10), frac /= 10;
    int n = places;
    while (tmp[n - 1] == '0') n--;
    put(o, tmp, (size_t)n);
}

static void put_code6(out *o, uint32_t code) {
    for (int i = 5; i >= 0; i--) o->p[i] = (char)('0' + code % 10), code /= 10;
    o->p += 6;
}

/* ---- one row ---- */
typedef struct row {
    size_t city, div;
    uint32_t district;
    int industrial;
    int has_emp, has_rev, has_ind;
    uint64_t emp, rev10; /* revenue in 0.1 万元 */
} row;

static uint32_t pick_district(rng *r, size_t city) {
    const char *d = cities[city].districts;
    size_t n = (strlen(d) + 1) / 3;
    if (n == 0 || chance(r, 0.2)) return 0;
    size_t k = (size_t)(unif(r) * (double)n);
    return cities[city].code / 100 * 100 + (uint32_t)((d[3 * k] - '0') * 10 + d[3 * k + 1] - '0');
}

static void put_uscc(out *o, uint64_t seed, uint64_t i, uint32_t area) {
    static const char org_alpha[] = "0123456789ABCDEFGHJKLMNPQRTUWXY"; /* letters a USCC allows */
    char u[TU_USCC_LEN];
    memcpy(u, "91", 2);
    for (int k = 7; k >= 2; k--) u[k] = (char)('0' + area % 10), area /= 10;
    uint64_t x = permute36(i, seed * 0x2545F4914F6CDD1Dull);
    for (int k = 15; k >= 8; k--) u[k] = org_alpha[x % 31], x /= 31;
    u[16] = tu_org_check_char(u + 8);
    u[17] = tu_uscc_check_char(u);
    put(o, u, TU_USCC_LEN);
}

static void put_name(out *o, rng *r, uint64_t i, const row *w) {
    puts_(o, city_name[w->city]);
    uint64_t b = permute36(i, 0x5DEECE66Dull) % (NBRAND * NBRAND);
    put(o, brand_chars + 3 * (b % NBRAND), 3);
    put(o, brand_chars + 3 * (b / NBRAND), 3);
    const char *words = divisions[w->div].words, *bar = strchr(words, '|');
    if (chance(r, 0.5)) put(o, words, (size_t)(bar - words));
    else puts_(o, bar + 1);
    double u = unif(r);
    puts_(o, u < 0.85 ? "有限公司" : u < 0.95 ? "有限责任公司" : "股份有限公司");
}

/* Employees and revenue: log-normal, revenue = employees x productivity; medians by kind of business. */
static void draw_size(rng *r, row *w) {
    char sec = divisions[w->div].div[0];
    double emp_med = w->industrial ? 8 : sec == 'F' ? 4 : 5, emp_sig = w->industrial ? 1.4 : 1.15;
    double prod_med = w->industrial ? 30 : sec == 'F' ? 60 : 20;
    double emp = fmax(1.0, floor(lognormal(r, emp_med, emp_sig) + 0.5));
    w->emp = (uint64_t)fmin(emp, 200000);
    double rev = chance(r, 0.03) ? 0 : emp * lognormal(r, prod_med, 0.9);
    w->rev10 = (uint64_t)fmin(rev * 10 + 0.5, 5e9);
    w->has_emp = !chance(r, 0.05);
    w->has_rev = !chance(r, 0.08);
}

static void put_industry(out *o, rng *r, const row *w) {
    puts_(o, divisions[w->div].div);
    if (chance(r, 0.3)) putc_(o, (char)('1' + (int)(unif(r) * 3))), putc_(o, (char)('1' + (int)(unif(r) * 3)));
}

static int derived_size(const row *w) {
    const char *d = divisions[w->div].div;
    return tu_size_derive(d, 3, w->has_emp, (int64_t)w->emp, w->has_rev, (int64_t)w->rev10 * (TU_DEC_SCALE / 10));
}

static void put_founded(out *o, rng *r) {
    double years = chance(r, 0.7) ? -6.0 * log(unif(r) + 1e-12) : unif(r) * 40;
    int32_t d = ref_day - (int32_t)(years * 365.25);
    if (d < floor_day) d = floor_day + (int32_t)(unif(r) * 3650);
    char buf[TU_DATE_BUFSZ];
    put(o, tu_date_format(d, buf), 10);
}

/* Above-scale exactly as the registry derives it: known industry in B, C, D and known revenue >= 2000 万元. */
static int is_above(const row *w) {
    return w->has_ind && w->has_rev &&
           tu_is_above_scale(divisions[w->div].div[0], (int64_t)w->rev10 * (TU_DEC_SCALE / 10));
}

/* Tags in catalog order (as export prints them). */
static void put_tags(out *o, rng *r, const row *w, int high_tech) {
    const char *d = divisions[w->div].div;
    int c = d[0] == 'C', tech = c || d[0] == 'I' || d[0] == 'M';
    int above = is_above(w);
    uint64_t rev = w->has_rev ? w->rev10 / 10 : 0;
    int specialized = ((c && rev >= 1000) || (strcmp(d, "I65") == 0 && rev >= 500)) && chance(r, c ? 0.09 : 0.02);
    int giant = specialized && chance(r, 0.07), champion = giant && chance(r, 0.1);
    int on[TU_TAG_COUNT] = {0};
    on[TU_TAG_HIGH_TECH] = high_tech;
    on[TU_TAG_TECH_SME] = tech && !above && chance(r, 0.02);
    on[TU_TAG_INNOVATIVE_SME] = tech && chance(r, 0.008);
    on[TU_TAG_SPECIALIZED_SME] = specialized;
    on[TU_TAG_LITTLE_GIANT] = giant;
    on[TU_TAG_SINGLE_CHAMPION] = champion;
    on[TU_TAG_ABOVE_SCALE] = above;
    on[TU_TAG_GREEN_FACTORY] = above && chance(r, 0.02);
    on[TU_TAG_SMART_FACTORY] = above && chance(r, 0.01);
    on[TU_TAG_DEMONSTRATION] = above && chance(r, 0.01);
    int first = 1;
    for (int t = 0; t < TU_TAG_COUNT; t++)
        if (on[t]) {
            if (!first) putc_(o, ';');
            puts_(o, tu_tag_get(t)->name), first = 0;
        }
}

static int draw_high_tech(rng *r, const row *w) {
    const char *d = divisions[w->div].div;
    int above = is_above(w);
    double p = d[0] == 'C' ? 0.03 + 0.15 * above
               : (d[0] == 'I' || d[0] == 'M') ? 0.015
                                              : 0.001;
    return chance(r, p);
}

static void put_rd_energy(out *o, rng *r, const row *w, int high_tech) {
    if (chance(r, high_tech ? 0.9 : w->industrial ? 0.4 : 0.15)) {
        double pct = high_tech ? 3 + unif(r) * 9 : fmin(lognormal(r, 1.5, 0.8), 30);
        put_fixed(o, (uint64_t)(pct * 100 + 0.5), 2);
    }
    putc_(o, ',');
    if (w->has_rev && w->rev10 > 0 && chance(r, w->industrial ? 0.6 : 0.05)) {
        double tce = (double)w->rev10 / 10 * lognormal(r, w->industrial ? 0.03 : 0.005, 1.0);
        put_fixed(o, (uint64_t)(tce * 10 + 0.5), 1);
    }
}

int tu_gen_row(uint64_t seed, uint64_t i, char *buf, size_t cap) {
    if (cap < 512) return -1;
    pthread_once(&once, init_tables);
    rng r = {seed * 0xD6E8FEB86659FD93ull ^ (i + 1) * 0x9E3779B97F4A7C15ull};
    row w = {0};
    w.div = pick(&r, div_cum, NDIV);
    w.industrial = tu_is_industrial_section(divisions[w.div].div[0]);
    w.city = pick(&r, divisions[w.div].div[0] == 'C' ? city_mfg_cum : city_other_cum, NCITY);
    w.district = pick_district(&r, w.city);
    draw_size(&r, &w);
    w.has_ind = !chance(&r, 0.005);
    int high_tech = draw_high_tech(&r, &w);
    out o = {buf};
    put_uscc(&o, seed, i, w.district ? w.district : cities[w.city].code);
    putc_(&o, ',');
    put_name(&o, &r, i, &w);
    putc_(&o, ',');
    put_code6(&o, cities[w.city].code);
    putc_(&o, ',');
    if (w.district && chance(&r, 0.9)) put_code6(&o, w.district);
    putc_(&o, ',');
    if (w.has_ind) put_industry(&o, &r, &w);
    putc_(&o, ',');
    int size = derived_size(&w);
    if (size >= 0 && chance(&r, 0.08)) puts_(&o, tu_size_name(size));
    putc_(&o, ',');
    if (w.has_rev) put_fixed(&o, w.rev10, 1);
    putc_(&o, ',');
    if (w.has_emp) put_u(&o, w.emp);
    putc_(&o, ',');
    if (!chance(&r, 0.01)) put_founded(&o, &r);
    putc_(&o, ',');
    put_rd_energy(&o, &r, &w, high_tech);
    putc_(&o, ',');
    put_tags(&o, &r, &w, high_tech);
    return (int)(o.p - buf);
}

int tu_gen_write(FILE *f, uint64_t n, uint64_t seed, tu_err *err) {
    enum { BUF = 1 << 20 };
    static const char header[] =
        "uscc,name,city,district,industry,size,revenue,employees,founded,rd_ratio,energy_tce,tags\n";
    char *buf = tu_malloc(BUF);
    if (!buf) return tu_err_set(err, TU_ENOMEM, "out of memory");
    size_t used = sizeof header - 1;
    memcpy(buf, header, used);
    int ok = 1;
    for (uint64_t i = 0; i < n && ok; i++) {
        if (BUF - used < 520) ok = fwrite(buf, 1, used, f) == used, used = 0;
        used += (size_t)tu_gen_row(seed, i, buf + used, BUF - used);
        buf[used++] = '\n';
    }
    ok = ok && fwrite(buf, 1, used, f) == used && fflush(f) == 0;
    tu_free(buf);
    return ok ? TU_OK : tu_err_set(err, TU_EIO, "write failed");
}
