"""What the server-rendered SVG charts of the apps share: the palette and the value axis's step."""

import math

BAR = "#4f7fbf"  # 4.1:1 against white (WCAG 1.4.11 asks 3:1 for graphics)
AXIS = "#3d3d3d"
GRID = "#d0d0d0"
TEXT = "#1b1b1b"


def nice_step(highest: int, ticks: int = 5) -> int:
    """A step of 1, 2 or 5 times a power of ten that divides 0…highest into at most ``ticks`` parts."""
    if highest <= ticks:
        return 1
    raw = highest / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return int(factor * power)
    return int(10 * power)
