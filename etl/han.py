"""The Han character class, declared once for every pattern that matches Chinese text.

Place and unit names use rare characters outside the basic block (流波䃥镇 has U+40E5 from
Extension A; some names need Extensions B-G), so ``[\\u4e00-\\u9fff]`` silently drops them:
a per-place column whose township has such a character was not recognised as a place.
"""

from __future__ import annotations

# Extension A, the basic block, compatibility ideographs, Extensions B-G (planes 2 and 3)
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"


def is_han(char: str) -> bool:
    """Whether one character is a Han ideograph of any block in ``HAN``."""
    code = ord(char)
    return (
        0x3400 <= code <= 0x4DBF
        or 0x4E00 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x3134F
    )
