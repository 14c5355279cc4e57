"""Asking models, for every question planscope puts to one: the providers (the anthropic SDK,
imported only when a call is made, and a command), one deadline and cache for every ask, the
prompt builder that keeps repository text in data blocks, and the questions themselves: drift
verification, the review of a change, a plan's readiness."""
