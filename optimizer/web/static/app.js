// The workbench page: home (scenarios, workspaces), then one workspace with its map,
// totals, the selected community, edits, jobs, versions, compare, export and import.
// Every text from the server is set as text, never as markup.
import { ApiError, del, get, post, setCsrf, upload } from "./api.js";
import { lang, num, pct, reason, remedyName, ruleName, setLang, t } from "./i18n.js";
import { PlanMap } from "./map.js";

const $ = (sel) => document.querySelector(sel);
function h(tag, attrs = {}, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "text") el.textContent = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const kid of kids.flat()) if (kid !== null && kid !== undefined && kid !== false)
    el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  return el;
}

const S = { session: null, ws: null, info: null, plan: null, map: null, revision: 0,
  selected: [], focus: null, detail: null, job: null, versions: [], compare: null,
  stream: null, jobVia: null };

function toast(msg, kind = "error") {
  const el = h("div", { class: `toast ${kind}`, "data-testid": "toast", text: msg });
  $("#toasts").append(el);
  setTimeout(() => el.remove(), kind === "error" ? 9000 : 4000);
}

function fail(err) {
  if (err instanceof ApiError && err.status === 409 && S.ws) {
    showConflict(err.message);
    return;
  }
  toast(err.message || String(err));
}

function showConflict(msg) {
  $("#conflict").replaceChildren(h("b", { text: t("conflict") + ": " }), msg, " ",
    h("button", { onclick: () => openWorkspace(S.ws), text: t("reload") }));
  $("#conflict").hidden = false;
}

// --- boot and home -------------------------------------------------------------------
async function boot() {
  setLang(lang);
  $("#lang").textContent = t("language");
  $("#lang").onclick = () => {
    setLang(lang === "zh" ? "en" : "zh");
    if (S.ws) openWorkspace(S.ws); else render();
  };
  S.session = await get("/api/session");
  setCsrf(S.session.csrf);
  render();
}

function render() {
  document.title = t("title");
  $("#title").textContent = t("title");
  $("#lang").textContent = t("language");
  $("#who").textContent = S.session.user ? `${S.session.user} · ${S.session.county === "*" ? "*" : S.session.county}` : "";
  const m = location.hash.match(/ws=(\d+)/);
  if (!S.session.user) return showLogin();
  if (m && (!S.ws || S.ws !== Number(m[1]))) return openWorkspace(Number(m[1]));
  if (!m) return showHome();
  renderWorkspace();
}

function showLogin() {
  const name = h("input", { id: "login-name", autocomplete: "username" });
  const pw = h("input", { id: "login-password", type: "password", autocomplete: "current-password" });
  const form = h("form", { class: "card login", onsubmit: async (e) => {
    e.preventDefault();
    try {
      const s = await post("/api/login", { name: name.value, password: pw.value });
      S.session = { ...s, login_required: true }; setCsrf(s.csrf); render();
    } catch (err) { fail(err); }
  } }, h("h2", { text: t("login") }), h("label", {}, t("user"), name),
  h("label", {}, t("password"), pw), h("button", { type: "submit", text: t("login") }));
  $("#main").replaceChildren(form);
}

async function showHome() {
  S.ws = null; S.map = null;
  if (S.stream) { S.stream.close(); S.stream = null; }
  const [scenarios, workspaces] = await Promise.all([get("/api/scenarios"), get("/api/workspaces")]);
  const file = h("input", { type: "file", accept: ".zip,.gpkg", "data-testid": "scenario-file" });
  const list = h("ul", { class: "list" }, scenarios.map((s) => h("li", {},
    h("b", { text: s.name }), ` (${s.key}, ${num(s.n_units)} ${t("units")}) `,
    s.problem ? h("span", { class: "bad", text: s.problem }) : [
      h("button", { "data-testid": `open-${s.key}`, onclick: () => create(s, "today"), text: t("open_today") }),
      h("button", { onclick: () => create(s, "empty"), text: t("open_empty") })])));
  const wsList = h("ul", { class: "list" }, workspaces.map((w) => h("li", {},
    h("a", { href: `#ws=${w.id}`, text: `${w.id}. ${w.name}` }), ` · ${w.scenario} · ${w.owner}`,
    " ", h("button", { class: "link", onclick: async () => { try { await del(`/api/workspaces/${w.id}`); showHome(); } catch (e) { fail(e); } }, text: "×" }))));
  $("#main").replaceChildren(h("div", { class: "home" },
    h("section", { class: "card" }, h("h2", { text: t("scenarios") }), list,
      h("form", { onsubmit: async (e) => {
        e.preventDefault();
        if (!file.files.length) return;
        const fd = new FormData(); fd.append("file", file.files[0]);
        try { await upload("/api/scenarios", fd); showHome(); } catch (err) { fail(err); }
      } }, h("label", {}, t("upload_scenario"), file), h("button", { type: "submit", text: t("upload") }))),
    h("section", { class: "card" }, h("h2", { text: t("workspaces") }), wsList)));
}

async function create(s, start) {
  try {
    const w = await post("/api/workspaces", { name: s.name, scenario: s.key, start });
    location.hash = `ws=${w.id}`;
  } catch (err) { fail(err); }
}

// --- the workspace ---------------------------------------------------------------------
async function openWorkspace(id) {
  try {
    S.ws = id; S.selected = []; S.focus = null; S.detail = null; S.compare = null;
    $("#conflict").hidden = true;
    const [info, layers] = await Promise.all([get(`/api/workspaces/${id}`), get(`/api/workspaces/${id}/map`)]);
    S.info = info; S.plan = info.plan; S.revision = info.revision;
    layoutWorkspace();
    S.map = new PlanMap($("#map"), layers, (units) => { S.selected = units; onSelection(); });
    S.map.setPlan(S.plan.assign, S.plan.communities, S.plan.grid);
    renderWorkspace();
    if (S.job && S.job.workspace === id) renderJob();
    await refreshVersions();
    const jobs = await get(`/api/workspaces/${id}/jobs`);
    const running = jobs.find((j) => j.status === "running" || j.status === "queued");
    if (running) followJob(running);
  } catch (err) { fail(err); }
}

function layoutWorkspace() {
  const tool = (k) => h("button", { class: "tool", "data-tool": k, "data-testid": `tool-${k}`,
    onclick: () => { S.map.setTool(k); document.querySelectorAll(".tool").forEach((b) => b.classList.toggle("on", b.dataset.tool === k)); }, text: t(`tool_${k}`) });
  const limit = h("input", { id: "time-limit", type: "number", min: 1, max: 3600, value: 30, "data-testid": "time-limit" });
  $("#main").replaceChildren(
    h("div", { class: "toolbar" },
      h("a", { href: "#", text: "← " + t("back") }), " ",
      h("b", { id: "ws-name" }), " ",
      tool("click"), tool("box"), tool("lasso"), " ",
      h("button", { id: "undo", "data-testid": "undo", onclick: () => change("undo"), text: t("undo") }),
      h("button", { id: "redo", "data-testid": "redo", onclick: () => change("redo"), text: t("redo") }), " ",
      limit, t("seconds"),
      h("button", { "data-testid": "solve", onclick: () => startJob("solve"), text: t("solve") }),
      h("button", { "data-testid": "optimize", onclick: () => startJob("optimize"), text: t("optimize") }), " ",
      h("button", { "data-testid": "save-version", onclick: saveVersion, text: t("save_version") })),
    h("div", { class: "body" }, h("div", { id: "map", "data-testid": "map" }),
      h("aside", { id: "side" },
        h("div", { id: "job" }), h("div", { id: "totals" }), h("div", { id: "selection" }),
        h("div", { id: "detail" }), h("div", { id: "compare" }), h("div", { id: "versions" }),
        h("div", { id: "io" }))));
  document.querySelector(".tool[data-tool=click]").classList.add("on");
}

function renderWorkspace() {
  if (!S.plan || !$("#totals")) return;
  const sname = S.info.scenario_name || S.info.scenario;
  $("#ws-name").textContent = S.info.name === sname ? sname : `${S.info.name} (${sname})`;
  $("#undo").disabled = !S.plan.can_undo; $("#redo").disabled = !S.plan.can_redo;
  renderTotals(); onSelection(); renderDetail(); renderVersions(); renderCompare(); renderIO();
}

function kv(label, value, id) { return h("div", { class: "kv" }, h("span", { text: label }), h("b", { "data-testid": id, text: value })); }

function renderTotals() {
  const p = S.plan, s = p.summary, c = p.counts;
  const ok = p.passed;
  const failing = p.plan_rows.filter((r) => r.status === "fail");
  $("#totals").replaceChildren(h("section", { class: "card" },
    h("h3", { text: t("totals") }),
    p.has_plan ? null : h("p", { class: "bad", text: t("no_plan") }),
    kv(t("communities"), num(s.n_communities), "total-communities"),
    kv(t("households"), num(s.households), "total-households"),
    kv(t("capex"), `${num(s.total_capex_yuan)} ${t("yuan")}`, "total-capex"),
    kv(t("annual"), `${num(s.total_annual_cost_yuan)} ${t("per_year")}`, "total-annual"),
    kv(t("objective"), num(s.objective), "total-objective"),
    kv(t("gap"), pct(s.gap), "total-gap"),
    h("div", { class: `verdict ${ok ? "ok" : "bad"}`, "data-testid": "verdict",
      text: `${ok ? t("compliant") : t("not_compliant")}: ${num(c.pass)} ${t("pass")} · ${num(c.fail)} ${t("fail")} · ${num(c.exempt)} ${t("exempt")}` }),
    failing.length ? h("ul", { class: "rows" }, failing.map((r) => h("li", { class: "bad", text: `${ruleName(r.rule)} (${r.rule}): ${r.note}` }))) : null));
}

function onSelection() {
  if (!$("#selection")) return;
  const units = S.selected;
  const cids = [...new Set(units.map((u) => S.plan.assign[u.i]))];
  if (units.length && cids.length === 1 && cids[0] !== S.focus) { focus(cids[0]); }
  const hh = units.reduce((a, u) => a + u.households, 0);
  const focusCom = S.detail;
  const targets = focusCom ? focusCom.neighbours : [];
  const sel = h("select", { id: "move-target", "data-testid": "move-target" },
    targets.map((c) => h("option", { value: c, text: c })), h("option", { value: "", text: t("new_community") }));
  $("#selection").replaceChildren(h("section", { class: "card" },
    h("h3", { text: t("selected") }),
    units.length ? h("p", { "data-testid": "selected-count", text: `${units.length} ${t("units")} · ${num(hh)} ${t("households")} · ${units.slice(0, 6).map((u) => u.id).join(", ")}${units.length > 6 ? " …" : ""}` }) : h("p", { text: t("none_selected") }),
    units.length ? h("div", { class: "row" }, t("move_to"), " ", sel,
      h("button", { "data-testid": "move", onclick: () => edit({ op: "move", units: units.map((u) => u.id), to: sel.value || null }), text: "→" })) : null,
    units.length === 1 && focusCom ? h("button", { "data-testid": "center-here", onclick: () => edit({ op: "center", community: focusCom.id, unit: units[0].id, site: null }), text: t("center_here") }) : null,
    units.length ? h("button", { onclick: () => edit({ op: "lock", units: units.map((u) => u.id), locked: true }), text: t("lock_units") }) : null));
}

async function focus(cid) {
  S.focus = cid;
  S.map.setFocus(cid);
  await loadDetail();
}

async function loadDetail() {
  if (!S.focus) { S.detail = null; renderDetail(); return; }
  const cid = S.focus, asked = (S.asked = (S.asked || 0) + 1);
  let detail = null;
  try { detail = await get(`/api/workspaces/${S.ws}/communities/${encodeURIComponent(cid)}`); }
  catch (err) { if (!(err instanceof ApiError && err.status === 404)) fail(err); }
  if (asked !== S.asked) return;       // a later request (another focus, a newer plan) wins
  S.detail = detail;
  renderDetail(); onSelection();
}

function renderDetail() {
  const d = S.detail;
  if (!$("#detail")) return;
  if (!d) { $("#detail").replaceChildren(); return; }
  const merge = h("select", { "data-testid": "merge-target" }, d.neighbours.map((c) => h("option", { value: c, text: c })));
  $("#detail").replaceChildren(h("section", { class: `card community ${d.status}`, "data-testid": "community" },
    h("h3", {}, `${t("community")} `, h("span", { "data-testid": "community-id", text: d.id }), d.locked ? ` 🔒 ${t("locked")}` : ""),
    h("p", { text: `${d.county} / ${d.street} · ${d.kind === "urban" ? (lang === "zh" ? "城市" : "urban") : (lang === "zh" ? "农村" : "rural")}` }),
    kv(t("households"), `${num(d.households)} (${t("bounds")} ${num(d.min_households)}–${num(d.max_households)})`, "community-households"),
    kv(t("rooms"), `${t("rooms_today")} ${num(d.area_before_m2)} · ${t("rooms_required")} ${num(d.area_required_m2, 1)} · ${t("rooms_after")} ${num(d.area_after_m2, 1)}`, "community-rooms"),
    kv(t("remedy"), `${remedyName(d.remedy)} ${d.site_id || ""} @ ${d.center}${d.swap_site_id ? " ⇄ " + d.swap_site_id : ""}`, "community-remedy"),
    kv(t("capex"), `${num(d.capex_yuan)} ${t("yuan")}`, "community-capex"),
    kv(t("annual"), `${num(d.annual_cost_yuan)} ${t("per_year")}`, "community-annual"),
    kv(t("staff"), num(d.full_time_staff)), kv(t("coordinators"), `${num(d.coordinators)} · ${t("grids")} ${num(d.grids)}`),
    kv(t("parts"), num(d.parts), "community-parts"),
    d.parts > 1 ? h("ul", { class: "rows" }, d.part_units.map((p, k) => h("li", { class: "bad", text: `${k + 1}: ${p.length} ${t("units")} (${p.slice(0, 4).join(", ")}${p.length > 4 ? " …" : ""})` }))) : null,
    h("table", { class: "rows", "data-testid": "community-rows" },
      h("tr", {}, h("th", { text: t("rule") }), h("th", { text: t("status") }), h("th", { text: t("reason") })),
      d.rows.map((r) => h("tr", { class: r.status, "data-rule": r.rule, "data-status": r.status },
        h("td", { title: r.rule, text: `${ruleName(r.rule)} ${r.rule}` }), h("td", { text: t(r.status) }), h("td", { text: reason(r) })))),
    h("div", { class: "row" },
      h("button", { "data-testid": "lock", onclick: () => edit({ op: "lock", communities: [d.id], locked: !d.locked }), text: d.locked ? t("unlock") : t("lock") }),
      h("button", { onclick: () => edit({ op: "lock", centers: [d.id], locked: !d.center_locked }), text: d.center_locked ? t("unpin_center") : t("pin_center") }),
      h("button", { "data-testid": "split", onclick: () => edit({ op: "split", community: d.id }), text: t("split") })),
    d.neighbours.length ? h("div", { class: "row" }, t("merge_with"), " ", merge,
      h("button", { "data-testid": "merge", onclick: () => edit({ op: "merge", a: d.id, b: merge.value }), text: "⊕" })) : null,
    h("details", {}, h("summary", { text: t("options") }), h("ul", { class: "rows" }, d.options.slice(0, 10).map((o) =>
      h("li", {}, h("button", { class: "link", onclick: () => edit({ op: "center", community: d.id, unit: o.unit, site: o.site || o.remedy }), text: `${o.unit} ${remedyName(o.remedy)} ${o.site} · ${num(o.capex_yuan)} ${t("yuan")}` })))))));
}

// --- changes ---------------------------------------------------------------------------
async function edit(op) {
  try { applyChange(await post(`/api/workspaces/${S.ws}/edits`, { revision: S.revision, op })); }
  catch (err) { fail(err); }
}

async function change(kind) {
  try { applyChange(await post(`/api/workspaces/${S.ws}/${kind}`, { revision: S.revision })); }
  catch (err) { fail(err); }
}

function applyChange(res) {
  S.revision = res.revision;
  const p = S.plan;
  const index = new Map(S.map.units.map((f) => [f.properties.id, f.properties.i]));
  for (const [u, c] of Object.entries(res.units)) p.assign[index.get(u)] = c;
  const coms = new Map(p.communities.map((c) => [c.id, c]));
  for (const c of res.communities) coms.set(c.id, c);
  for (const c of res.removed) coms.delete(c);
  p.communities = [...coms.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  for (const k of ["summary", "counts", "passed", "plan_rows", "locks", "meta", "can_undo", "can_redo"]) p[k] = res[k];
  p.has_plan = p.communities.length > 0;
  const idx = new Map(S.map.units.map((f) => [f.properties.id, f.properties.i]));
  for (const [u, g] of Object.entries(res.grids || {})) p.grid[idx.get(u)] = g;
  S.map.applyChange(res.units, res.communities, res.removed, res.grids);
  if (S.focus && !coms.has(S.focus)) S.focus = null;
  const moved = Object.keys(res.units);
  if (moved.length && S.selected.length && moved.includes(S.selected[0].id)) S.focus = S.plan.assign[S.selected[0].i];
  renderWorkspace(); loadDetail();
}

// --- jobs ---------------------------------------------------------------------------------
async function startJob(kind) {
  try {
    const job = await post(`/api/workspaces/${S.ws}/jobs`, { kind, time_limit_s: Number($("#time-limit").value) || 30 });
    followJob(job);
  } catch (err) { fail(err); }
}

// Progress is pushed by the server (Server-Sent Events); where EventSource fails (an
// old browser, a proxy that buffers), the page polls the job instead.
function followJob(job) {
  if (S.stream) S.stream.close();
  S.job = job; renderJob();
  let ended = false;
  const active = () => S.job.status === "running" || S.job.status === "queued";
  const finish = () => {
    if (ended) return;
    ended = true; S.stream = null;
    toast(`${t("job_done")}: ${S.job.message}`, "info");
    if (S.ws) openWorkspace(S.ws);
  };
  const poll = async () => {
    if (ended) return;
    S.jobVia = "polling";
    try { S.job = await get(`/api/jobs/${job.id}`); } catch (err) { fail(err); return; }
    renderJob();
    if (active()) setTimeout(poll, 600); else finish();
  };
  if (!window.EventSource) { setTimeout(poll, 600); return; }
  const es = new EventSource(`/api/jobs/${job.id}/events`);
  S.stream = es; S.jobVia = "events";
  es.addEventListener("job", (e) => { S.job = JSON.parse(e.data); renderJob(); });
  es.addEventListener("end", () => { es.close(); finish(); });
  es.addEventListener("gone", () => { es.close(); S.stream = null; poll(); });
  // A stream the server ends is reopened by the browser (CONNECTING); a refused one
  // (CLOSED) falls back to polling, which shows the error if there is one.
  es.onerror = () => { if (es.readyState === EventSource.CLOSED && S.stream === es) { S.stream = null; poll(); } };
}

function renderJob() {
  const j = S.job;
  if (!j || !$("#job")) return;
  const p = j.progress || {}, running = j.status === "running" || j.status === "queued";
  const share = p.total ? p.done / p.total : 0;
  $("#job").replaceChildren(h("section", { class: "card job", "data-testid": "job" },
    h("h3", { text: `${j.kind === "solve" ? t("solve") : t("optimize")} · ${j.status}` }),
    h("progress", { max: 1, value: running ? (share || 0.02) : 1, "data-testid": "job-progress" }),
    kv(t("objective"), num(p.objective)), kv(t("bound"), num(p.bound)), kv(t("gap"), pct(p.gap)),
    kv(t("elapsed"), `${num(p.elapsed_s, 1)} ${t("seconds")}`),
    j.message ? h("p", { "data-testid": "job-message", text: j.message }) : null,
    running ? h("button", { "data-testid": "cancel-job", onclick: async () => { try { await post(`/api/jobs/${j.id}/cancel`); } catch (e) { fail(e); } }, text: t("cancel") }) : null));
}

// --- versions, compare, export, import ---------------------------------------------------
async function refreshVersions() { S.versions = await get(`/api/workspaces/${S.ws}/versions`); renderVersions(); renderCompare(); renderIO(); }

async function saveVersion() {
  const label = prompt(t("label"), `${t("version")} ${S.versions.length + 1}`);
  if (!label) return;
  try { await post(`/api/workspaces/${S.ws}/versions`, { label }); await refreshVersions(); } catch (err) { fail(err); }
}

function refs() {
  return [["working", t("working")], ["today", t("today")], ...S.versions.map((v) => [String(v.number), `${t("version")} ${v.number}: ${v.label}`])];
}

function renderVersions() {
  if (!$("#versions")) return;
  $("#versions").replaceChildren(h("section", { class: "card" }, h("h3", { text: t("versions") }),
    h("ul", { class: "rows", "data-testid": "versions" }, S.versions.map((v) => h("li", {},
      `${v.number}. ${v.label} · ${num(v.summary.total_annual_cost_yuan)} ${t("per_year")} `,
      h("button", { class: "link", onclick: async () => {
        try { applyChange(await post(`/api/workspaces/${S.ws}/versions/${v.number}/open`, { revision: S.revision })); } catch (e) { fail(e); } }, text: t("open") }), " ",
      h("a", { class: "link", "data-testid": `filing-${v.number}`, href: exportUrl(String(v.number), "filing"), download: "",
        onclick: () => toast(t("filing_wait"), "info"), text: t("export_filing") }))))));
}

function exportUrl(ref, what) { return `/api/workspaces/${S.ws}/export?ref=${encodeURIComponent(ref)}&what=${what}&lang=${lang}`; }

function renderCompare() {
  if (!$("#compare")) return;
  const a = h("select", { "data-testid": "compare-a" }, refs().map(([v, l]) => h("option", { value: v, text: l })));
  const b = h("select", { "data-testid": "compare-b" }, refs().map(([v, l]) => h("option", { value: v, text: l })));
  a.value = S.compare ? S.compare.a : (S.versions.length ? String(S.versions[S.versions.length - 1].number) : "today");
  b.value = S.compare ? S.compare.b : "working";
  const c = S.compare;
  $("#compare").replaceChildren(h("section", { class: "card" }, h("h3", { text: t("compare") }),
    h("div", { class: "row" }, a, "→", b,
      h("button", { "data-testid": "compare", onclick: async () => {
        try { S.compare = await get(`/api/workspaces/${S.ws}/compare?a=${a.value}&b=${b.value}`); S.map.setDiff(S.compare.reassigned); renderCompare(); } catch (e) { fail(e); } }, text: t("compare") }),
      c ? h("button", { class: "link", onclick: () => { S.compare = null; S.map.setDiff(null); renderCompare(); }, text: t("close") }) : null),
    c ? h("div", { "data-testid": "compare-result" },
      kv(t("moved"), num(c.units_moved), "compare-moved"), kv(t("reassigned"), num(c.households_reassigned), "compare-households"),
      kv(t("communities"), `${c.totals.communities_a} → ${c.totals.communities_b}`),
      kv(t("capex"), `${c.totals.capex_delta >= 0 ? "+" : ""}${num(c.totals.capex_delta)} ${t("yuan")}`),
      kv(t("annual"), `${c.totals.annual_delta >= 0 ? "+" : ""}${num(c.totals.annual_delta)} ${t("per_year")}`, "compare-annual"),
      h("table", { class: "rows" }, h("tr", {}, h("th", { text: t("change") }), h("th", { text: "A" }), h("th", { text: "B" }), h("th", { text: t("households") })),
        c.changes.slice(0, 40).map((r) => h("tr", {}, h("td", { text: t(r.change) }), h("td", { text: r.community_a }), h("td", { text: r.community_b }),
          h("td", { text: `${num(r.households_a)} → ${num(r.households_b)}` }))))) : null));
}

function renderIO() {
  if (!$("#io")) return;
  const ref = h("select", { "data-testid": "export-ref" }, refs().filter(([v]) => v !== "today").map(([v, l]) => h("option", { value: v, text: l })));
  const link = (what) => h("a", { class: "button", "data-testid": `export-${what}`, href: "#", onclick: (e) => {
    e.target.href = exportUrl(ref.value, what);
    if (what === "filing") toast(t("filing_wait"), "info");
  }, download: "", text: t(`export_${what}`) });
  const file = h("input", { type: "file", accept: ".zip,.csv", "data-testid": "import-file" });
  $("#io").replaceChildren(h("section", { class: "card" }, h("h3", { text: `${t("export")} / ${t("import")}` }),
    h("div", { class: "row" }, ref, link("plan"), link("reports"), link("filing")),
    h("form", { class: "row", onsubmit: async (e) => {
      e.preventDefault();
      if (!file.files.length) return;
      const fd = new FormData(); fd.append("file", file.files[0]);
      fd.append("kind", file.files[0].name.toLowerCase().endsWith(".csv") ? "csv" : "plan");
      try { const r = await upload(`/api/workspaces/${S.ws}/import`, fd); toast(`${t("version")} ${r.number}`, "info"); await refreshVersions(); } catch (err) { fail(err); }
    } }, file, h("button", { type: "submit", text: t("import") }))));
}

window.workbench = { state: S, edit, change };   // for the browser tests, the bench, the console
window.addEventListener("hashchange", () => { if (!location.hash.includes("ws=")) { S.ws = null; } render(); });
boot().catch(fail);
