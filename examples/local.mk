# examples/: small programs for the README and docs/GUIDE.md.
noinst_PROGRAMS += examples/racy
examples_racy_LDADD = libweft.la
