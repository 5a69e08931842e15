// A third-party program on the types openapi-typescript generates (default options) from Synclog's OpenAPI
// document: `node build/program.js BASE_URL TOKEN` creates a goal, logs two entries, pages the timeline, sends a
// PATCH with a stale If-Match and reads `current`, follows /changes and pushes a batch, then prints what it saw.
import type { components, operations } from "./synclog-api";

declare const process: { argv: string[] };

type Schemas = components["schemas"];
type Json<Op extends keyof operations, Status extends keyof operations[Op]["responses"]> =
  operations[Op]["responses"][Status] extends { content: { "application/json": infer Body } } ? Body : never;
type Problem<Op extends keyof operations, Status extends keyof operations[Op]["responses"]> =
  operations[Op]["responses"][Status] extends { content: { "application/problem+json": infer Body } } ? Body : never;

const [baseUrl, token] = process.argv.slice(2);

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(baseUrl + path, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as unknown };
}

async function main(): Promise<Record<string, unknown>> {
  const newGoal: Schemas["GoalCreate"] = { title: "Swim" }; // every defaulted field may be left out
  const goal = (await call("POST", "/api/v1/goals", newGoal)).body as Json<"createGoal", 201>;
  const firstBody: Schemas["EntryCreate"] = { note: "a heron", goal_ids: [goal.id] };
  const first = (await call("POST", "/api/v1/entries", firstBody)).body as Json<"createEntry", 201>;
  const secondBody: Schemas["EntryCreate"] = { note: "a heron again", intensity: 4 };
  await call("POST", "/api/v1/entries", secondBody);

  const timeline: string[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`;
    const page = (await call("GET", `/api/v1/entries?limit=1${query}`)).body as Json<"listEntries", 200>;
    timeline.push(...page.data.map((entry: Schemas["EntryPublic"]) => entry.note));
    cursor = page.next_cursor;
  } while (cursor !== null);

  const patch: Schemas["EntryPatch"] = { meaning: "keep going" };
  const changed = await call("PATCH", `/api/v1/entries/${first.id}`, patch);
  const stale = await call("PATCH", `/api/v1/entries/${first.id}`, { note: "x" }, { "If-Match": '"1"' });
  const problem = stale.body as Problem<"patchEntry", 412>;
  const code: Schemas["ProblemCode"] = problem.code;

  const changes: string[] = [];
  let feedCursor = "";
  for (let hasMore = true; hasMore; ) {
    const query = feedCursor === "" ? "" : `&cursor=${encodeURIComponent(feedCursor)}`;
    const feed = (await call("GET", `/api/v1/changes?limit=2${query}`)).body as Json<"listChanges", 200>;
    for (const change of feed.changes) {
      if (change.type === "goal" && change.data !== null) {
        const title: string = change.data.title; // narrowed to a goal by its type
        if (title !== "Swim") throw new Error(title);
      }
      changes.push(change.type);
    }
    hasMore = feed.has_more;
    feedCursor = feed.next_cursor;
  }

  const batch: Schemas["PushRequest"] = {
    ops: [
      { op_id: "op-1", method: "PUT", type: "entry", id: crypto.randomUUID(), data: { note: "logged offline" } },
      { op_id: "op-2", method: "PATCH", type: "entry", id: first.id, if_match: 1, data: { note: "y" } },
    ],
  };
  const pushed = (await call("POST", "/api/v1/sync/push", batch)).body as Json<"push", 200>;
  return {
    timeline,
    etag: changed.headers.get("ETag"),
    stale: [stale.status, code, problem.current.version, problem.current["meaning"]],
    changes,
    push: pushed.results.map((result: Schemas["PushResult"]) => [result.op_id, result.status, result.error?.code ?? null]),
  };
}

main().then((seen) => console.log(JSON.stringify(seen)));
