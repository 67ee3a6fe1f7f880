/* src/conf.h: the configuration of a run, checked (see conf.c). */
#ifndef WEFT_CONF_H
#define WEFT_CONF_H

#include <stdbool.h>

#include "weft/runtime.h"

/* Sets *out to *in (NULL: the defaults) overridden by the WEFT_*
 * environment, after checking every field and every variable. 0,
 * -EINVAL (a bad value: one line on stderr names the field or variable,
 * the value and what is accepted) or -ENOMEM. */
int weft__config_resolve(const weft_config *in, weft_config *out);

/* Prints the one refusal line, weft: NAME=VALUE is not valid; accepted:
 * WHAT (VALUE quoted when text), and returns -EINVAL. For the backends'
 * check_config too. */
int weft__config_refuse(const char *name, const char *value, bool text,
                        const char *accepted);

/* Checks the fields of cfg only, without the environment (an in-process
 * exploration sets seed and strategy itself). 0, -EINVAL, -ENOTSUP. */
int weft__config_check(const weft_config *cfg);

#endif
