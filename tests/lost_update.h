/* tests/lost_update.h: the explorer's and the fuzzer's test subject. */
#ifndef WEFT_TESTS_LOST_UPDATE_H
#define WEFT_TESTS_LOST_UPDATE_H

/* Two tasks each read a shared balance, reach a schedule point and
 * write it back plus 10; WEFT_ASSERTs that it ends at 20, which fails
 * when the schedule switches between a read and its write. A weft_run
 * body. */
int two_deposits(void *arg);

#endif
