"""reportgen's house templates: the study's templates/ folder as installed, with a neutral logo.

They have one owner, the study's `templates/` folder: pyproject.toml puts it into the package as
`reportgen/project_templates` (without the study client's logo). `reportgen new` copies them into a new project;
a project without a templates/ folder is laid out with them directly.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

PACKAGE = "reportgen"
TEMPLATES = "project_templates"  # the study's templates/, as pyproject.toml packages it

# Stands in for the study's logo until the project names its own ([brand] logo, or templates/logo.svg); drawn in
# the middle of its box, as a word mark is, so that it keeps the same distance from the text in the page header.
NEUTRAL_LOGO = b"""\
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 240 52" width="240" height="52" role="img" aria-label="Logo">
<title>Logo</title>
<rect x="1" y="9" width="238" height="34" rx="5" fill="none" stroke="#0b5d5b" stroke-width="2" stroke-dasharray="6 4"/>
<text x="120" y="32.5" text-anchor="middle" font-family="Lato, sans-serif" font-size="18" fill="#0b5d5b">Ihr Logo</text>
</svg>
"""


def house_folder() -> Path:
    """The study's templates/ folder as this installation has it: in the package (a wheel), or, in an editable
    install, the checkout's own folder (the package is then the checkout's src/reportgen, which has no copy)."""
    packaged = Path(str(resources.files(PACKAGE) / TEMPLATES))
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "pyproject.toml").is_file() and (checkout / "templates").is_dir():
        return checkout / "templates"
    raise RuntimeError(f"reportgen is installed without its templates: {packaged} is missing")  # a packaging bug
