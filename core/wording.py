"""Numbers, plurals and lists in words, shared by every app. Plain Python: no models, no database."""

from collections.abc import Iterable


def number(x: float) -> str:
    """7 -> "7", 7.5 -> "7.5", 0.25 -> "0.25", 1.333 -> "1.33"; whole numbers keep every digit."""
    if isinstance(x, int):
        return str(x)
    return f"{round(float(x), 2):g}"


def plural(n: float, one: str, many: str | None = None) -> str:
    """1 -> "1 day", 2 -> "2 days"; `many` for plurals that are not the word plus "s"."""
    return f"{number(n)} {one if float(n) == 1 else (many or one + 's')}"


def is_are(n: float) -> str:
    return "is" if n == 1 else "are"


def listing(items: Iterable[str]) -> str:
    """["a", "b", "c"] -> "a, b and c"."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def sentence(text: str) -> str:
    """The text with its first letter in capitals, the rest untouched."""
    return text[:1].upper() + text[1:]
