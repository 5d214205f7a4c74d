"""The benchmark tools: `claims synth` (synth.py: synthetic data at any size) and `claims bench`
(benchmark.py: each step measured in its own process by measure.py, against the honest floor of
floor.py, Datasette measured by serving.py, the results reported by report.py)."""
