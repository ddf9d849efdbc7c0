"""`{% here %}`: the address of the page being shown, path and query, never a fragment.

Every form that posts back to its own page names it as its action. A form without an action posts to the
browser's address, fragment and all: after "Skip to main content" that is ...#maincontent, and a failed
submit would then reload scrolled to <main> with focus on the page body, so a screen-reader user hears
nothing about the errors (WCAG 2.4.3, 3.3.1). The server never sees a fragment, so the address it gives
has none, with or without JavaScript. Loaded for every template (settings: TEMPLATES builtins)."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def here(context) -> str:
    return context["request"].get_full_path()
