"""One module per command: read the arguments, call the packages that decide, and return one
``Outcome`` (exit code, stdout, stderr). No command prints, and no module outside this package
(but the command line's wiring) imports one."""
