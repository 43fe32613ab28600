/*
 * unitfilter.c — unit filters: the decision a query's filters make on each stored record
 * (props, changed_since; score.c's tm_filter_ok) and jisr_tm_unit_filter makes on a jisr_unit
 * (`jisr export` and `jisr delete` by filter), written once.
 */
#include <string.h>

#include "tm/unitfilter.h"

int tm_unit_filter_test(const jisr_tm_prop_filter *props, size_t nprops, int64_t since,
                        int64_t before, int64_t changed, int64_t created,
                        int (*has)(const void *obj, const char *type, const char *value),
                        const void *obj)
{
    if (since != INT64_MIN || before != INT64_MAX) {
        int64_t t = changed != INT64_MIN ? changed : created;
        if (t == INT64_MIN || t < since || t >= before)
            return 0;
    }
    for (size_t i = 0; i < nprops; i++) {
        const char *type = props[i].type ? props[i].type : "";
        int first = 1;
        for (size_t k = 0; k < i && first; k++)
            first = strcmp(props[k].type ? props[k].type : "", type) != 0;
        if (!first) /* the values of one type were tried together */
            continue;
        int ok = 0;
        for (size_t j = i; j < nprops && !ok; j++)
            if (strcmp(props[j].type ? props[j].type : "", type) == 0)
                ok = has(obj, type, props[j].value ? props[j].value : "");
        if (!ok)
            return 0;
    }
    return 1;
}

/* A prop of the unit (its <tu>'s, as a stored record keeps them) of this type and value. */
static int unit_has_prop(const void *obj, const char *type, const char *value)
{
    const jisr_unit *u = obj;
    for (size_t i = 0; i < u->meta.nprops; i++) {
        const jisr_prop *p = &u->meta.props[i];
        if (strcmp(p->type ? p->type : "", type) == 0 &&
            strcmp(p->value ? p->value : "", value) == 0)
            return 1;
    }
    return 0;
}

static int64_t unit_date(const char *s)
{
    int64_t t;
    return s && jisr_date_parse(s, &t) == 0 ? t : INT64_MIN;
}

int jisr_tm_unit_filter_match(const jisr_tm_unit_filter *f, const jisr_unit *u)
{
    if (!f || !u)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "jisr_tm_unit_filter_match: %s is NULL",
                              f ? "u" : "f");
    if (f->nprops && !f->props)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0,
                              "jisr_tm_unit_filter_match: %zu prop filters at NULL (props)",
                              f->nprops);
    for (size_t i = 0; i < f->nprops; i++)
        if (!f->props[i].type || !f->props[i].value)
            return jisr_error_set(JISR_EINVAL, NULL, 0, 0,
                                  "jisr_tm_unit_filter_match: a prop filter needs a type and a "
                                  "value");
    int64_t changed = INT64_MIN, created = INT64_MIN;
    if (f->since != INT64_MIN || f->before != INT64_MAX) {
        changed = unit_date(u->meta.changedate);
        if (changed == INT64_MIN)
            created = unit_date(u->meta.creationdate);
    }
    return tm_unit_filter_test(f->props, f->nprops, f->since, f->before, changed, created,
                               unit_has_prop, u);
}
