"""The rules a change is judged by: plan and config files (YAML with positions, the JSON Schemas,
semantic checks, lint against a revision), globs matched like git's wildmatch, and the one
builder of a change's rules (scope, forbids with their origin, exemptions)."""
