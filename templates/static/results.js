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
  // The icon's shape, as views.TIER_ICON_NAMES: the tiers stay apart without colour.
  var ICON_NAMES = { verified: "check-filled", confirmed: "check-outline", unverified: "question" };
  // Opened from disk (file://), the browser lets no script read the index files.
  var OFFLINE = window.location.protocol === "file:";

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
    icon.setAttribute("data-icon", ICON_NAMES[tier] || "question");
    icon.setAttribute("aria-hidden", "true");
    span.appendChild(icon);
    span.appendChild(el("span", "badge__label", labels[tier] || ""));
    return span;
  }
  function link(url, text) {
    if (typeof url !== "string" || !BUSINESS_URL.test(url)) return el("span", "", text);
    var a = el("a", "", text);
    // Like every link the build writes, it names index.html, so it also works from file://.
    a.href = new URL(url + "index.html", HOME).href;
    return a;
  }
  // The look-alike warning of partials/lookalike_warning.html, with the same classes: the
  // sentences come from the page, in its language; the name (hostile text) is put in as
  // text, and split/join takes no "$&" patterns from it.
  function fill(sentence, name) { return String(sentence || "").split("{name}").join(String(name)); }
  function warning(sentence, name, url, linkText) {
    var p = el("p", "lookalike-warning");
    var icon = el("span", "lookalike-warning__icon", "!");
    icon.setAttribute("aria-hidden", "true");
    p.appendChild(icon);
    p.appendChild(document.createTextNode(" "));
    p.appendChild(el("strong", "lookalike-warning__text", fill(sentence, name)));
    if (url && BUSINESS_URL.test(url)) {
      var a = link(url, fill(linkText, name));
      a.className = "lookalike-warning__link";
      p.appendChild(document.createTextNode(" "));
      p.appendChild(a);
    }
    return p;
  }
  // From disk: say so plainly in ``box`` and point at the A–Z list, which works everywhere.
  function offline(box) {
    var p = el("p", "results-offline", (box.dataset.msgOffline || "") + " ");
    var a = el("a", "", box.dataset.msgOfflineLink || "");
    a.href = box.dataset.azUrl || "index.html";
    p.appendChild(a);
    box.appendChild(p);
    box.setAttribute("data-offline", "");
    // The form is drawn from the start (no layout shift when the script arrives); from disk it
    // cannot answer, so it goes: no field that looks usable and is not.
    var form = box.querySelector("form");
    if (form) form.hidden = true;
  }

  window.badgedirResults = { el: el, badge: badge, link: link, warning: warning, offline: OFFLINE, showOffline: offline };
})();
