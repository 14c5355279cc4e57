"""What planscope puts in a repository and checks is in place: the files ``init`` and ``new``
write (templates), the plain git hooks ``install`` copies, and the health checks ``doctor``
runs (git, config, plans, hooks, the agents' guards, the model API)."""
