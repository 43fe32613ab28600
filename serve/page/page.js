/* jisr search page: fuzzy matches and concordance over the server's /v1/ API. No framework, no
 * network beyond this server; every text goes into the page through textContent, never as HTML.
 * Each field carries the dir of its language, so Arabic reads right-to-left and English
 * left-to-right in the same list. */
"use strict";
(function () {
  /* languages written right to left (and the varieties of Arabic, ISO 639-3, that a memory may
   * name instead of "ar"); a script subtag says it first (ms-Arab, ug-Latn, sd-Deva) */
  const RTL = ["ar", "arc", "azb", "ckb", "dv", "fa", "he", "iw", "ks", "ku-arab", "lrc", "mzn", "prs",
               "ps", "sd", "syr", "ug", "ur", "yi",
               "aao", "abh", "abv", "acm", "acq", "acw", "acx", "adf", "aeb", "aec", "afb", "ajp", "apc",
               "apd", "arb", "arq", "ars", "ary", "arz", "auz", "avl", "ayh", "ayl", "ayn", "ayp", "shu",
               "ssh"];
  const RTL_SCRIPTS = ["adlm", "arab", "aran", "hebr", "mand", "nkoo", "rohg", "samr", "syrc", "thaa"];
  /* no language, or none the page can know the direction of: the text's first letter says it */
  const UNKNOWN = ["", "und", "mul", "mis", "zxx"];
  const $ = (id) => document.getElementById(id);
  let mode = "fuzzy", token = sessionStorage.getItem("jisr-token") || "", mems = [];
  /* what the server takes (GET /v1/): "Show more" asks for at most this many matches */
  let maxResults = 1000;
  /* a concordance of more than 1,000 hits is an expensive read (docs/serve.md, "Query
   * threads"): the page stays below it */
  const CONCORD_MAX = 1000;
  const FUZZY_FIRST = 10, CONCORD_FIRST = 50;
  /* Only the latest search's answer is shown. Each search takes a number and aborts the one in
   * flight; a tab change does the same. An answer that still arrives (the abort came after it)
   * carries an old number and is dropped, so an earlier sentence's translation never replaces
   * a later one's, nor fills the other tab. */
  let seq = 0, inflight = null;
  let last = null;  /* the search shown: what "Show more" asks again with a larger max */
  let minOk = 70;   /* the last valid Min % */

  /* the dir of a line in lang: "rtl", "ltr", or "auto" for a language the page cannot place
   * (the browser then takes the direction of the line's first letter) */
  const dirOf = (lang) => {
    const l = (lang || "").toLowerCase().replace(/_/g, "-");
    if (UNKNOWN.includes(l) || /^(x|i|q[a-t][a-z])(-|$)/.test(l)) return "auto";
    const script = l.split("-").slice(1).find((t) => /^[a-z]{4}$/.test(t));
    if (script) return RTL_SCRIPTS.includes(script) ? "rtl" : "ltr";
    return RTL.some((r) => l === r || l.startsWith(r + "-")) ? "rtl" : "ltr";
  };
  const el = (tag, attrs, ...kids) => {
    const e = document.createElement(tag);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    for (const c of kids) e.append(c);
    return e;
  };
  const status = (t) => { $("status").textContent = t; };

  /* Codes written in a stored text (markup such as <b> or </a>, placeholders such as {0}, %1$s,
   * %1, ${name}, entities such as &nbsp;): in a right-to-left line the bidi algorithm would
   * reorder and mirror their brackets ("</b>" shows as "<b/>", a "%1" after Arabic as "1%").
   * Each is set apart as an isolated left-to-right run (<bdi dir="ltr">); the text is the same
   * characters, through text nodes, never HTML. */
  const CODE = new RegExp([
    /<\/?[A-Za-z][\w:.-]*(?:\s[^<>]*)?\/?>/.source,                     /* <b> </b> <br/> <a href="x"> */
    /\{\{?[\w.:,#-]*\}\}?|\$\{[\w.:-]+\}/.source,                         /* {0} {name} {{x}} ${x} */
    /%(?:\d+\$|\([\w.]+\))?[-+#0]*\d*(?:\.\d+)?(?:hh|h|ll|l|L|z|j|t)?[diouxXeEfgGcsp@]/.source,
    /%\d+/.source,                                                        /* Qt's %1 */
    /&(?:[A-Za-z]+|#\d+|#x[\dA-Fa-f]+);/.source,                          /* &nbsp; &#160; */
  ].join("|"), "g");
  function plain(t) {
    const out = document.createDocumentFragment();
    let last = 0, m;
    CODE.lastIndex = 0;
    while ((m = CODE.exec(t))) {
      if (m.index > last) out.append(t.slice(last, m.index));
      out.append(el("bdi", { class: "code", dir: "ltr" }, m[0]));
      last = CODE.lastIndex;
    }
    if (last < t.length) out.append(t.slice(last));
    return out;
  }

  async function api(path, opts) {
    opts = opts || {};
    opts.headers = Object.assign({}, opts.headers || {});
    const sent = token;
    if (sent) opts.headers.Authorization = "Bearer " + sent;
    let r;
    try {
      r = await fetch(path, opts);
    } catch (e) { /* fetch's own "Failed to fetch" says nothing to a translator */
      if (e.name === "AbortError") throw e;
      throw new Error("The server cannot be reached (" + location.host + "): is jisr serve still running?");
    }
    const body = await r.json().catch(() => null);
    if (r.status === 401) {
      $("auth").hidden = false;
      $("token-label").textContent = sent ? "The token was refused: type the server's token again"
                                          : "This server needs its token";
      $("token").focus();
      throw new Error(sent ? "The server refused the token (wrong, or changed since): type it again."
                           : "This server needs its token.");
    }
    if (!r.ok) throw new Error(body && body.error ? body.error.message : "HTTP " + r.status);
    return body;
  }

  /* the word diff as the server gives it, [["=", text], ["-", only in the query], ["+", only in
   * the match], …] → text with <del>/<ins>; the markers of the "diff" string could be the
   * stored text's own characters ("[-" in a wiki's markup), so they are never parsed when the
   * structured form is there */
  function diffOps(ops) {
    const out = document.createDocumentFragment();
    for (const [op, t] of ops) {
      if (op === "-") out.append(el("del", { title: "only in your text" }, plain(t)));
      else if (op === "+") out.append(el("ins", { title: "only in the stored text" }, plain(t)));
      else out.append(plain(t));
    }
    return out;
  }

  /* "[-query only-]{+match only+}" → text with <del>/<ins> (a server without "diff_ops") */
  function diff(s) {
    const out = document.createDocumentFragment();
    const re = /\[-([\s\S]*?)-\]|\{\+([\s\S]*?)\+\}/g;
    let last = 0, m;
    while ((m = re.exec(s))) {
      if (m.index > last) out.append(plain(s.slice(last, m.index)));
      if (m[1] !== undefined) out.append(el("del", { title: "only in your text" }, plain(m[1])));
      else out.append(el("ins", { title: "only in the stored text" }, plain(m[2])));
      last = re.lastIndex;
    }
    out.append(plain(s.slice(last)));
    return out;
  }

  /* A stored text with inline tags, as TMX segment content (the query's "target_tagged", a
   * unit's or a concordance hit's "text_tagged"), shown with its tags' own codes (<b>, </b>) set
   * apart from the words (as it is when it does not parse). The text goes in through DOM nodes,
   * never as HTML. */
  function taggedText(tmx) {
    const doc = new DOMParser().parseFromString("<seg>" + tmx + "</seg>", "application/xml");
    const out = document.createDocumentFragment();
    if (doc.getElementsByTagName("parsererror").length) {
      out.append(plain(tmx));
      return out;
    }
    const walk = (n, into) => {
      for (const c of n.childNodes) {
        if (c.nodeType === Node.TEXT_NODE) into.append(plain(c.nodeValue));
        else if (c.nodeType !== Node.ELEMENT_NODE) continue;
        else if (c.localName === "hi") walk(c, into);
        else into.append(el("code", { class: "tag", dir: "ltr" }, c.textContent || "<" + c.localName + "/>"));
      }
    };
    walk(doc.documentElement, out);
    return out;
  }

  /* the mark of a text holding inline tags, and its tagged form below the plain one */
  const tagsBadge = (title) => el("span", { class: "note tags", title: title }, "tags");
  const taggedLine = (tmx, lang) =>
    el("p", { class: "tagged", lang: lang, dir: dirOf(lang) },
       el("span", { class: "lang", dir: "ltr" }, "with its tags"), taggedText(tmx));

  /* lang: the text's language; the status line says what was copied, the text in a line of its
   * own direction inside the English one (an Arabic text's closing "</b>" stayed at its end) */
  function copyButton(text, what, tagged, lang) {
    const b = el("button", { type: "button", class: "copy" }, "Copy");
    b.setAttribute("aria-label", "Copy " + what);
    b.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(text);
      } catch (e) { /* no clipboard API (not a secure context): select and copy */
        const t = el("textarea", {}, text);
        document.body.append(t);
        t.select();
        document.execCommand("copy");
        t.remove();
      }
      b.textContent = "Copied";
      $("status").replaceChildren(tagged ? "Copied without its tags: " : "Copied: ",
                                  el("bdi", { lang: lang || "", dir: dirOf(lang) }, plain(text)));
      setTimeout(() => { b.textContent = "Copy"; }, 1500);
    });
    return b;
  }

  /* a unit's details have an address of their own: #unit/MEMORY/ID opens them (a link that can
   * be opened in a new tab, bookmarked or sent) */
  function detailsLink(id, mem) {
    const a = el("a", { href: "#unit/" + encodeURIComponent(mem || "") + "/" + id, class: "details" },
                 "Details #" + id);
    a.addEventListener("click", (ev) => { ev.preventDefault(); showUnit(id, mem); });
    return a;
  }

  function fromHash() {
    const m = /^#unit\/([^/]*)\/(\d+)$/.exec(location.hash);
    if (m) showUnit(parseInt(m[2], 10), decodeURIComponent(m[1]));
  }

  function memName(m) { return m || (mems[0] && mems[0].name) || ""; }

  /* what the translator must know of a match, as the text output marks it: the query's numbers
   * or codes carried over (or not, and why), tokens the translation repeats from its source
   * written as the query writes them, the accelerator, and substituted numbers whose words may
   * need another form */
  function matchNotes(m) {
    const notes = [];
    const what = (m.differs_in || ["numbers"]).join(" and ");
    if (m.placeable) notes.push(el("span", { class: "note" }, what + " carried over"));
    else if (m.numbers === "ambiguous")
      notes.push(el("span", { class: "note warn" }, what + " not carried over: which is which is ambiguous"));
    else if (m.numbers === "missing")
      notes.push(el("span", { class: "note warn" }, what + " not carried over: not in the translation"));
    if (m.copied)
      notes.push(el("span", { class: "note" }, m.copied + " token" + (m.copied > 1 ? "s" : "") + " as in the query"));
    if (m.accelerator === "removed") notes.push(el("span", { class: "note" }, "accelerator removed"));
    else if (m.accelerator === "missing") notes.push(el("span", { class: "note warn" }, "accelerator to place"));
    if (m.agreement === "check")
      notes.push(el("span", { class: "note warn", title: "the words around these numbers may need another form" },
        "check agreement: " + m.agreement_numbers.map((a) => a.number + " (" + a.from + " → " + a.to + ")").join(", ")));
    return notes;
  }

  /* Min %: a whole number from 0 to 100. Anything else (a number field holding "abc" reads as
   * "") keeps the last valid value, and the page says so: 0 would be the slowest search (every
   * unit a candidate), not what was meant. */
  function minPercent() {
    const f = $("min"), v = f.value.trim();
    const n = /^\d{1,3}$/.test(v) ? parseInt(v, 10) : NaN;
    if (n >= 0 && n <= 100) {
      minOk = n;
      return { min: n, note: "" };
    }
    f.value = String(minOk);
    return { min: minOk, note: "Min % is a whole number from 0 to 100: " + minOk + " % used." };
  }

  /* the text goes in a POST body: a GET's request target holds 16 KiB, ~2,700 Arabic characters
   * once percent-encoded */
  async function askFuzzy(s, signal) {
    const r = await api("/v1/query", {
      method: "POST", signal: signal, headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ q: s.q, source: s.sl, target: s.tl, min: s.min, max: s.max }),
    });
    return r.results[0];
  }

  function askConcord(s, signal) {
    const p = new URLSearchParams({ q: s.q, lang: s.sl, max: String(s.max), width: "60" });
    return api("/v1/concord?" + p, { signal: signal });
  }

  function showFuzzy(s, r) {
    const list = $("results");
    list.replaceChildren();
    for (const m of r.matches) {
      const head = el("div", { class: "head" },
        el("span", { class: "score" + (m.score < 85 ? " low" : ""), title: "similarity" }, m.score + "%"));
      for (const note of matchNotes(m)) head.append(note);
      const tagged = m.target_tagged && m.target_tagged !== m.target ? taggedText(m.target_tagged) : null;
      if (tagged)
        head.append(tagsBadge("The stored translation holds inline tags (formatting, links); Copy copies it without them"));
      if (mems.length > 1 && m.memory) head.append(el("span", { class: "mem", dir: "auto" }, m.memory));
      const src = el("p", { class: "src", lang: s.sl, dir: dirOf(s.sl) }, m.diff_ops ? diffOps(m.diff_ops) : diff(m.diff || m.source));
      const tgt = el("p", { class: "tgt", lang: s.tl, dir: dirOf(s.tl) }, plain(m.target));
      const li = el("li", {}, head, src, tgt);
      if (tagged)
        li.append(el("p", { class: "tagged", lang: s.tl, dir: dirOf(s.tl) },
                     el("span", { class: "lang", dir: "ltr" }, "with its tags"), tagged));
      li.append(el("div", { class: "actions" }, copyButton(m.target, "the translation", !!tagged, s.tl),
                   detailsLink(m.id, memName(m.memory))));
      list.append(li);
    }
    const more = r.matches.length >= s.max && s.max < maxResults;
    return {
      more: more,
      text: r.matches.length ? r.matches.length + " match" + (r.matches.length > 1 ? "es" : "") + (more ? " (more may exist)" : "") :
            "No match of " + s.min + "% or more.",
      /* the server compares the first 1,000 characters of a longer text, and says so */
      notice: r.text_cut ? "Your text is longer than " + r.text_cut.toLocaleString("en") +
                           " characters: only its first " + r.text_cut.toLocaleString("en") +
                           " were compared, so no match is 100 %." : "",
    };
  }

  function showConcord(s, r) {
    const list = $("results");
    list.replaceChildren();
    for (const h of r.hits) {
      const kwic = el("p", { class: "kwic", lang: s.sl, dir: dirOf(s.sl) },
                      plain(h.left), el("mark", {}, plain(h.match)), plain(h.right));
      const li = el("li", {}, kwic);
      /* the unit's texts with inline tags ("text_tagged", only where there are tags): marked,
       * each shown with its tags below its plain text; the context and Copy stay plain */
      const head = el("div", { class: "head" });
      if (mems.length > 1 && h.memory) head.append(el("span", { class: "mem", dir: "auto" }, h.memory));
      if (h.text_tagged || h.translations.some((t) => t.text_tagged))
        head.append(tagsBadge("This unit holds inline tags (formatting, links); Copy copies the text without them"));
      if (head.children.length) li.prepend(head);
      if (h.text_tagged) li.append(taggedLine(h.text_tagged, s.sl));
      for (const t of h.translations) {
        li.append(el("p", { class: "tr", lang: t.lang, dir: dirOf(t.lang) },
                     el("span", { class: "lang", dir: "ltr" }, t.lang), plain(t.text)));
        if (t.text_tagged) li.append(taggedLine(t.text_tagged, t.lang));
      }
      const first = h.translations.length ? h.translations[0] : h;
      li.append(el("div", { class: "actions" },
                   copyButton(first.text, "the translation", !!first.text_tagged, first.lang || s.sl),
                   detailsLink(h.id, memName(h.memory))));
      list.append(li);
    }
    const more = r.truncated && s.max < CONCORD_MAX;
    return {
      more: more,
      text: r.hits.length ? r.hits.length + " unit" + (r.hits.length > 1 ? "s" : "") +
            (r.truncated ? (more ? " (more exist)" : " (more exist: add words to narrow the search)") : "") :
            "No unit contains these words.",
      notice: "",
    };
  }

  /* a new search (more: "Show more" of the one shown, asked again with a larger max) */
  async function search(ev, more) {
    if (ev) ev.preventDefault();
    let s, note = "";
    if (more && last) {
      s = Object.assign({}, last, { max: more });
    } else {
      const q = $("q").value.trim();
      if (!q) { status("Type a sentence first."); return; }
      const m = mode === "fuzzy" ? minPercent() : { min: 0, note: "" };
      note = m.note;
      s = { mode: mode, q: q, sl: $("sl").value, tl: $("tl").value, min: m.min,
            max: mode === "fuzzy" ? FUZZY_FIRST : CONCORD_FIRST };
    }
    const before = $("results").children.length;
    if (inflight) inflight.abort();
    const ctl = new AbortController(), n = ++seq;
    inflight = ctl;
    status("Searching…");
    try {
      const r = s.mode === "fuzzy" ? await askFuzzy(s, ctl.signal) : await askConcord(s, ctl.signal);
      if (n !== seq || s.mode !== mode) return; /* a newer search or another tab since */
      const shown = s.mode === "fuzzy" ? showFuzzy(s, r) : showConcord(s, r);
      last = s;
      $("more").hidden = !shown.more;
      notice([shown.notice, note].filter(Boolean).join(" "));
      status(shown.text);
      if (more) { /* the focus on the first result not shown before (the button may be gone) */
        const li = $("results").children[before];
        const b = li && li.querySelector("button");
        if (b) b.focus();
      }
    } catch (e) {
      if (n !== seq || e.name === "AbortError") return;
      /* the list shown belongs to an earlier search: never left to be copied beside an error */
      $("results").replaceChildren();
      $("more").hidden = true;
      last = null;
      status(e.message);
    } finally {
      if (inflight === ctl) inflight = null;
    }
  }

  function notice(t) {
    $("notice").textContent = t;
    $("notice").hidden = !t;
  }

  function showMore() {
    if (!last) return;
    const cap = last.mode === "fuzzy" ? maxResults : CONCORD_MAX;
    search(null, Math.min(cap, last.max * 5));
  }

  function dl(pairs) {
    const d = el("dl");
    /* a value (a note, a prop, a user's id) is in any language: its own text gives its dir */
    for (const [k, v] of pairs)
      if (v !== undefined && v !== null && v !== "") d.append(el("dt", {}, k), el("dd", { dir: "auto" }, plain(String(v))));
    return d;
  }

  function meta(o) {
    const pairs = [];
    for (const k of ["creationdate", "creationid", "changedate", "changeid", "lastusagedate", "usagecount", "creationtool"])
      if (o[k] !== undefined) pairs.push([k, o[k]]);
    for (const p of o.props || []) pairs.push(["prop " + p.type, p.value]);
    for (const n of o.notes || []) pairs.push(["note", typeof n === "string" ? n : n.value]);
    return dl(pairs);
  }

  async function showUnit(id, mem) {
    try {
      const u = await api("/v1/units/" + id + (mem ? "?tm=" + encodeURIComponent(mem) : ""));
      const body = $("dbody");
      $("dtitle").replaceChildren("Unit #" + u.id, ...(u.memory ? [" (", el("bdi", {}, u.memory), ")"] : []));
      body.replaceChildren(meta(u));
      for (const v of u.variants) {
        const h3 = el("h3", {}, v.lang);
        if (v.text_tagged) h3.append(" ", tagsBadge("This text holds inline tags (formatting, links), shown below it"));
        body.append(h3, el("p", { lang: v.lang, dir: dirOf(v.lang) }, plain(v.text)));
        if (v.text_tagged) body.append(taggedLine(v.text_tagged, v.lang));
        body.append(meta(v));
      }
      $("details").showModal();
      $("dclose").focus();
    } catch (e) { status(e.message); }
  }

  function setMode(m, focus) {
    if (inflight) inflight.abort(); /* the other tab's answer is not this tab's */
    inflight = null;
    seq++;
    last = null;
    mode = m;
    for (const t of document.querySelectorAll("[role=tab]")) {
      const on = t.id === "tab-" + m;
      t.setAttribute("aria-selected", on ? "true" : "false");
      t.tabIndex = on ? 0 : -1;
      if (on && focus) t.focus();
    }
    $("tl-label").hidden = m !== "fuzzy";
    $("min-label").hidden = m !== "fuzzy";
    $("swap").hidden = m !== "fuzzy";
    $("qlabel").textContent = m === "fuzzy" ? "Sentence to look up" : "Words to find in the memory";
    $("results").replaceChildren();
    $("more").hidden = true;
    notice("");
    status("");
  }

  function langChanged() {
    $("q").dir = dirOf($("sl").value);
    $("q").lang = $("sl").value;
  }

  async function init() {
    $("search").addEventListener("submit", search);
    $("q").addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) search(ev);
    });
    document.addEventListener("keydown", (ev) => {
      if (ev.key === "/" && document.activeElement && !/^(TEXTAREA|INPUT|SELECT)$/.test(document.activeElement.tagName)) {
        ev.preventDefault();
        $("q").focus();
      }
    });
    const tabs = ["fuzzy", "concord"];
    $("tabs").addEventListener("keydown", (ev) => {
      const i = tabs.indexOf(mode);
      if (ev.key === "ArrowRight" || ev.key === "ArrowLeft") {
        ev.preventDefault();
        setMode(tabs[(i + (ev.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length], true);
      } else if (ev.key === "Home" || ev.key === "End") {
        ev.preventDefault();
        setMode(ev.key === "Home" ? tabs[0] : tabs[tabs.length - 1], true);
      }
    });
    for (const m of tabs) $("tab-" + m).addEventListener("click", () => setMode(m, true));
    $("swap").addEventListener("click", () => {
      const a = $("sl").value;
      $("sl").value = $("tl").value;
      $("tl").value = a;
      langChanged();
    });
    $("sl").addEventListener("change", langChanged);
    $("more").addEventListener("click", showMore);
    $("auth").addEventListener("submit", (ev) => {
      ev.preventDefault();
      token = $("token").value.trim();
      sessionStorage.setItem("jisr-token", token);
      $("auth").hidden = true;
      load();
    });
    window.addEventListener("hashchange", fromHash);
    load().then(fromHash);
  }

  async function load() {
    try {
      const info = await api("/v1/");
      mems = info.memories;
      if (info.limits && info.limits.max_results > 0) maxResults = info.limits.max_results;
      $("mems").replaceChildren(...mems.flatMap((m, i) => [i ? " · " : "", el("bdi", {}, m.name),
                                                         m.penalty ? " (−" + m.penalty + ")" : ""]));
      const langs = (await api("/v1/languages")).languages;
      for (const id of ["sl", "tl"]) {
        const s = $(id);
        s.replaceChildren(...langs.map((l) => el("option", { value: l }, l)));
      }
      const pick = (want, not) => langs.find((l) => l === want || l.startsWith(want + "-")) ||
                                  langs.find((l) => l !== not) || langs[0];
      if (langs.length) {
        $("sl").value = pick("ar", "");
        $("tl").value = pick($("sl").value.startsWith("ar") ? "en" : "ar", $("sl").value);
      }
      langChanged();
      status(langs.length ? "" : "The memory is empty.");
    } catch (e) { status(e.message); }
  }

  document.addEventListener("DOMContentLoaded", init);
})();
