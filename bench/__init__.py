"""Evaluations and benchmarks anyone can rerun; each prints our figure beside a baseline from the same run."""
