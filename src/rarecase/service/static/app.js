// rarecase page: plain JavaScript, no build step, no network beyond this service.
"use strict";

const state = { analysis: null, features: [] };  // features: {id, label, excluded}
const $ = (id) => document.getElementById(id);

function say(text) { $("message").textContent = text || ""; }

async function call(path, options) {
  const response = await fetch(path, options);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = body.error || { message: response.statusText };
    throw new Error(error.message);
  }
  return body;
}

function post(path, data) {
  return call(path, { method: "POST", headers: { "content-type": "application/json" },
                      body: JSON.stringify(data) });
}

function mentionClass(m) {
  if (m.subject !== "patient") return m.subject;
  if (m.status === "uncertain") return "uncertain";
  return "patient-" + m.status;
}

function showDocument(analysis) {
  const text = analysis.document.text;
  const mentions = analysis.mentions.filter((m) => !m.nested)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const holder = $("document");
  holder.replaceChildren();
  let at = 0;
  for (const m of mentions) {
    if (m.start < at) continue;  // overlapping: the first (longest) wins
    holder.append(text.slice(at, m.start));
    const span = document.createElement("span");
    span.className = "m " + mentionClass(m) + (m.kind === "disease" ? " disease" : "");
    span.textContent = text.slice(m.start, m.end);
    const cue = m.cue ? ` — cue: “${m.cue}”` : "";
    span.title = `${m.id} ${m.label} — ${m.subject}, ${m.status}${cue}`;
    span.tabIndex = 0;
    span.setAttribute("aria-label", `${span.textContent}: ${span.title}`);
    span.dataset.id = m.id;
    holder.append(span);
    at = m.end;
  }
  holder.append(text.slice(at));
}

function item(text) {
  const li = document.createElement("li");
  li.textContent = text;
  return li;
}

function showPatient(analysis) {
  const facts = analysis.patient || {};
  const list = $("patient");
  list.replaceChildren();
  const said = [["age", facts.age], ["sex", facts.sex], ["onset", facts.onset],
                ["follow-up", facts.follow_up]];
  for (const [name, fact] of said) {
    if (!fact) continue;
    const term = document.createElement("dt");
    term.textContent = name;
    const value = document.createElement("dd");
    value.textContent = `${String(fact.value).toLowerCase()} (“${fact.text}”)`;
    list.append(term, value);
  }
  for (const outcome of facts.outcomes || []) {
    const term = document.createElement("dt");
    term.textContent = "outcome";
    const value = document.createElement("dd");
    value.textContent = `${outcome.kind.replace("_", " ")}${outcome.time ? " at " + outcome.time : ""} (“${outcome.text}”)`;
    list.append(term, value);
  }
  const actions = $("actions");
  actions.replaceChildren();
  for (const m of analysis.mentions) {
    if (m.kind !== "action" || m.nested || m.subject !== "patient" || m.status !== "present") continue;
    const details = [m.body_site && "on " + m.body_site.label, m.laterality && m.laterality.label.toLowerCase(),
                     m.performed && "at " + m.performed.age, m.response && m.response.label.toLowerCase()]
      .filter(Boolean).join(", ");
    actions.append(item(`${m.id} ${m.label} (“${m.text}”)${details ? " — " + details : ""}`));
  }
  if (!actions.children.length) actions.append(item("none found"));
  const claims = $("claims");
  claims.replaceChildren();
  for (const c of analysis.claims || []) {
    const figures = c.quantities.map((q) => `${q.value}${q.unit ? " " + q.unit : ""}`);
    const about = [...figures, c.outcome, c.population].filter(Boolean).join(", ");
    const cited = c.markers.flatMap((k) => k.references).join("; ");
    claims.append(item(`${c.text.trim()}${about ? " — " + about : ""}${cited ? " — cites: " + cited : ""}`));
  }
  if (!claims.children.length) claims.append(item("none found"));
}

function showFeatures() {
  const list = $("features");
  list.replaceChildren();
  for (const f of state.features) {
    const item = document.createElement("li");
    item.className = f.excluded ? "excluded" : "present";
    item.dataset.id = f.id;
    const label = document.createElement("span");
    label.className = "label";
    label.textContent = `${f.id} ${f.label}${f.excluded ? " (excluded)" : ""}`;
    const flip = document.createElement("button");
    flip.type = "button";
    flip.className = "flip";
    flip.textContent = f.excluded ? "Mark present" : "Mark excluded";
    flip.addEventListener("click", () => { f.excluded = !f.excluded; changed(); });
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "remove";
    remove.textContent = "Remove";
    remove.setAttribute("aria-label", `Remove ${f.label}`);
    remove.addEventListener("click", () => {
      state.features = state.features.filter((g) => g !== f); changed();
    });
    item.append(label, flip, remove);
    list.append(item);
  }
}

function labelOf(id) {
  const f = state.features.find((g) => g.id === id);
  return f ? f.label : id;
}

function showDifferential(diseases) {
  const list = $("differential");
  list.replaceChildren();
  for (const d of diseases) {
    const item = document.createElement("li");
    const details = document.createElement("details");
    const summary = document.createElement("summary");
    const p = d.probability === null ? `score ${d.score}` : `p=${d.probability.toPrecision(3)}`;
    summary.textContent = `${d.label} (${d.id}) ${p}`;
    details.append(summary);
    const reasons = document.createElement("ul");
    for (const m of d.matched || []) {
      const r = document.createElement("li");
      r.textContent = `for: ${labelOf(m.case_term)} (${m.relation}, ${m.contribution > 0 ? "+" : ""}${m.contribution})`;
      reasons.append(r);
    }
    for (const m of d.against || []) {
      const r = document.createElement("li");
      r.textContent = `against: ${labelOf(m.case_term)}`;
      reasons.append(r);
    }
    details.append(reasons);
    item.append(details);
    list.append(item);
  }
}

function showSimilar(hits) {
  const list = $("similar");
  list.replaceChildren();
  for (const h of hits) {
    const item = document.createElement("li");
    if (h.pmid) {
      const link = document.createElement("a");
      link.href = "https://pubmed.ncbi.nlm.nih.gov/" + h.pmid.replace("PMID:", "") + "/";
      link.textContent = h.pmid;
      link.rel = "noopener";
      link.target = "_blank";
      item.append(link, " ");
    }
    const diseases = h.diseases.map((d) => d.label || d.id).join("; ");
    item.append(`${diseases} — similarity ${h.score.toFixed(2)}`);
    list.append(item);
  }
}

async function changed() {
  showFeatures();
  const present = state.features.filter((f) => !f.excluded).map((f) => f.id);
  const excluded = state.features.filter((f) => f.excluded).map((f) => f.id);
  say("");
  try {
    if (present.length) {
      const [differential, similar] = await Promise.all([
        post("/v1/diagnose", { present, excluded, top: 10 }),
        post("/v1/similar", { present, excluded, top: 5 }),
      ]);
      showDifferential(differential.diseases);
      showSimilar(similar.similar);
    } else {
      showDifferential([]); showSimilar([]);
    }
    const novelty = (present.length || excluded.length)
      ? await post("/v1/novelty", { present, excluded }) : { statement: "" };
    $("novelty").textContent = novelty.statement;
  } catch (error) { say(error.message); }
}

async function analyze(event) {
  event.preventDefault();
  say("Analyzing …");
  const file = $("case-file").files[0];
  try {
    let analysis;
    if (file) {
      const form = new FormData();
      form.append("file", file);
      form.append("top", "0");
      form.append("similar", "0");
      analysis = await call("/v1/analyze", { method: "POST", body: form });
    } else {
      const text = $("case-text").value;
      if (!text.trim()) { say("Paste a case report or choose a file first."); return; }
      analysis = await post("/v1/analyze", { text, top: 0, similar: 0 });
    }
    state.analysis = analysis;
    state.features = (analysis.phenopacket.phenotypicFeatures || []).map((f) => ({
      id: f.type.id, label: f.type.label, excluded: Boolean(f.excluded) }));
    showDocument(analysis);
    showPatient(analysis);
    $("results").hidden = false;
    await changed();
  } catch (error) { say(error.message); }
}

let lookup = null;
async function suggest() {
  const q = $("add-term").value.trim();
  if (q.length < 3 || /^HP:\d{7}$/.test(q)) return;
  clearTimeout(lookup);
  lookup = setTimeout(async () => {
    try {
      const hits = await call("/v1/terms?" + new URLSearchParams({ q, limit: "8" }));
      const options = $("term-options");
      options.replaceChildren();
      for (const h of hits) {
        const option = document.createElement("option");
        option.value = `${h.id} ${h.label}`;
        options.append(option);
      }
    } catch (error) { say(error.message); }
  }, 150);
}

async function addTerm(event) {
  event.preventDefault();
  const typed = $("add-term").value.trim();
  const id = (typed.match(/HP:\d{7}/) || [null])[0];
  try {
    const hit = id ? await call("/v1/terms/" + id)
      : (await call("/v1/terms?" + new URLSearchParams({ q: typed, limit: "1" })))[0];
    if (!hit) { say(`No HPO term for “${typed}”.`); return; }
    if (!state.features.some((f) => f.id === hit.id)) {
      state.features.push({ id: hit.id, label: hit.label, excluded: false });
    }
    $("add-term").value = "";
    await changed();
  } catch (error) { say(error.message); }
}

function download() {
  if (!state.analysis) return;
  const packet = structuredClone(state.analysis.phenopacket);
  const found = new Map((packet.phenotypicFeatures || []).map((f) => [f.type.id, f]));
  packet.phenotypicFeatures = state.features.map((f) => {  // keep onsets and evidence
    const feature = found.get(f.id) || { type: { id: f.id, label: f.label } };
    if (f.excluded) feature.excluded = true; else delete feature.excluded;
    return feature;
  });
  const blob = new Blob([JSON.stringify(packet, null, 2)], { type: "application/json" });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = (packet.id || "case") + ".phenopacket.json";
  document.body.append(link);
  link.click();
  link.remove();
}

document.addEventListener("DOMContentLoaded", () => {
  $("input-form").addEventListener("submit", analyze);
  $("add-form").addEventListener("submit", addTerm);
  $("add-term").addEventListener("input", suggest);
  $("download").addEventListener("click", download);
});
