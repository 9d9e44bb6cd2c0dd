import { describe, expect, it } from "vitest";
import { addFlows, cellText, errorsOf, flowRow, grid, policyRow, whatIfSummary, type Matrix } from "../../page/data";

const cond = (type: string, status: string, reason: string, message = "") => ({ type, status, reason, message });

describe("policyRow", () => {
  it("an invalid policy reads Invalid with its errors", () => {
    const r = policyRow({ kind: "CiliumNetworkPolicy", namespace: "prod", name: "p", revision: "r1",
      errors: ["spec.egress[0]: bad"], conditions: [cond("Valid", "False", "Invalid"), cond("Ready", "False", "Invalid")] });
    expect(r).toMatchObject({ status: "Invalid", good: false, message: "spec.egress[0]: bad", source: "r1" });
  });
  it("a ready policy reads as its Ready reason, and its source wins over the revision", () => {
    const r = policyRow({ kind: "CiliumNetworkPolicy", namespace: "default", name: "rule1", revision: "r1", source: "kubectl",
      errors: [], conditions: [cond("Valid", "True", "Valid"), cond("Ready", "True", "Resolved", "in memory"), cond("Stalled", "False", "Valid")] });
    expect(r).toMatchObject({ status: "Resolved", good: true, source: "kubectl", message: "in memory" });
  });
  it("a ready policy that is stalled is not shown as good", () => {
    const r = policyRow({ kind: "K", namespace: "", name: "n", errors: [],
      conditions: [cond("Valid", "True", "Valid"), cond("Ready", "False", "L7NotEnforced", "dropped"), cond("Stalled", "True", "L7NotEnforced", "dropped")] });
    expect(r).toMatchObject({ status: "L7NotEnforced", good: false });
  });
});

describe("grid", () => {
  const m: Matrix = { level: "pod", ports: ["80/TCP"], subjects: ["a", "b"], cells: [
    { from: "a", to: "b", port: "80/TCP", verdict: "ALLOWED", allowed: 1, redirected: 0, denied: 0 },
    { from: "b", to: "a", port: "80/TCP", verdict: "DENIED", allowed: 0, redirected: 0, denied: 1 },
  ] };
  it("puts each cell at its source's row and destination's column, a pod to itself empty", () => {
    const g = grid(m, "80/TCP");
    expect(g[0][0]).toBeNull();
    expect(g[0][1]?.verdict).toBe("ALLOWED");
    expect(g[1][0]?.verdict).toBe("DENIED");
    expect(cellText(g[0][0])).toBe("—");
  });
  it("a mixed namespace cell says how many pod pairs get through", () => {
    expect(cellText({ from: "x", to: "y", port: "80/TCP", verdict: "MIXED", allowed: 2, redirected: 1, denied: 3 })).toBe("3/6 allowed");
  });
});

describe("flows", () => {
  const f = { time: "2026-12-03T18:00:00Z", verdict: "DROPPED", reason: "policy-denied", direction: "ingress", protocol: "TCP",
    source: { pod: "xwing", namespace: "default", address: "10.42.0.12", identity: 1001, port: 40000 },
    destination: { pod: "deathstar", namespace: "default", address: "10.42.0.10", identity: 1002, port: 80 },
    policy: { kind: "CiliumNetworkPolicy", namespace: "default", name: "rule1", rule: "spec.ingress[0]", source: "kubectl" } };
  it("a flow row names pods, port and the deciding policy with its source", () => {
    expect(flowRow(f)).toEqual(["2026-12-03T18:00:00Z", "DROPPED", "ingress", "default/xwing (id 1001)",
      "default/deathstar (id 1002)", "80/TCP", "CiliumNetworkPolicy default/rule1 spec.ingress[0] from kubectl", "policy-denied"]);
  });
  it("a flow no policy decided shows a dash, and an address when there is no pod", () => {
    const row = flowRow({ ...f, source: { address: "192.0.2.1" }, policy: null });
    expect(row[3]).toBe("192.0.2.1");
    expect(row[6]).toBe("-");
  });
  it("keeps the newest first and at most the limit", () => {
    const a = { ...f, time: "1" }, b = { ...f, time: "2" }, c = { ...f, time: "3" };
    expect(addFlows([a], [b, c], 2).map((x) => x.time)).toEqual(["3", "2"]);
  });
});

describe("whatIfSummary and errors", () => {
  it("counts widened and narrowed cells", () => {
    expect(whatIfSummary({ policies: ["CiliumNetworkPolicy default/rule1"], ports: ["80/TCP"], widened: 1, narrowed: 0,
      changes: [{ from: "default/xwing", to: "default/deathstar", port: "80/TCP", before: "DENIED", after: "ALLOWED", rule: "r", widened: true }] }))
      .toBe("CiliumNetworkPolicy default/rule1: 1 cell widened, 0 cells narrowed (ports 80/TCP)");
  });
  it("reads a refusal's errors, or says the status", () => {
    expect(errorsOf(400, { errors: ["ports[0]: bad"] })).toEqual(["ports[0]: bad"]);
    expect(errorsOf(500, null)).toEqual(["the server answered 500"]);
  });
});
