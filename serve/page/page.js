/* jisr search page: fuzzy matches and concordance over the server's /v1/ API. No framework, no
 * network beyond this server; every text goes into the page through textContent, never as HTML.
 * Each field carries the dir of its language, so Arabic reads right-to-left and English
 * left-to-right in the same list. */
"use strict";
(function () {
  const RTL = ["ar", "arc", "ckb", "dv", "fa", "he", "iw", "ku-arab", "ps", "sd", "syr", "ug", "ur", "yi"];
  const $ = (id) => document.getElementById(id);
  let mode = "fuzzy", token = sessionStorage.getItem("jisr-token") || "", mems = [];

  const dirOf = (lang) => {
    const l = (lang || "").toLowerCase().replace(/_/g, "-");
    return RTL.some((r) => l === r || l.startsWith(r + "-")) ? "rtl" : "ltr";
  };
  const el = (tag, attrs, ...kids) => {
    const e = document.createElement(tag);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    for (const c of kids) e.append(c);
    return e;
  };
  const status = (t) => { $("status").textContent = t; };

  async function api(path, opts) {
    opts = opts || {};
    opts.headers = Object.assign({}, opts.headers || {});
    if (token) opts.headers.Authorization = "Bearer " + token;
    const r = await fetch(path, opts);
    const body = await r.json().catch(() => null);
    if (r.status === 401) {
      $("auth").hidden = false;
      $("token").focus();
      throw new Error("this server needs its token");
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
      if (op === "-") out.append(el("del", { title: "only in your text" }, t));
      else if (op === "+") out.append(el("ins", { title: "only in the stored text" }, t));
      else out.append(t);
    }
    return out;
  }

  /* "[-query only-]{+match only+}" → text with <del>/<ins> (a server without "diff_ops") */
  function diff(s) {
    const out = document.createDocumentFragment();
    const re = /\[-([\s\S]*?)-\]|\{\+([\s\S]*?)\+\}/g;
    let last = 0, m;
    while ((m = re.exec(s))) {
      if (m.index > last) out.append(s.slice(last, m.index));
      if (m[1] !== undefined) out.append(el("del", { title: "only in your text" }, m[1]));
      else out.append(el("ins", { title: "only in the stored text" }, m[2]));
      last = re.lastIndex;
    }
    out.append(s.slice(last));
    return out;
  }

  function copyButton(text, what) {
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
      status("Copied: " + text);
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

  async function fuzzy(q, sl, tl) {
    const min = Math.max(0, Math.min(100, parseInt($("min").value, 10) || 0));
    const p = new URLSearchParams({ q: q, source: sl, target: tl, min: String(min), max: "10" });
    const r = await api("/v1/query?" + p);
    const list = $("results");
    list.replaceChildren();
    for (const m of r.matches) {
      const head = el("div", { class: "head" },
        el("span", { class: "score" + (m.score < 85 ? " low" : ""), title: "similarity" }, m.score + "%"));
      for (const note of matchNotes(m)) head.append(note);
      if (mems.length > 1 && m.memory) head.append(el("span", { class: "mem" }, m.memory));
      const src = el("p", { class: "src", lang: sl, dir: dirOf(sl) }, m.diff_ops ? diffOps(m.diff_ops) : diff(m.diff || m.source));
      const tgt = el("p", { class: "tgt", lang: tl, dir: dirOf(tl) }, m.target);
      list.append(el("li", {}, head, src, tgt,
        el("div", { class: "actions" }, copyButton(m.target, "the translation"), detailsLink(m.id, memName(m.memory)))));
    }
    status(r.matches.length ? r.matches.length + " match" + (r.matches.length > 1 ? "es" : "") :
           "No match of " + min + "% or more.");
  }

  async function concord(q, sl) {
    const p = new URLSearchParams({ q: q, lang: sl, max: "50", width: "60" });
    const r = await api("/v1/concord?" + p);
    const list = $("results");
    list.replaceChildren();
    for (const h of r.hits) {
      const kwic = el("p", { class: "kwic", lang: sl, dir: dirOf(sl) }, h.left, el("mark", {}, h.match), h.right);
      const li = el("li", {}, kwic);
      if (mems.length > 1 && h.memory) li.prepend(el("div", { class: "head" }, el("span", { class: "mem" }, h.memory)));
      for (const t of h.translations)
        li.append(el("p", { class: "tr", lang: t.lang, dir: dirOf(t.lang) },
                     el("span", { class: "lang", dir: "ltr" }, t.lang), t.text));
      const tr = h.translations.length ? h.translations[0].text : h.text;
      li.append(el("div", { class: "actions" }, copyButton(tr, "the translation"), detailsLink(h.id, memName(h.memory))));
      list.append(li);
    }
    status(r.hits.length ? r.hits.length + " unit" + (r.hits.length > 1 ? "s" : "") + (r.truncated ? " (more exist)" : "") :
           "No unit contains these words.");
  }

  function dl(pairs) {
    const d = el("dl");
    for (const [k, v] of pairs) if (v !== undefined && v !== null && v !== "") d.append(el("dt", {}, k), el("dd", {}, String(v)));
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
      $("dtitle").textContent = "Unit #" + u.id + (u.memory ? " (" + u.memory + ")" : "");
      body.replaceChildren(meta(u));
      for (const v of u.variants) {
        body.append(el("h3", {}, v.lang), el("p", { lang: v.lang, dir: dirOf(v.lang) }, v.text), meta(v));
      }
      $("details").showModal();
      $("dclose").focus();
    } catch (e) { status(e.message); }
  }

  async function search(ev) {
    if (ev) ev.preventDefault();
    const q = $("q").value.trim();
    if (!q) { status("Type a sentence first."); return; }
    status("Searching…");
    try {
      if (mode === "fuzzy") await fuzzy(q, $("sl").value, $("tl").value);
      else await concord(q, $("sl").value);
    } catch (e) { status(e.message); }
  }

  function setMode(m, focus) {
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
      $("mems").textContent = mems.map((m) => m.name + (m.penalty ? " (−" + m.penalty + ")" : "")).join(" · ");
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
