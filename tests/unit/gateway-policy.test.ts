// What a gateway call touches, read from its path, and what each kind of policy says to it: a table.
import assert from "node:assert/strict";
import { test } from "node:test";
import { accessPolicy, refusalOf } from "@/lib/gateway/policy";
import { shapeOf } from "@/lib/gateway/shape";

const WS = "8a868cda7d5f4e6a017d6b1c2a3b0001";
const OTHER_WS = "8a868cda7d5f4e6a017d6b1c2a3b0002";
const M = "75A40874E6B64FA3AE0743278996850F";
const OTHER_M = "75A40874E6B64FA3AE07432789968510";
const IN_M = `2/0/workspaces/${WS}/models/${M}`;

test("a path's shape: its template, workspace, model and object", () => {
  assert.deepEqual(shapeOf(`${IN_M}/exports/116000000001/tasks/ABC123`), {
    path: `${IN_M}/exports/116000000001/tasks/ABC123`,
    template: "2/0/workspaces/{workspaceId}/models/{modelId}/exports/{exportId}/tasks/{taskId}",
    workspaceId: WS,
    modelId: M,
    objectKind: "export",
    objectId: "116000000001",
    listing: false,
    directory: false,
  });
  const lower = shapeOf(`2/0/models/${M.toLowerCase()}/files/113000000000/chunks/3`);
  assert.equal(lower.modelId, M, "model ids compare whatever their case");
  assert.equal(lower.template, "2/0/models/{modelId}/files/{fileId}/chunks/{chunkId}");
  assert.equal(shapeOf(`2/0/users/8a8b844a477d5da70147d150ee080b19/workspaces/${WS}`).workspaceId, WS);
  assert.equal(
    shapeOf(`${IN_M}/lists/101000000000/items`).template,
    "2/0/workspaces/{workspaceId}/models/{modelId}/lists/{id}/items",
  );
  assert.ok(shapeOf(`${IN_M}/files`).listing);
  assert.ok(shapeOf(IN_M).listing);
  for (const path of ["2/0/users/me", "2/0/workspaces", "2/0/models", `2/0/workspaces/${WS}/models`]) {
    assert.ok(shapeOf(path).directory, path);
  }
  for (const bad of ["1/3/workspaces", "2/0", "2/0/a%2Fb", "2/0/../x", "2/0//x", "2/0/.", `2/0/${"x/".repeat(20)}`]) {
    assert.throws(() => shapeOf(bad), { code: "invalid_request" }, bad);
  }
});

const ruleOf = (policy: Partial<ReturnType<typeof accessPolicy.parse>>, method: string, path: string) =>
  refusalOf(accessPolicy.parse(policy), method, shapeOf(path))?.rule ?? "allowed";

test("each policy allows what it names and refuses the rest, naming the rule", () => {
  const cases: [Partial<ReturnType<typeof accessPolicy.parse>>, string, string, string][] = [
    [{}, "DELETE", `${IN_M}/lists/101000000000/items`, "allowed"],
    [{ readOnly: true }, "GET", `${IN_M}/files/113000000000`, "allowed"],
    [{ readOnly: true }, "HEAD", `${IN_M}/files`, "allowed"],
    [{ readOnly: true }, "POST", `${IN_M}/exports/116000000001/tasks`, "read_only"],
    [{ models: [M] }, "POST", `${IN_M}/imports/112000000000/tasks`, "allowed"],
    [{ models: [M] }, "POST", `2/0/models/${M}/lists/101000000000/items`, "allowed"],
    [{ models: [M] }, "GET", `2/0/workspaces/${WS}/models/${OTHER_M}/files`, "model"],
    [{ models: [M] }, "GET", `2/0/workspaces/${WS}`, "model"],
    [{ models: [M] }, "GET", "2/0/users/me", "allowed"],
    [{ models: [M] }, "GET", "2/0/workspaces", "allowed"],
    [{ models: [M] }, "GET", "2/0/users/8a8b844a477d5da70147d150ee080b19/models", "allowed"],
    [{ models: [M] }, "POST", "2/0/workspaces", "model"],
    [{ workspaces: [WS] }, "GET", `2/0/workspaces/${WS}/models/${OTHER_M}/files`, "allowed"],
    [{ workspaces: [WS] }, "GET", `2/0/workspaces/${OTHER_WS}/models/${M}/files`, "workspace"],
    [{ workspaces: [WS] }, "GET", `2/0/models/${M}/lists`, "workspace"],
    [{ workspaces: [OTHER_WS], models: [M] }, "GET", `${IN_M}/files`, "allowed"],
    [{ workspaces: [OTHER_WS], models: [M] }, "GET", `2/0/workspaces/${WS}/models/${OTHER_M}`, "model"],
    [{ objects: ["116000000001"] }, "POST", `${IN_M}/exports/116000000001/tasks`, "allowed"],
    [{ objects: ["116000000001"] }, "GET", `${IN_M}/files/116000000001/chunks/0`, "allowed"],
    [{ objects: ["116000000001"] }, "GET", `${IN_M}/exports`, "allowed"],
    [{ objects: ["116000000001"] }, "POST", `${IN_M}/exports`, "object"],
    [{ objects: ["116000000001"] }, "POST", `${IN_M}/exports/116000000000/tasks`, "object"],
    [{ objects: ["116000000001"] }, "PUT", `${IN_M}/files/113000000000/chunks/0`, "object"],
    [{ objects: ["116000000001"] }, "GET", `${IN_M}/modules`, "object"],
    [{ objects: ["116000000001"] }, "GET", "2/0/users/me", "allowed"],
  ];
  for (const [policy, method, path, rule] of cases) {
    assert.equal(ruleOf(policy, method, path), rule, `${JSON.stringify(policy)} ${method} ${path}`);
  }
});

test("a stored policy that no longer parses narrows to the directory reads instead of opening up", async () => {
  const { storedPolicy } = await import("@/lib/gateway/policy");
  assert.equal(storedPolicy(null), null);
  const broken = storedPolicy({ models: "not a list" });
  assert.ok(broken);
  assert.equal(refusalOf(broken, "GET", shapeOf(`${IN_M}/files`))?.rule, "model");
  assert.equal(refusalOf(broken, "GET", shapeOf("2/0/users/me")), null);
  assert.equal(refusalOf(broken, "POST", shapeOf(`${IN_M}/exports/116000000001/tasks`))?.rule, "read_only");
});
