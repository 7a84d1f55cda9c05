/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The whole detector for callers that want all of it: the facts and their
 * probing (probe.h), the decisions on them (decide.h) and the report
 * (report.h).
 */
#ifndef PWRU_FEATURES_H
#define PWRU_FEATURES_H

#include "probe.h"
#include "decide.h"
#include "report.h"

#endif /* PWRU_FEATURES_H */
