// The page's DOM: fetches the API, renders with data.ts, and nothing else. No fetch leaves the
// server that served the page.
import {
  addFlows, cellText, errorsOf, flowRow, grid, policyRow, whatIfSummary,
  type Flow, type Matrix, type Policy, type WhatIf,
} from "./data";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function cell(text: string, cls?: string): HTMLTableCellElement {
  const td = document.createElement("td");
  td.textContent = text;
  if (cls) td.className = cls;
  return td;
}

function fill(tbody: HTMLElement, rows: HTMLTableRowElement[]) {
  tbody.replaceChildren(...rows);
}

async function getJson(url: string, init?: RequestInit): Promise<{ status: number; body: unknown }> {
  const r = await fetch(url, init);
  let body: unknown = null;
  try { body = await r.json(); } catch { body = null; }
  return { status: r.status, body };
}

async function loadPolicies() {
  const note = $("policies-note");
  try {
    const { status, body } = await getJson("/api/policies");
    if (status !== 200) { note.textContent = errorsOf(status, body).join("\n"); return; }
    const rows = (body as Policy[]).map(policyRow).map((p) => {
      const tr = document.createElement("tr");
      tr.dataset.policy = `${p.kind} ${p.namespace ? p.namespace + "/" : ""}${p.name}`;
      tr.append(cell(p.kind), cell(p.namespace), cell(p.name),
        cell(p.status, p.good ? "status-good" : "status-bad"), cell(p.source), cell(p.message));
      return tr;
    });
    fill($("policies").querySelector("tbody")!, rows);
    note.textContent = rows.length === 0 ? "no policies" : "";
    $("updated").textContent = "updated " + new Date().toLocaleTimeString();
  } catch (e) {
    note.textContent = "cannot reach the server: " + e;
  }
}

async function loadMatrix(ev?: Event) {
  ev?.preventDefault();
  const ports = $<HTMLInputElement>("matrix-ports").value.trim();
  const level = $<HTMLSelectElement>("matrix-level").value;
  const q = new URLSearchParams({ level });
  if (ports) q.set("ports", ports);
  const { status, body } = await getJson("/api/matrix?" + q.toString());
  const out = $("matrix");
  if (status !== 200) {
    $("matrix-error").textContent = errorsOf(status, body).join("\n");
    out.replaceChildren();
    return;
  }
  $("matrix-error").textContent = "";
  const m = body as Matrix;
  out.replaceChildren(...m.ports.map((port) => matrixTable(m, port)));
}

function matrixTable(m: Matrix, port: string): HTMLElement {
  const wrap = document.createElement("div");
  const h = document.createElement("h3");
  h.textContent = `${port} (rows: from, columns: to)`;
  const table = document.createElement("table");
  table.className = "matrix";
  table.dataset.port = port;
  const head = document.createElement("tr");
  head.append(document.createElement("th"));
  m.subjects.forEach((s) => { const th = document.createElement("th"); th.textContent = s; head.append(th); });
  table.append(head);
  grid(m, port).forEach((row, i) => {
    const tr = document.createElement("tr");
    const th = document.createElement("th");
    th.textContent = m.subjects[i];
    tr.append(th);
    row.forEach((c, j) => {
      const td = cell(cellText(c), "cell v-" + (c ? c.verdict : "NONE"));
      td.dataset.from = m.subjects[i];
      td.dataset.to = m.subjects[j];
      tr.append(td);
    });
    table.append(tr);
  });
  wrap.append(h, table);
  return wrap;
}

let flows: Flow[] = [];

function renderFlows() {
  fill($("flows").querySelector("tbody")!, flows.map((f) => {
    const tr = document.createElement("tr");
    flowRow(f).forEach((t, i) => tr.append(cell(t, i === 1 ? "v-" + f.verdict : undefined)));
    return tr;
  }));
}

async function loadFlows() {
  const note = $("flows-note");
  let status: number;
  let body: unknown;
  try {
    ({ status, body } = await getJson("/api/flows"));
  } catch (e) {
    note.textContent = "no flow source: " + e;
    return;
  }
  if (status === 404) { note.textContent = "no flow source: this server does not serve /api/flows"; return; }
  if (status !== 200) { note.textContent = "no flow source: " + errorsOf(status, body).join("; "); return; }
  flows = addFlows([], body as Flow[]);
  renderFlows();
  note.textContent = "live";
  const live = new EventSource("/api/flows?follow=true");
  live.onmessage = (m) => {
    try { flows = addFlows(flows, [JSON.parse(m.data) as Flow]); renderFlows(); } catch { /* a keep-alive */ }
  };
  live.onerror = () => { note.textContent = "live stream interrupted; retrying"; };
  live.onopen = () => { note.textContent = "live"; };
}

async function whatIf(ev: Event) {
  ev.preventDefault();
  const ports = $<HTMLInputElement>("whatif-ports").value.trim();
  const q = ports ? "?" + new URLSearchParams({ ports }).toString() : "";
  const { status, body } = await getJson("/api/whatif" + q, {
    method: "POST", headers: { "Content-Type": "application/yaml" }, body: $<HTMLTextAreaElement>("whatif-yaml").value,
  });
  const tbody = $("whatif").querySelector("tbody")!;
  if (status !== 200) {
    $("whatif-error").textContent = errorsOf(status, body).join("\n");
    $("whatif-summary").textContent = "";
    fill(tbody, []);
    return;
  }
  const w = body as WhatIf;
  $("whatif-error").textContent = "";
  $("whatif-summary").textContent = whatIfSummary(w);
  fill(tbody, w.changes.map((c) => {
    const tr = document.createElement("tr");
    tr.append(cell(c.widened ? "widened" : "narrowed", c.widened ? "widened" : undefined), cell(c.from), cell(c.to),
      cell(c.port), cell(c.before, "v-" + c.before), cell(c.after, "v-" + c.after), cell(c.rule));
    return tr;
  }));
}

$("matrix-form").addEventListener("submit", loadMatrix);
$("whatif-form").addEventListener("submit", whatIf);
void loadPolicies();
void loadMatrix();
void loadFlows();
setInterval(loadPolicies, 5000);
