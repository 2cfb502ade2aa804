/* badgedir search: answers "which account is the real one for company X?"
 * with no server, from the sharded index the build writes under search/
 * (format: generator/search/text_index.py).
 *
 * Safety: business names are written by businesses, so every piece of index
 * text reaches the page through textContent / createElement (results.js),
 * never innerHTML, and every URL from the index must be a relative b/<id>/ path.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var R = window.badgedirResults; // static/results.js, included just before this file
  if (!script || !window.fetch || !window.Map || !R || typeof R.warning !== "function") return;
  var el = R.el, badge = R.badge, link = R.link;
  // The site root is the folder above static/, wherever the site is hosted.
  var ROOT = new URL("../", script.src);
  var PAGE = 10; // results per page: the real account is near the top, and each costs a file
  var MAX_TOKENS = 8;
  var TYPO_MIN = 4; // characters before a typo is forgiven
  var TYPO_HOMES = 3; // extra word files fetched per token for typo matches
  var TIERS = ["verified", "confirmed", "unverified"];
  var ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var DIGIT = {};
  for (var a = 0; a < 64; a++) DIGIT[ALPHABET.charAt(a)] = a;

  // ---- fetching: every file at most once per page --------------------------
  var cache = new Map();
  function getJSON(path) {
    if (!cache.has(path)) {
      cache.set(path, fetch(new URL(path, ROOT)).then(function (r) {
        if (!r.ok) throw new Error(path + ": HTTP " + r.status);
        return r.json();
      }).catch(function (e) { cache.delete(path); throw e; }));
    }
    return cache.get(path);
  }
  var manifestPromise = null;
  function manifest() {
    if (!manifestPromise) {
      manifestPromise = getJSON("search/manifest.json").then(function (m) {
        m.treeMap = new Map(Object.entries(m.tree));
        m.foldMap = new Map(Object.entries(m.fold));
        return m;
      });
      manifestPromise.catch(function () { manifestPromise = null; });
    }
    return manifestPromise;
  }
  function indexFile(m, path) { return getJSON("search/" + m.base + path); }

  // ---- folding: the twin of generator/search/fold.py ------------------------
  function fold(text, m) {
    var s = text.normalize("NFKD").toLowerCase().normalize("NFKD").replace(/\p{Mn}/gu, "");
    var out = "";
    for (var ch of s) out += m.foldMap.has(ch) ? m.foldMap.get(ch) : ch;
    return out;
  }
  function tokens(text, m) { return fold(text, m).match(/[\p{L}\p{N}\p{Mc}]+/gu) || []; }

  // ---- postings: the twin of generator/search/codec.py ----------------------
  function decode(text, visit) {
    if (!text) return;
    if (text.charAt(0) === "!") {
      for (var i = 1; i < text.length; i++) {
        var bits = DIGIT[text.charAt(i)];
        for (var b = 0; bits; b++, bits >>= 1) if (bits & 1) visit(6 * (i - 1) + b);
      }
      return;
    }
    var value = 0, scale = 1, previous = -1;
    for (var j = 0; j < text.length; j++) {
      var d = DIGIT[text.charAt(j)];
      value += (d & 31) * scale;
      scale *= 32;
      if (d < 32) { previous += value + 1; visit(previous); value = 0; scale = 1; }
    }
  }

  // ---- which word file holds a token ----------------------------------------
  function locate(m, chars) {
    var node = "";
    for (var depth = 0; ; depth++) {
      var entry = m.treeMap.get(node);
      if (depth === chars.length) return { split: entry[0] };
      var child = node + chars[depth];
      if (m.treeMap.has(child)) { node = child; continue; }
      var code = chars[depth].codePointAt(0), file = -1;
      for (var g = 0; g < entry[1].length; g++) {
        if (entry[1][g][0].codePointAt(0) <= code) file = entry[1][g][1]; else break;
      }
      return { leaf: file };
    }
  }

  // Kinds of match, best first; 0 in a match array means "no match".
  var EXACT = 1, PREFIX = 2, TYPO = 3;
  function mark(array, kind) {
    return function (doc) { if (!array[doc] || array[doc] > kind) array[doc] = kind; };
  }

  function matchToken(m, token, asPrefix) {
    var chars = Array.from(token);
    var where = locate(m, chars);
    var found = new Uint8Array(m.count);
    if (where.split !== undefined) {
      return indexFile(m, "t/" + where.split + ".json").then(function (f) {
        decode(f.e, mark(found, EXACT));
        if (asPrefix) decode(f.p, mark(found, PREFIX));
        return found;
      });
    }
    if (where.leaf < 0) return Promise.resolve(found);
    return indexFile(m, "t/" + where.leaf + ".json").then(function (f) {
      for (var i = 0; i < f.t.length; i++) {
        var word = f.t[i][0];
        if (word === token) decode(f.t[i][1], mark(found, EXACT));
        else if (asPrefix && word.startsWith(token)) decode(f.t[i][1], mark(found, PREFIX));
      }
      return found;
    });
  }

  // ---- typos ----------------------------------------------------------------
  function hashKey(text) { // FNV-1a over code points, as typo_index.fnv1a
    var h = 2166136261;
    for (var ch of text) h = Math.imul(h ^ ch.codePointAt(0), 16777619) >>> 0;
    return h;
  }
  function distance(a, b) { // optimal string alignment distance, capped at 2
    if (Math.abs(a.length - b.length) > 1) return 2;
    var prev2 = null, prev = [], row;
    for (var j = 0; j <= b.length; j++) prev.push(j);
    for (var i = 1; i <= a.length; i++) {
      row = [i];
      var best = i;
      for (var k = 1; k <= b.length; k++) {
        var cost = a[i - 1] === b[k - 1] ? 0 : 1;
        var v = Math.min(prev[k] + 1, row[k - 1] + 1, prev[k - 1] + cost);
        if (prev2 && i > 1 && k > 1 && a[i - 1] === b[k - 2] && a[i - 2] === b[k - 1]) v = Math.min(v, prev2[k - 2] + 1);
        row.push(v);
        if (v < best) best = v;
      }
      if (best > 1) return 2;
      prev2 = prev; prev = row;
    }
    return prev[b.length];
  }
  function nearWord(q, word, asPrefix) {
    if (distance(q, word) <= 1) return true;
    if (!asPrefix) return false;
    // As you type: the start of the word is one typo away from what was typed.
    for (var n = q.length; n <= q.length + 1 && n < word.length; n++) {
      if (distance(q, word.slice(0, n)) <= 1) return true;
    }
    return false;
  }
  function typoToken(m, token, asPrefix, found) {
    var q = Array.from(token);
    if (q.length < TYPO_MIN) return Promise.resolve(found);
    var files = new Set([q[0] + q[1], q[0] + q[2], q[1] + q[2]].map(function (k) { return hashKey(k) % m.typoFiles; }));
    return Promise.all(Array.from(files).map(function (n) { return indexFile(m, "v/" + n + ".json"); })).then(function (lists) {
      var inline = [], byHome = new Map();
      lists.forEach(function (list) {
        list.w.forEach(function (entry) {
          var word = entry[0];
          if (word === token || (asPrefix && word.startsWith(token))) return; // not a typo
          if (!nearWord(q, Array.from(word), asPrefix)) return;
          if (entry[2]) inline.push(entry[2]);
          else {
            if (!byHome.has(entry[1])) byHome.set(entry[1], []);
            byHome.get(entry[1]).push(word);
          }
        });
      });
      inline.forEach(function (p) { decode(p, mark(found, TYPO)); });
      var homes = Array.from(byHome.keys()).sort(function (x, y) { return byHome.get(y).length - byHome.get(x).length; }).slice(0, TYPO_HOMES);
      return Promise.all(homes.map(function (home) {
        return indexFile(m, "t/" + home + ".json").then(function (f) {
          var words = new Set(byHome.get(home));
          if (f.t) f.t.forEach(function (e) { if (words.has(e[0])) decode(e[1], mark(found, TYPO)); });
          else decode(f.e, mark(found, TYPO)); // a split file: its exact word
        });
      }));
    }).then(function () { return found; });
  }

  // ---- filters --------------------------------------------------------------
  function filterSet(m, filters) {
    var jobs = [];
    if (filters.category) {
      var c = m.categories.findIndex(function (x) { return x[0] === filters.category; });
      jobs.push(c < 0 ? Promise.resolve("") : indexFile(m, "f/c" + c + ".json").then(function (f) { return f.p; }));
    }
    if (filters.city) {
      var y = m.cities.indexOf(filters.city);
      jobs.push(y < 0 ? Promise.resolve("") : indexFile(m, "f/y" + y + ".json").then(function (f) { return f.p; }));
    }
    return Promise.all(jobs).then(function (lists) {
      if (!lists.length) return null;
      var hits = new Uint8Array(m.count);
      lists.forEach(function (p) { decode(p, function (doc) { hits[doc]++; }); });
      var need = lists.length, allowed = new Uint8Array(m.count);
      for (var i = 0; i < m.count; i++) allowed[i] = hits[i] === need ? 1 : 0;
      return allowed;
    });
  }
  function tierOf(m, doc) { return doc < m.tiers[1] ? 0 : doc < m.tiers[2] ? 1 : 2; }

  // ---- ranking: fewer typos, better tier, whole name, fewer prefix-only words, name ----
  // Businesses whose whole name is the query: they go first within their tier.
  function wholeName(m, query) {
    var name = tokens(query, m).join(" ");
    if (!name) return Promise.resolve(null);
    return indexFile(m, "n/" + (hashKey(name) % m.nameFiles) + ".json").then(function (f) {
      if (!Object.prototype.hasOwnProperty.call(f, name)) return null;
      var exact = new Set();
      decode(f[name], function (doc) { exact.add(doc); });
      return exact;
    });
  }

  function allWhole(m, perToken) {
    for (var doc = 0; doc < m.count; doc++) {
      var all = true;
      for (var i = 0; i < perToken.length && all; i++) all = perToken[i][doc] === EXACT;
      if (all) return true;
    }
    return false;
  }

  function rank(m, perToken, allowed, filters, exact) {
    var lo = 0, hi = m.count;
    var t = TIERS.indexOf(filters.tier);
    if (t >= 0) { lo = m.tiers[t]; hi = m.tiers[t + 1]; }
    var keys = [];
    for (var doc = lo; doc < hi; doc++) {
      if (allowed && !allowed[doc]) continue;
      var typos = 0, prefixes = 0, ok = true;
      for (var i = 0; i < perToken.length; i++) {
        var kind = perToken[i][doc];
        if (!kind) { ok = false; break; }
        if (kind === TYPO) typos++; else if (kind === PREFIX) prefixes++;
      }
      var whole = exact && exact.has(doc) ? 0 : 1;
      if (ok) keys.push((((typos * 4 + tierOf(m, doc)) * 2 + whole) * 64 + prefixes) * 16777216 + doc);
    }
    keys.sort(function (x, y) { return x - y; });
    return keys.map(function (k) { return k % 16777216; });
  }

  function search(query, filters) {
    return manifest().then(function (m) {
      var words = tokens(query, m).slice(0, MAX_TOKENS);
      var typing = /[\p{L}\p{N}\p{Mc}]$/u.test(query); // the last word may be unfinished: typos in its start count
      // A single letter being typed says almost nothing and would cost a big file: wait for the next one.
      if (typing && words.length && Array.from(words[words.length - 1]).length < 2) words.pop();
      return filterSet(m, filters).then(function (allowed) {
        if (!words.length) {
          return { m: m, docs: (allowed || filters.tier) ? rank(m, [], allowed, filters) : null };
        }
        // Every word matches by prefix ("panad esp"); whole words rank higher.
        return Promise.all(words.map(function (w) { return matchToken(m, w, true); })).then(function (perToken) {
          // The whole-name file only matters once every word is whole somewhere: not mid-word.
          return (allWhole(m, perToken) ? wholeName(m, query) : Promise.resolve(null)).then(function (exact) {
            return [perToken, exact];
          });
        }).then(function (both) {
          var perToken = both[0], exact = both[1];
          var docs = rank(m, perToken, allowed, filters, exact);
          if (docs.length >= PAGE) return { m: m, docs: docs };
          return Promise.all(words.map(function (w, i) {
            return typoToken(m, w, typing && i === words.length - 1, perToken[i]);
          })).then(function () { return { m: m, docs: rank(m, perToken, allowed, filters, exact) }; });
        });
      });
    });
  }

  // ---- rendering (textContent only) -----------------------------------------
  function resultItem(m, doc, row, ui) {
    var tier = TIERS[tierOf(m, doc)];
    var li = el("li", "search-result search-result--" + tier);
    var title = link(row[1], String(row[0]));
    title.classList.add("search-result__name");
    li.appendChild(title);
    li.appendChild(document.createTextNode(" "));
    li.appendChild(badge(tier, ui.labels));
    var meta = [];
    if (row[2] >= 0 && m.categories[row[2]]) meta.push(m.categories[row[2]][1]);
    if (row[3] >= 0 && m.cities[row[3]]) meta.push(m.cities[row[3]]);
    if (row[4]) meta.push(String(row[4]));
    if (meta.length) li.appendChild(el("span", "search-result__meta", meta.join(" \u00b7 ")));
    if (row[5]) li.appendChild(R.warning(ui.msg.warning, row[5], row[6], ui.msg.warningLink));
    return li;
  }

  function setup(box) {
    var form = box.querySelector("form");
    var input = box.querySelector("input[type=search]");
    var region = box.querySelector(".search__results");
    var status = box.querySelector(".search__status");
    var list = box.querySelector(".search__list");
    var more = box.querySelector(".search__more");
    if (!form || !input || !region || !status || !list || !more) return;
    if (R.offline) { R.showOffline(box); return; }
    var d = box.dataset;
    var ui = {
      labels: { verified: d.labelVerified, confirmed: d.labelConfirmed, unverified: d.labelUnverified },
      msg: { warning: d.msgWarning, warningLink: d.msgWarningLink }
    };
    var selects = { tier: box.querySelector("[name=tier]"), category: box.querySelector("[name=category]"), city: box.querySelector("[name=city]") };
    var current = { docs: [], shown: 0, m: null };
    var generation = 0, timer = 0;
    form.hidden = false;

    function say(text) { status.textContent = text; }
    function filters() {
      return {
        tier: selects.tier ? selects.tier.value : "",
        category: selects.category ? selects.category.value : "",
        city: selects.city ? selects.city.value : ""
      };
    }
    function showPage(mine) {
      var m = current.m, docs = current.docs.slice(current.shown, current.shown + PAGE);
      var chunks = Array.from(new Set(docs.map(function (doc) { return Math.floor(doc / m.chunk); })));
      return Promise.all(chunks.map(function (c) { return indexFile(m, "d/" + c + ".json"); })).then(function (files) {
        if (mine !== generation) return;
        var byChunk = new Map();
        chunks.forEach(function (c, i) { byChunk.set(c, files[i]); });
        docs.forEach(function (doc) {
          var row = byChunk.get(Math.floor(doc / m.chunk))[doc % m.chunk];
          if (row) list.appendChild(resultItem(m, doc, row, ui));
        });
        current.shown += docs.length;
        more.hidden = current.shown >= current.docs.length;
      });
    }
    function run() {
      var mine = ++generation;
      var query = input.value;
      region.setAttribute("aria-busy", "true");
      search(query, filters()).then(function (result) {
        if (mine !== generation) return;
        list.textContent = "";
        current = { docs: result.docs || [], shown: 0, m: result.m };
        more.hidden = true;
        if (!result.docs) { say(""); return; }
        var n = result.docs.length;
        say(n === 0 ? d.msgNone : n === 1 ? d.msgOne : d.msgMany.replace("{count}", n.toLocaleString(document.documentElement.lang || undefined)));
        return showPage(mine);
      }).catch(function () {
        if (mine === generation) { list.textContent = ""; say(d.msgError); }
      }).then(function () {
        if (mine === generation) {
          region.setAttribute("aria-busy", "false");
          box.setAttribute("data-search-state", "done");
        }
      });
    }
    function schedule() {
      generation++; // whatever is in flight is stale now
      box.setAttribute("data-search-state", "pending");
      clearTimeout(timer);
      timer = setTimeout(run, 60);
    }
    input.addEventListener("input", schedule);
    function fillFilters() {
      // Option lists live in the manifest, not in every page (see search_box.html).
      return manifest().then(function (m) {
        [["categories", selects.category], ["cities", selects.city]].forEach(function (pair) {
          var select = pair[1];
          if (!select || select.getAttribute("data-fill") !== pair[0]) return;
          select.removeAttribute("data-fill");
          m[pair[0]].forEach(function (item) {
            var option = document.createElement("option");
            option.value = Array.isArray(item) ? item[0] : item;
            option.textContent = Array.isArray(item) ? item[1] : item;
            select.appendChild(option);
          });
        });
      }).catch(function () {});
    }
    input.addEventListener("focus", fillFilters, { once: true });
    var details = box.querySelector("details");
    if (details) details.addEventListener("toggle", fillFilters);
    [selects.category, selects.city].forEach(function (select) {
      if (select) ["focus", "pointerdown"].forEach(function (type) { select.addEventListener(type, fillFilters, { once: true }); });
    });
    Object.keys(selects).forEach(function (k) { if (selects[k]) selects[k].addEventListener("change", schedule); });
    form.addEventListener("submit", function (e) { e.preventDefault(); clearTimeout(timer); run(); });
    more.addEventListener("click", function () {
      var first = current.shown;
      showPage(generation).then(function () {
        // Keyboard users land on the first new result, not on a button that may have vanished.
        var added = list.children[first];
        var target = added && added.querySelector("a");
        if (target) target.focus();
      });
    });
    if (input.value) schedule(); // a query the browser restored on "back"
  }

  function start() {
    document.querySelectorAll("[data-search]").forEach(setup);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
