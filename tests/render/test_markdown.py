"""Untrusted text as inert Markdown (checker/render/markdown.py)."""

from __future__ import annotations

from checker.render import markdown


def test_markdown_helpers_keep_untrusted_text_inert() -> None:
    assert markdown.md_code("a`b|c", table=True) == "``a`b\\|c``"
    assert markdown.md_code("`x`") == "`` `x` ``"
    assert markdown.md_text("<img src=x> **bold** [link](http://x)\nnext") == (
        "\\<img src=x\\> \\*\\*bold\\*\\* \\[link\\]\\(http://x\\) next")
    block = markdown.md_block("+```\n+text\n```` inside", "diff")
    assert block.startswith("`````diff\n") and block.endswith("\n`````")
