"""Colour arithmetic for readable text: WCAG 2 contrast, a brand colour darkened until text in it can be read, the
text colour for a filled background."""

from __future__ import annotations

WHITE, BLACK = "#ffffff", "#000000"
READABLE = 4.5  # WCAG 2 AA: the least contrast of normal-sized text with its background


def luminance(colour: str) -> float:
    """The relative luminance of an sRGB colour `#rrggbb` (WCAG 2)."""
    channels = (int(colour[index : index + 2], 16) / 255 for index in (1, 3, 5))
    red, green, blue = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    """The contrast ratio of two colours (WCAG 2), 1 to 21."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_on(background: str, text: str) -> str:
    """The brand's text colour or white on `background`, whichever reaches WCAG AA; else black or white (one of them
    always has at least 4.58:1)."""
    for colour in (text, WHITE):
        if contrast(colour, background) >= READABLE:
            return colour
    return max((BLACK, WHITE), key=lambda colour: contrast(colour, background))


def readable(colour: str, background: str = WHITE) -> str:
    """`colour`, darkened in steps just as far as text in it needs to be readable on `background`."""
    for step in range(21):
        darker = mix(colour, step / 20, BLACK)
        if contrast(darker, background) >= READABLE:
            return darker
    return BLACK


def mix(colour: str, share: float, other: str = WHITE) -> str:
    """`colour` mixed with a `share` (0..1) of `other` (white unless given)."""
    ours = (int(colour[index : index + 2], 16) for index in (1, 3, 5))
    theirs = (int(other[index : index + 2], 16) for index in (1, 3, 5))
    return "#" + "".join(f"{round(a + (b - a) * share):02x}" for a, b in zip(ours, theirs, strict=True))
