"""recordparse benchmarks: generators, baselines and the runner (``python -m bench``)."""
