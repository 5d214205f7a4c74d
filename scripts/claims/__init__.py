"""claims: validate, build and publish the source-anchored claims dataset."""
