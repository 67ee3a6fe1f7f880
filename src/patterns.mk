# patterns, thread offload and leak tracking (issue 4).
