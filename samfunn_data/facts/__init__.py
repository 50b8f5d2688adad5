"""The fact base: the municipality registry, the indicator catalogue and its computations, the
robustness rule, the sources the build reads, and build/load/comparisons of `data/processed`.

Data flows one way: `ssb` → `facts` → `reports`, `network`, `screening`.
"""
