"""Synclog's benchmark harness: real server processes, two baselines and one load generator, in one run."""
