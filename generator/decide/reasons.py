"""The sentences that explain a tier decision, one per reason code.

Kept apart from :mod:`tiers` so the rules stay free of wording, and written
as gettext messages so every language build explains itself in its own
language.  ``N_`` only marks a string for extraction (pybabel); translation
happens when a page is rendered.
"""

from __future__ import annotations

from collections.abc import Callable

from .tiers import Reason


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    return message


REASON_TEXT: dict[str, str] = {
    "register_match": N_("The number {number} is registered to {legal_name} (company {company_id}) in the company register."),
    "register_number_not_listed": N_("The number {number} is not among the phones the company register lists for {legal_name} (company {company_id})."),
    "register_company_unknown": N_("The business names company {company_id}, which is not in the company register."),
    "register_no_company": N_("The business names no company in the company register, so its number {number} cannot be confirmed."),
    "verification_current": N_("The directory operator verified this business and this number on {verified_on} ({method}); the verification is valid until {expires}."),
    "verification_expired": N_("A verification by the directory operator expired on {expires}."),
    "verification_not_yet_valid": N_("A verification by the directory operator is only valid from {verified_on}."),
    "verification_revoked": N_("A verification by the directory operator (from {verified_on}) was revoked."),
    "verification_other_number": N_("A verification by the directory operator covers another number, {number}, not this account's."),
    "verification_superseded": N_("An older verification (from {verified_on}) is superseded by a newer one."),
    "verification_no_logo": N_("The directory operator verified this number, but the business has no logo, so it is shown as confirmed."),
    "verification_not_confirmed": N_("The directory operator verified this number, but it is not confirmed by the company register, so the verification does not count."),
    "no_verification": N_("There is no verification by the directory operator."),
}

# The usual ``method`` values of a verification record, translated in the
# reason sentence; any other method is shown as written.
VERIFICATION_METHODS: dict[str, str] = {
    # Translators: how the directory operator checked a business, shown in brackets after the date.
    "video-call": N_("video-call"),
    # Translators: how the directory operator checked a business (by reviewing its documents).
    "documents": N_("documents"),
    # Translators: how the directory operator checked a business (by visiting it in person).
    "site-visit": N_("site-visit"),
}


def reason_text(reason: Reason, gettext: Callable[[str], str],
                format_date: Callable[[str], str] = str,
                format_number: Callable[[str], str] = str) -> str:
    """Render one reason as a sentence in the page's language."""
    params = dict(reason.params)
    for key in ("verified_on", "expires"):
        if key in params:
            params[key] = format_date(params[key])
    if "number" in params:
        params["number"] = format_number(params["number"])
    method = params.get("method")
    if method == "":
        params["method"] = gettext("method not recorded")
    elif method in VERIFICATION_METHODS:
        params["method"] = gettext(VERIFICATION_METHODS[method])
    return gettext(REASON_TEXT[reason.code]).format(**params)
