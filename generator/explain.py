"""``badgedir explain ID``: a business's tier and the evidence, for the operator."""

from __future__ import annotations

import difflib

from .decide.reasons import reason_text
from .decide.site import Site
from .diagnostics import shown
from .read.slugs import slugify
from .render.views import Language, numbers_shown


def explain(site: Site, business_id: str) -> tuple[str, bool]:
    """The decision as text, and whether the id was found."""
    listed = site.entries.get(business_id)
    if listed is None:
        return f"badgedir: error: {unknown_id_message(business_id, list(site.entries))}", False
    language = Language(site.config.languages[0])
    business, decision = listed.business, listed.decision
    lines = [f"{business.id}: {decision.tier.value}",
             f"  name: {business.name}", f"  number: {business.whatsapp_display} ({shown(business.whatsapp_source)})",
             f"  as of: {site.as_of.isoformat()}", "  because:"]
    for reason in decision.reasons:
        where = f" [{shown(reason.source)}]" if reason.source else ""
        lines.append(f"  - {reason_text(reason, language.gettext, language.date, numbers_shown(business))}{where}")
    if listed.imitates:
        lines.append(f"  warning: resembles verified '{listed.imitates.name}' ({listed.imitates.id}) with another number")
    return "\n".join(lines), True


def unknown_id_message(business_id: str, ids: list[str]) -> str:
    """What to say about an id the directory does not have: the nearest ids, and how many there are.

    The nearest are difflib's closest by spelling; an id typed as a name ("Café Niño") is slugged
    first, so it still finds ``cafe-nino``.
    """
    wanted = slugify(business_id) or business_id
    close = difflib.get_close_matches(wanted, ids, n=3, cutoff=0.6)
    if wanted != business_id and wanted in ids:
        close = [wanted]
    count = f"{len(ids)} business{'' if len(ids) == 1 else 'es'}"
    if not ids:
        return f"no business with id '{shown(business_id)}': the directory has no businesses"
    if close:
        return f"no business with id '{shown(business_id)}'; did you mean {' or '.join(close)}? (the directory has {count})"
    some = ", ".join(sorted(ids)[:5]) + (", ..." if len(ids) > 5 else "")
    return f"no business with id '{shown(business_id)}' among the directory's {count} ({some})"
