// The stale-copy warning (issue #17). A mirror or cache may keep serving an old copy of the
// directory after a business's badge was revoked; status.json says until when this copy is
// current. Past that day, a banner (role="alert", in the page's language) says so and links to
// the site at its base_url. Nothing is shown while the copy is current or when status.json
// cannot be read. The message comes from the page (translated); only the date from status.json.
(function () {
  "use strict";
  var template = document.getElementById("stale-copy");
  if (!template || !window.fetch) return;
  fetch(template.getAttribute("data-status"), { cache: "no-store" })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (status) {
      if (!status || !/^\d{4}-\d{2}-\d{2}$/.test(status.valid_until) || !/^\d{4}-\d{2}-\d{2}$/.test(status.as_of)) return;
      var today = new Date().toISOString().slice(0, 10);  // UTC, like the build's as-of date
      if (today <= status.valid_until) return;
      var lang = document.documentElement.lang || "en";
      var asOf = new Date(status.as_of + "T00:00:00Z");
      var shown;
      try {
        shown = new Intl.DateTimeFormat(lang, { dateStyle: "long", timeZone: "UTC" }).format(asOf);
      } catch (e) {
        shown = status.as_of;
      }
      var banner = document.createElement("div");
      banner.className = "stale-banner";
      banner.setAttribute("role", "alert");
      var text = document.createElement("p");
      var parts = (template.getAttribute("data-message") || "").split("%(date)s");
      text.appendChild(document.createTextNode(parts[0] || ""));
      var time = document.createElement("time");
      time.setAttribute("datetime", status.as_of);
      time.textContent = shown;
      text.appendChild(time);
      text.appendChild(document.createTextNode(parts.slice(1).join("%(date)s")));
      var href = template.getAttribute("data-href");
      if (href) {
        var link = document.createElement("a");
        link.href = href;
        link.textContent = template.getAttribute("data-link");
        text.appendChild(document.createTextNode(" "));
        text.appendChild(link);
      }
      banner.appendChild(text);
      document.body.insertBefore(banner, document.body.firstChild);
    })
    .catch(function () {});
})();
