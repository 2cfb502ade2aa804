"""``badgedir explain ID``: a business's tier and the evidence, for the operator."""

from __future__ import annotations

import difflib

from .decide.reasons import reason_text
from .decide.site import Site
from .render.views import Language, numbers_shown


def explain(site: Site, business_id: str) -> tuple[str, bool]:
    """The decision as text, and whether the id was found."""
    listed = site.entries.get(business_id)
    if listed is None:
        close = difflib.get_close_matches(business_id, list(site.entries), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        return f"badgedir: error: no business with id '{business_id}'{hint}", False
    language = Language(site.config.languages[0])
    business, decision = listed.business, listed.decision
    lines = [f"{business.id}: {decision.tier.value}",
             f"  name: {business.name}", f"  number: {business.whatsapp_display} ({business.whatsapp_source})",
             f"  as of: {site.as_of.isoformat()}", "  because:"]
    for reason in decision.reasons:
        where = f" [{reason.source}]" if reason.source else ""
        lines.append(f"  - {reason_text(reason, language.gettext, language.date, numbers_shown(business))}{where}")
    if listed.imitates:
        lines.append(f"  warning: resembles verified '{listed.imitates.name}' ({listed.imitates.id}) with another number")
    return "\n".join(lines), True
