"""Judging changes: the claim a change makes, the check pipeline, the pull request decision,
adoption and the baseline, the hand-off gate, rollout order, the pre-commit quick answer and
explain."""
