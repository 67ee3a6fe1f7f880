# docs/: the checks that keep the docs true (references resolve).
TESTS += tests/doc_refs.sh
EXTRA_DIST += tests/doc_refs.sh docs/ARCHITECTURE.md docs/CONVENTIONS.md \
	docs/STYLE.md
