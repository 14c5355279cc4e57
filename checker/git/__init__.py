"""Every git call and every git output format: the process runner, the repository's facts, diffs,
commits and revisions, blobs at a revision, commit messages and trailers, merges, amends and
work trees. Nothing outside this package runs git."""
