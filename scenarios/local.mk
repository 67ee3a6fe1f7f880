# scenarios/: classic concurrency bugs written with weft, each built
# twice: as is (the bug) and with -DFIXED (its fixed twin). They link
# the static core, so weft-explore runs each at the cost of one exec;
# tests/scenarios.sh explores every one of them (docs/EXPLORATION.md).
SCENARIOS = lost_update check_then_act lock_order2 lock_order3 lost_wakeup cancel_drop cancel_lock timeout_race order3 aba bounded_buffer double_release
SCENARIO_BINS = scenarios/lost_update scenarios/lost_update_fixed scenarios/check_then_act scenarios/check_then_act_fixed scenarios/lock_order2 scenarios/lock_order2_fixed scenarios/lock_order3 scenarios/lock_order3_fixed scenarios/lost_wakeup scenarios/lost_wakeup_fixed scenarios/cancel_drop scenarios/cancel_drop_fixed scenarios/cancel_lock scenarios/cancel_lock_fixed scenarios/timeout_race scenarios/timeout_race_fixed scenarios/order3 scenarios/order3_fixed scenarios/aba scenarios/aba_fixed scenarios/bounded_buffer scenarios/bounded_buffer_fixed scenarios/double_release scenarios/double_release_fixed
noinst_PROGRAMS += $(SCENARIO_BINS)
EXTRA_DIST += scenarios/scenario.h tests/scenarios.sh
TESTS += tests/scenarios.sh

# Distributed scenarios over the simulated network (docs/NETWORK.md): each
# bug found by the explorer under faults the seed chooses, each fixed twin
# passing; the same programs run on the real backend over loopback.
NET_SCENARIO_BINS = scenarios/net_kv scenarios/net_kv_fixed \
	scenarios/net_lease scenarios/net_lease_fixed
noinst_PROGRAMS += $(NET_SCENARIO_BINS)
EXTRA_DIST += scenarios/net_scenario.h tests/net_scenarios.sh
TESTS += tests/net_scenarios.sh
scenarios_net_kv_SOURCES = scenarios/net_kv.c scenarios/net_scenario.h
scenarios_net_kv_LDADD = libweftcore.la
scenarios_net_kv_fixed_SOURCES = scenarios/net_kv.c scenarios/net_scenario.h
scenarios_net_kv_fixed_CPPFLAGS = $(AM_CPPFLAGS) -DFIXED
scenarios_net_kv_fixed_LDADD = libweftcore.la
scenarios_net_lease_SOURCES = scenarios/net_lease.c scenarios/net_scenario.h
scenarios_net_lease_LDADD = libweftcore.la
scenarios_net_lease_fixed_SOURCES = scenarios/net_lease.c \
	scenarios/net_scenario.h
scenarios_net_lease_fixed_CPPFLAGS = $(AM_CPPFLAGS) -DFIXED
scenarios_net_lease_fixed_LDADD = libweftcore.la

scenarios_lost_update_SOURCES = scenarios/lost_update.c scenarios/scenario.h
scenarios_lost_update_LDADD = libweftcore.la
scenarios_lost_update_fixed_SOURCES = scenarios/lost_update.c scenarios/scenario.h
scenarios_lost_update_fixed_CPPFLAGS = $(AM_CPPFLAGS) -DFIXED
scenarios_lost_update_fixed_LDADD = libweftcore.la
scenarios_check_then_act_SOURCES = scenarios/check_then_act.c scenarios/scenario.h
scenarios_check_then_act_LDADD = libweftcore.la
scenarios_check_then_act_fixed_SOURCES = scenarios/check_then_act.c scenarios/scenario.h
scenarios_check_then_act_fixed_CPPFLAGS = $(AM_CPPFLAGS) -DFIXED
scenarios_check_then_act_fixed_LDADD = libweftcore.la
scenarios_lock_order2_SOURCES = scenarios/lock_order2.c scenarios/scenario.h
scenarios_lock_order2_LDADD = libweftcore.la
scenarios_lock_order2_fixed_SOURCES = scenarios/lock_order2.c scenarios/scenario.h
scenarios_lock_order2_fixed_CPPFLAGS = $(AM_CPPFLAGS) -DFIXED
scenarios_lock_order2_fixed_LDADD = libweftcore.la
scenarios_lock_order3_SOURCES = scenarios/lock_order3.c scenarios/scenario.h
scenarios_lock_order3_LDADD = libweftcore.la
scenarios_lock_order3_fixed_SOURCES = scenarios/lock_order3.c scenarios/scenario.h
scenarios_lock_order3_fixed_CPPFLAGS = $(AM_CPPFLAGS) -DFIXED
scenarios_lock_order3_fixed_LDADD = libweftcore.la
scenarios_lost_wakeup_SOURCES = scenarios/lost_wakeup.c scenarios/scenario.h
scenarios_lost_wakeup_LDADD = libweftcore.la
scenarios_lost_wakeup_fixed_SOURCES = scenarios/lost_wakeup.c scenarios/scenario.h
scenarios_lost_wakeup_fixed_CPPFLAGS = $(AM_CPPFLAGS) -DFIXED
scenarios_lost_wakeup_fixed_LDADD = libweftcore.la
scenarios_cancel_drop_SOURCES = scenarios/cancel_drop.c scenarios/scenario.h
scenarios_cancel_drop_LDADD = libweftcore.la
scenarios_cancel_drop_fixed_SOURCES = scenarios/cancel_drop.c scenarios/scenario.h
scenarios_cancel_drop_fixed_CPPFLAGS = $(AM_CPPFLAGS) -DFIXED
scenarios_cancel_drop_fixed_LDADD = libweftcore.la
scenarios_cancel_lock_SOURCES = scenarios/cancel_lock.c scenarios/scenario.h
scenarios_cancel_lock_LDADD = libweftcore.la
scenarios_cancel_lock_fixed_SOURCES = scenarios/cancel_lock.c scenarios/scenario.h
scenarios_cancel_lock_fixed_CPPFLAGS = $(AM_CPPFLAGS) -DFIXED
scenarios_cancel_lock_fixed_LDADD = libweftcore.la
scenarios_timeout_race_SOURCES = scenarios/timeout_race.c scenarios/scenario.h
scenarios_timeout_race_LDADD = libweftcore.la
scenarios_timeout_race_fixed_SOURCES = scenarios/timeout_race.c scenarios/scenario.h
scenarios_timeout_race_fixed_CPPFLAGS = $(AM_CPPFLAGS) -DFIXED
scenarios_timeout_race_fixed_LDADD = libweftcore.la
scenarios_order3_SOURCES = scenarios/order3.c scenarios/scenario.h
scenarios_order3_LDADD = libweftcore.la
scenarios_order3_fixed_SOURCES = scenarios/order3.c scenarios/scenario.h
scenarios_order3_fixed_CPPFLAGS = $(AM_CPPFLAGS) -DFIXED
scenarios_order3_fixed_LDADD = libweftcore.la
scenarios_aba_SOURCES = scenarios/aba.c scenarios/scenario.h
scenarios_aba_LDADD = libweftcore.la
scenarios_aba_fixed_SOURCES = scenarios/aba.c scenarios/scenario.h
scenarios_aba_fixed_CPPFLAGS = $(AM_CPPFLAGS) -DFIXED
scenarios_aba_fixed_LDADD = libweftcore.la
scenarios_bounded_buffer_SOURCES = scenarios/bounded_buffer.c scenarios/scenario.h
scenarios_bounded_buffer_LDADD = libweftcore.la
scenarios_bounded_buffer_fixed_SOURCES = scenarios/bounded_buffer.c scenarios/scenario.h
scenarios_bounded_buffer_fixed_CPPFLAGS = $(AM_CPPFLAGS) -DFIXED
scenarios_bounded_buffer_fixed_LDADD = libweftcore.la
scenarios_double_release_SOURCES = scenarios/double_release.c scenarios/scenario.h
scenarios_double_release_LDADD = libweftcore.la
scenarios_double_release_fixed_SOURCES = scenarios/double_release.c scenarios/scenario.h
scenarios_double_release_fixed_CPPFLAGS = $(AM_CPPFLAGS) -DFIXED
scenarios_double_release_fixed_LDADD = libweftcore.la
