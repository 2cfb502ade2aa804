/* badgedir results: how search.js and lookup.js put a business on the page.
 * Included by both boxes before their own script (a page with both runs it
 * twice; the second time does nothing).
 *
 * Safety: names come from businesses, so every text from an index goes in
 * through textContent, never innerHTML, and a link is made only from a
 * relative b/<id>/ path, resolved against the pages of the current language.
 */
(function () {
  "use strict";

  // Checked for its functions, not just its presence: an element with id="badgedirResults" would
  // also be window.badgedirResults (content cannot carry ids, but a template could).
  if (window.badgedirResults && typeof window.badgedirResults.warning === "function") return;
  // Pages of the current language live under <html data-home> (e.g. en/); data files are shared at the root.
  var HOME = new URL(document.documentElement.getAttribute("data-home") || "", document.baseURI);
  var BUSINESS_URL = /^b\/[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?\/$/;
  var ICONS = { verified: "\u2713", confirmed: "\u2713", unverified: "?" };

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function badge(tier, labels) {
    var span = el("span", "badge badge--" + tier);
    span.setAttribute("data-tier", tier);
    var icon = el("span", "badge__icon", ICONS[tier] || "?");
    icon.setAttribute("aria-hidden", "true");
    span.appendChild(icon);
    span.appendChild(el("span", "badge__label", labels[tier] || ""));
    return span;
  }
  function link(url, text) {
    if (typeof url !== "string" || !BUSINESS_URL.test(url)) return el("span", "", text);
    var a = el("a", "", text);
    a.href = new URL(url, HOME).href;
    return a;
  }
  // "Not the verified account of {name}": the sentence comes from the page, in its language;
  // the name (hostile text) is put in as text, and split/join takes no "$&" patterns from it.
  function warning(className, sentence, name, url, linkText) {
    var p = el("p", className, String(sentence || "").split("{name}").join(String(name)) + " ");
    if (url && BUSINESS_URL.test(url)) p.appendChild(link(url, linkText));
    return p;
  }

  window.badgedirResults = { el: el, badge: badge, link: link, warning: warning };
})();
