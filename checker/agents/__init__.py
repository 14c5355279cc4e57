"""Coding agents and executors: the edit-time guard and the hook input it reads, the agents' hook
settings, planscope run (relay, watch, watchdog), the executor's brief and who executed a
commit."""
