/* weft.h: structured concurrency for C with a deterministic simulator.
 * An umbrella over the area headers in weft/; see docs/GUIDE.md. */
#ifndef WEFT_H
#define WEFT_H

#include "weft/common.h"
#include "weft/runtime.h"
#include "weft/time.h"
#include "weft/cancel.h"
#include "weft/task.h"
#include "weft/sync.h"
#include "weft/queue.h"
#include "weft/patterns.h"
#include "weft/thread.h"
#include "weft/io.h"
#include "weft/leak.h"
#include "weft/sim.h"
#include "weft/trace.h"
#include "weft/buggify.h"

#endif
