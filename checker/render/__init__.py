"""Every output format, and the escaping each one needs: text for a terminal, one JSON
object, GitHub workflow commands and the job summary, Markdown, CSV, HTML and SVG. Commands
decide; modules here only say what was decided."""
