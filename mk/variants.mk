# mk/variants.mk: check-asan, check-valgrind, check-aarch64 (see scripts/).
