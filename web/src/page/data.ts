// The page's data logic, free of the DOM so vitest checks it: the JSON shapes of /api/policies,
// /api/matrix, /api/whatif and /api/flows, and what the page makes of them.

export interface Condition { type: string; status: string; reason: string; message: string }
export interface Policy {
  kind: string; namespace: string; name: string; revision?: string; source?: string;
  errors: string[]; conditions: Condition[];
}
export interface PolicyRow {
  kind: string; namespace: string; name: string; status: string; good: boolean; source: string; message: string;
}

/** A policy's one-word status: Invalid, Stalled's reason, else Ready's reason (Enforced, Resolved...). */
export function policyRow(p: Policy): PolicyRow {
  const cond = (t: string) => p.conditions.find((c) => c.type === t);
  const valid = cond("Valid");
  const ready = cond("Ready");
  const stalled = cond("Stalled");
  let status: string;
  let good = false;
  let message = "";
  if (valid && valid.status !== "True") {
    status = "Invalid";
    message = p.errors.length ? p.errors.join("; ") : valid.message;
  } else if (ready && ready.status === "True") {
    status = ready.reason || "Ready";
    good = !(stalled && stalled.status === "True");
    message = stalled && stalled.status === "True" ? stalled.message : ready.message;
  } else {
    status = ready ? ready.reason : "Unknown";
    message = ready ? ready.message : "";
  }
  return {
    kind: p.kind, namespace: p.namespace || "", name: p.name, status, good,
    source: p.source || p.revision || "", message,
  };
}

export type Verdict = "ALLOWED" | "DENIED" | "REDIRECTED" | "MIXED" | "NONE";
export interface MatrixCell { from: string; to: string; port: string; verdict: Verdict; allowed: number; redirected: number; denied: number }
export interface Matrix { level: string; ports: string[]; subjects: string[]; cells: MatrixCell[] }

/** For one port, the rows (sources) by columns (destinations); a missing cell (a pod to itself) is null. */
export function grid(m: Matrix, port: string): (MatrixCell | null)[][] {
  const at = new Map<string, MatrixCell>();
  for (const c of m.cells) if (c.port === port) at.set(c.from + "\u0000" + c.to, c);
  return m.subjects.map((from) => m.subjects.map((to) => at.get(from + "\u0000" + to) ?? null));
}

/** A cell's text: the verdict, and for a namespace cell that mixes, how many pod pairs get through. */
export function cellText(c: MatrixCell | null): string {
  if (c === null) return "—";
  if (c.verdict === "MIXED") {
    const through = c.allowed + c.redirected;
    return `${through}/${through + c.denied} allowed`;
  }
  return c.verdict === "NONE" ? "no pairs" : c.verdict.toLowerCase();
}

export interface FlowEnd { pod?: string; namespace?: string; address?: string; identity?: number; port?: number }
export interface FlowPolicy { kind?: string; namespace?: string; name?: string; rule?: string; source?: string }
export interface Flow {
  time: string; verdict: string; reason?: string; direction?: string; protocol?: string;
  source: FlowEnd; destination: FlowEnd; policy?: FlowPolicy | null;
}

/** An endpoint as people name it: namespace/pod, else the address, with the identity. */
export function endpoint(e: FlowEnd): string {
  const who = e.pod ? (e.namespace ? `${e.namespace}/${e.pod}` : e.pod) : e.address ?? "?";
  return e.identity !== undefined ? `${who} (id ${e.identity})` : who;
}

/** The deciding policy and rule, and where it came from; "-" when no policy decided. */
export function policyText(p: FlowPolicy | null | undefined): string {
  if (!p || !p.name) return "-";
  const name = p.namespace ? `${p.namespace}/${p.name}` : p.name;
  let s = `${p.kind ?? ""} ${name}`.trim();
  if (p.rule) s += ` ${p.rule}`;
  if (p.source) s += ` from ${p.source}`;
  return s;
}

export function flowRow(f: Flow): string[] {
  const port = f.destination.port !== undefined ? `${f.destination.port}/${f.protocol ?? ""}` : f.protocol ?? "";
  return [f.time, f.verdict, f.direction ?? "", endpoint(f.source), endpoint(f.destination), port,
    policyText(f.policy), f.reason ?? ""];
}

/** Newest first, at most `limit`: the live view keeps the last few hundred flows. */
export function addFlows(shown: Flow[], more: Flow[], limit = 200): Flow[] {
  return [...more.slice().reverse(), ...shown].slice(0, limit);
}

export interface Change { from: string; to: string; port: string; before: string; after: string; rule: string; widened: boolean }
export interface WhatIf { policies: string[]; ports: string[]; widened: number; narrowed: number; changes: Change[] }

export function whatIfSummary(w: WhatIf): string {
  const cells = (n: number) => `${n} ${n === 1 ? "cell" : "cells"}`;
  const what = w.policies.join(", ");
  if (w.changes.length === 0) return `${what}: no cell changes (ports ${w.ports.join(", ")})`;
  return `${what}: ${cells(w.widened)} widened, ${cells(w.narrowed)} narrowed (ports ${w.ports.join(", ")})`;
}

/** The errors of a refused call, from its {"errors": [...]} body or its status line. */
export function errorsOf(status: number, body: unknown): string[] {
  if (body && typeof body === "object" && Array.isArray((body as { errors?: unknown }).errors)) {
    return (body as { errors: string[] }).errors;
  }
  return [`the server answered ${status}`];
}
