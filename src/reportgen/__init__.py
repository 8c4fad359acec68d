"""reportgen: survey studies from data and German Markdown to a branded PDF."""

__version__ = "0.1.0"
