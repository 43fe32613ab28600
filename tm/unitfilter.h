/*
 * unitfilter.h — the one decision of the unit filters (internal): a query's filters
 * (jisr_tm_query_opts.props, changed_since: score.c, on a stored record) and
 * jisr_tm_unit_filter's (unitfilter.c, on a jisr_unit: export and delete by filter) keep the same
 * units.
 */
#ifndef JISR_TM_UNITFILTER_H
#define JISR_TM_UNITFILTER_H

#include <stddef.h>
#include <stdint.h>

#include "tm/tm.h"

/** Whether a unit passes: its date — changed, else (never changed) created; INT64_MIN absent —
 * at or after since and strictly before before (INT64_MIN / INT64_MAX: no limit; a unit without
 * a date passes only when there is neither), and for each prop type named in props[0..nprops) a
 * prop of that type with one of the values given for it (has(obj, type, value) says whether the
 * unit obj has it; values of one type are alternatives, different types must all match). 1 or
 * 0. A NULL type or value is read as "". */
int tm_unit_filter_test(const jisr_tm_prop_filter *props, size_t nprops, int64_t since,
                        int64_t before, int64_t changed, int64_t created,
                        int (*has)(const void *obj, const char *type, const char *value),
                        const void *obj);

#endif
