"""Deduplication as pure decisions on typed records: no database, no Airflow.

- `fingerprints`: hashes, sampled shingle anchors and lines of an article's text;
- `matching`: thresholds, and the kind of copy two texts are;
- `originals`: the evidence of age that chooses a cluster's original;
- `stories`: joining other outlets' articles on the same event;
- `resolve`: a batch of staged pages against what is known → decisions (new, copy, version,
  unchanged, demote), which the database side (wirehouse/loading) applies in bulk.
"""
