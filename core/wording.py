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


def hours(x: float) -> str:
    """Hours in words, to the nearest minute: 1.5 -> "1 hour 30 minutes", 107.6667 -> "107 hours 40 minutes",
    0.25 -> "15 minutes", 0 -> "0 hours". Every page and export writes hours this way."""
    minutes = round(float(x) * 60)
    whole, rest = divmod(minutes, 60)
    if whole and rest:
        return f"{plural(whole, 'hour')} {plural(rest, 'minute')}"
    if rest:
        return plural(rest, "minute")
    return plural(whole, "hour")


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
