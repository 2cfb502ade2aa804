/* badgedir number lookup: "someone wrote to me from this number — who is it?"
 * Reads a pasted number in any common format, turns it into E.164 with the
 * default region's rules from lookup/manifest.json, and fetches the one small
 * file (chosen by a hash of the number) that would list it (format: generator/search/number_index.py).
 *
 * Safety: names come from businesses; results.js puts every index text in
 * through textContent and links only relative b/<id>/ paths.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var R = window.badgedirResults; // static/results.js, included just before this file
  if (!script || !window.fetch || !R || typeof R.warning !== "function") return;
  var el = R.el, badge = R.badge, link = R.link;
  var ROOT = new URL("../", script.src);
  // Decimal digits of other scripts that NFKC leaves alone: Arabic-Indic,
  // Extended Arabic-Indic, Devanagari, Bengali (the first code point of each "0").
  var DIGIT_ZEROS = [0x660, 0x6f0, 0x966, 0x9e6];

  var manifestPromise = null;
  function getJSON(path) {
    return fetch(new URL(path, ROOT)).then(function (r) {
      if (!r.ok) throw new Error(path + ": HTTP " + r.status);
      return r.json();
    });
  }
  function manifest() {
    if (!manifestPromise) {
      manifestPromise = getJSON("lookup/manifest.json");
      manifestPromise.catch(function () { manifestPromise = null; });
    }
    return manifestPromise;
  }

  function hashKey(text) { // FNV-1a over code points, as generator/search/typo_index.fnv1a
    var h = 2166136261;
    for (var ch of text) h = Math.imul(h ^ ch.codePointAt(0), 16777619) >>> 0;
    return h;
  }

  function asciiDigits(text) {
    return text.normalize("NFKC").replace(/\p{Nd}/gu, function (ch) {
      var code = ch.codePointAt(0);
      for (var i = 0; i < DIGIT_ZEROS.length; i++) {
        if (code >= DIGIT_ZEROS[i] && code <= DIGIT_ZEROS[i] + 9) return String(code - DIGIT_ZEROS[i]);
      }
      return ch;
    });
  }

  /* A pasted number → E.164, or null when it cannot be a phone number.
   * "+34 600 12 34 56", "0034-600-123-456", "(600) 12.34.56" (national, read
   * in the default region), "+44 (0)20 7946 0000", full-width digits… */
  function normalise(raw, rules) {
    var s = asciiDigits(raw).trim().replace(/^tel:/i, "");
    if (/^(\+|00)/.test(s)) s = s.replace(/\(0\)/g, ""); // "+44 (0)20": the (0) is the trunk prefix
    s = s.replace(/[\s\-.()\/\u2010-\u2015]/g, "");
    if (!/^\+?[0-9]+$/.test(s)) return null;
    if (s.charAt(0) !== "+") {
      if (s.indexOf(rules.internationalPrefix) === 0) s = "+" + s.slice(rules.internationalPrefix.length);
      else if (s.indexOf("00") === 0) s = "+" + s.slice(2);
      else {
        if (rules.trunkPrefix && s.indexOf(rules.trunkPrefix) === 0) s = s.slice(rules.trunkPrefix.length);
        s = "+" + rules.callingCode + s;
      }
    }
    return /^\+[1-9][0-9]{6,14}$/.test(s) ? s : null;
  }

  function setup(box) {
    var form = box.querySelector("form");
    var input = box.querySelector("input");
    var out = box.querySelector(".lookup__result");
    if (!form || !input || !out) return;
    if (R.offline) { R.showOffline(box); return; }
    var d = box.dataset;
    var labels = { verified: d.labelVerified, confirmed: d.labelConfirmed, unverified: d.labelUnverified };
    var generation = 0, timer = 0;
    form.hidden = false;

    function show(nodes, state) {
      out.textContent = "";
      nodes.forEach(function (n) { out.appendChild(n); });
      box.setAttribute("data-lookup-state", state);
    }
    function checked(number) { return el("p", "lookup__checked", d.msgChecked.replace("{number}", number)); }
    function unknown(typed) {
      var p = el("p", "lookup__unknown", d.msgUnknown + " ");
      var faq = el("a", "", d.msgFaq);
      faq.href = d.faqUrl;
      p.appendChild(faq);
      return [checked(typed), p];
    }
    // An unverified or look-alike account is headed by a caution, not by the words a verified one gets.
    function heading(rows) {
      if (rows.some(function (row) { return row[4]; })) return el("p", "lookup__found lookup__found--caution", d.msgFoundLookalike);
      if (rows.some(function (row) { return row[2] === "unverified"; })) return el("p", "lookup__found lookup__found--caution", d.msgFoundUnverified);
      return el("p", "lookup__found", d.msgFound);
    }
    function found(rows) {
      var list = el("ul", "lookup__list");
      rows.forEach(function (row) {
        var li = el("li", "lookup__business lookup__business--" + row[2]);
        var name = link(row[1], String(row[0]));
        name.classList.add("lookup__name");
        li.appendChild(name);
        li.appendChild(document.createTextNode(" "));
        li.appendChild(badge(String(row[2]), labels));
        li.appendChild(el("span", "lookup__number", String(row[3])));
        if (row[4]) li.appendChild(R.warning(d.msgWarning, row[4], row[5], d.msgWarningLink));
        list.appendChild(li);
      });
      // The number as the result shows it (formatted), not the E.164 it was looked up by.
      return [checked(String(rows[0][3])), heading(rows), list];
    }
    function run() {
      var mine = ++generation;
      var raw = input.value;
      if (!raw.trim()) { show([], "idle"); return; }
      box.setAttribute("data-lookup-state", "pending");
      manifest().then(function (m) {
        var number = normalise(raw, m);
        if (!number) return [el("p", "lookup__invalid", d.msgInvalid)];
        return getJSON("lookup/" + m.base + (hashKey(number) % m.files) + ".json").then(function (shard) {
          var rows = Object.prototype.hasOwnProperty.call(shard, number) ? shard[number] : null;
          // Not found: the number as the visitor wrote it, spaces tidied (no formatting rules here).
          return rows && rows.length ? found(rows) : unknown(raw.trim().replace(/\s+/g, " "));
        });
      }).then(function (nodes) {
        if (mine === generation) show(nodes, "done");
      }, function () {
        if (mine === generation) show([el("p", "lookup__error", d.msgError)], "done");
      });
    }
    form.addEventListener("submit", function (e) { e.preventDefault(); clearTimeout(timer); run(); });
    input.addEventListener("input", function () {
      // Look up as soon as a pasted or typed number is complete enough.
      clearTimeout(timer);
      var digits = asciiDigits(input.value).replace(/\D/g, "").length;
      if (digits >= 9) timer = setTimeout(run, 400);
    });
    input.addEventListener("focus", function () { manifest().catch(function () {}); }, { once: true });
  }

  function start() { document.querySelectorAll("[data-lookup]").forEach(setup); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
