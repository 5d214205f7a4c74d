"""Releases: `claims release` (release.py) writes the bundle (bundle.py) with the delta since the
previous release (delta.py), and records the release in the data (records.py)."""
