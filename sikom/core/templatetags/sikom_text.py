from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def paragraphs(text: str) -> SafeString:
    """Plain text to KERN paragraphs: blank lines separate paragraphs, lines starting with »- « form a list.

    Everything is escaped first, so markup typed into a text never reaches the page as markup.
    """
    html = []
    for block in (text or "").replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        # Group consecutive lines of the same kind: list items or paragraph lines.
        groups: list[tuple[bool, list[str]]] = []
        for line in lines:
            is_item = line.startswith("- ")
            if groups and groups[-1][0] == is_item:
                groups[-1][1].append(line)
            else:
                groups.append((is_item, [line]))
        for is_item, group in groups:
            if is_item:
                items = "".join(f"<li>{escape(line[2:])}</li>" for line in group)
                html.append(f'<ul class="kern-list kern-list--bullet">{items}</ul>')
            else:
                html.append(f'<p class="kern-body">{"<br>".join(escape(line) for line in group)}</p>')
    return mark_safe("".join(html))


@register.filter
def phone_link(number: str) -> str:
    """»+49 351 855-2223« → »+493518552223« for tel: links."""
    return "".join(ch for ch in number or "" if ch.isdigit() or ch == "+")


@register.filter
def as_lead_in(label) -> str:
    """A field label in front of its error message in the error summary: »E-Mail: …«, but »Was ist passiert? …«
    — a label that ends in a question or colon already introduces what follows."""
    label = str(label).strip()
    return label if label.endswith(("?", "!", ":", ".")) else f"{label}:"
