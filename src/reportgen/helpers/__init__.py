"""The functions editors call in content/*.md, registered with name, signature and doc: prose numbers and blocks."""

from .blocks import BIBLIOGRAPHY_MARKER, LIST_MARKERS, BlockBuilders
from .docs import helper_table_markdown, markers, update_readme
from .prose import ProseNumbers
from .registry import GROUPS, Example, Group, HelperInfo, helper, helper_names, registered
from .session import Helpers

__all__ = [
    "BIBLIOGRAPHY_MARKER",
    "GROUPS",
    "LIST_MARKERS",
    "BlockBuilders",
    "Example",
    "Group",
    "HelperInfo",
    "Helpers",
    "ProseNumbers",
    "helper",
    "helper_names",
    "helper_table_markdown",
    "markers",
    "registered",
    "update_readme",
]
