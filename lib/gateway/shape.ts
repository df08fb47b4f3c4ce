// What a gateway call touches, read from its path alone: the template it is recorded under (ids replaced by
// names), the workspace and model it names, and the import, export, process, action or file it acts on. Only
// plain segments pass: an encoded slash, a dot segment or any other character is refused before the policy is
// asked, so the path the policy judges is the path Anaplan receives.
import { BrokerError } from "@/lib/broker/errors";

export type ObjectKind = "import" | "export" | "process" | "action" | "file";

export type CallShape = {
  /** The path under the API host (`2/0/…`), exactly as forwarded. */
  path: string;
  /** `2/0/workspaces/{workspaceId}/models/{modelId}/exports/{exportId}/tasks`: what the record groups by. */
  template: string;
  workspaceId: string | null;
  modelId: string | null;
  objectKind: ObjectKind | null;
  objectId: string | null;
  /** A read of a model itself or of one of its lists (…/files, …/exports), naming no object. */
  listing: boolean;
  /** The account's directory: its profile, or a list of the workspaces or models it can see (names, no data). */
  directory: boolean;
};

const PLACEHOLDER: Record<string, string> = {
  workspaces: "{workspaceId}",
  models: "{modelId}",
  files: "{fileId}",
  chunks: "{chunkId}",
  imports: "{importId}",
  exports: "{exportId}",
  processes: "{processId}",
  actions: "{actionId}",
  tasks: "{taskId}",
};
const OBJECTS: Record<string, ObjectKind> = {
  imports: "import",
  exports: "export",
  processes: "process",
  actions: "action",
  files: "file",
};
const SEGMENT = /^[A-Za-z0-9_~-][A-Za-z0-9._~-]{0,127}$/;
const LOOKS_LIKE_ID = /^(\d+|[0-9A-Fa-f]{32})$/;
const MAX_SEGMENTS = 16;

const refused = (message: string) => new BrokerError("invalid_request", message);

/** The shape of `path` (what follows `/api/v1/anaplan/`, without the query). */
export function shapeOf(path: string): CallShape {
  const segments = path.split("/");
  if (segments[0] !== "2" || segments[1] !== "0" || segments.length < 3) {
    throw refused("The gateway forwards Anaplan's Integration API: /api/v1/anaplan/2/0/…");
  }
  if (segments.length > MAX_SEGMENTS || !segments.every((s) => SEGMENT.test(s))) {
    throw refused("The path has an empty, dot or encoded segment, or a character Anaplan's API paths never have.");
  }
  const shape: CallShape = {
    path,
    template: "",
    workspaceId: null,
    modelId: null,
    objectKind: null,
    objectId: null,
    listing: false,
    directory: false,
  };
  const template = ["2", "0"];
  for (let i = 2; i < segments.length; i++) {
    const segment = segments[i] as string;
    const before = segments[i - 1] as string;
    const placeholder = i > 2 ? PLACEHOLDER[before] : undefined;
    template.push(placeholder ?? (LOOKS_LIKE_ID.test(segment) ? "{id}" : segment));
    if (!placeholder) continue;
    if (before === "workspaces" && shape.workspaceId === null) shape.workspaceId = segment.toLowerCase();
    else if (before === "models" && shape.modelId === null) shape.modelId = segment.toUpperCase();
    else if (OBJECTS[before] && shape.modelId !== null && shape.objectId === null) {
      shape.objectKind = OBJECTS[before];
      shape.objectId = segment;
    }
  }
  const last = segments[segments.length - 1] as string;
  shape.listing =
    shape.modelId !== null &&
    shape.objectId === null &&
    (PLACEHOLDER[segments[segments.length - 2] ?? ""] === "{modelId}" || last in OBJECTS);
  // `2/0/users/me`, `2/0/workspaces`, `2/0/models`, `2/0/workspaces/{w}/models`, and Anaplan Connect's
  // `2/0/users/{userId}/workspaces|models`: what a client reads to turn names into ids.
  shape.directory = shape.modelId === null && (last === "me" || last === "workspaces" || last === "models");
  shape.template = template.join("/");
  return shape;
}
