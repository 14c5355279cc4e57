"""Looking back over history: scope discipline (stats), from a line to its plan (trace), a plan's
slices as work lands (status), and records written into plans."""
