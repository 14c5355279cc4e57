"""``python -m checker.rules.validators``: make the generated validators again from
schemas/ (needs fastjsonschema, in the test extra)."""

from checker.rules import schemas
from checker.rules.validators import HERE, NAMES, source

for name in NAMES:
    (HERE / f"{name}.py").write_text(source(name, schemas.text(name)), encoding="utf-8")
    print(f"wrote {HERE / f'{name}.py'}")
