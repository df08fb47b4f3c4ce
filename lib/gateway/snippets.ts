// Copy-paste examples for a restricted key or workload: the same call (a model's exports) through the gateway from
// curl, anaplan-sdk, Node, Anaplan Connect and a keyless job. The key is read from the environment
// (ANAPLAN_PORTAL_KEY), never written into code.
import type { Snippet } from "@/lib/broker/snippets";

export type GatewaySnippetInput = {
  portalUrl: string;
  /** `team/identity`, for the keyless exchange's audience. */
  identity: string;
  /** A model the limits allow (or any, as `$MODEL_ID`), and its workspace. */
  model: { id: string; workspaceId: string } | null;
  /** A key's scripts send the key; a workload's job exchanges its platform token first. */
  kind: "key" | "workload";
};

export function gatewaySnippets({ portalUrl, identity, model, kind }: GatewaySnippetInput): Snippet[] {
  const gateway = `${portalUrl}/api/v1/anaplan`;
  const ws = model?.workspaceId ?? "$WORKSPACE_ID";
  const m = model?.id ?? "$MODEL_ID";
  const path = `2/0/workspaces/${ws}/models/${m}/exports`;
  const keyless: Snippet = {
    id: "gateway-keyless",
    label: "Keyless job",
    language: "bash",
    code: `# A restricted trusted workload's exchange hands out a token good only at the gateway.
TOKEN=$(anaplan-portal token --github-actions --identity ${identity})
curl -sS --fail-with-body "${gateway}/${path}" -H "Authorization: AnaplanAuthToken $TOKEN"
`,
  };
  if (kind === "workload") return [keyless];
  return [
    {
      id: "gateway-curl",
      label: "curl",
      language: "bash",
      code: `curl -sS --fail-with-body "${gateway}/${path}" -H "Authorization: Bearer $ANAPLAN_PORTAL_KEY"\n`,
    },
    {
      id: "gateway-sdk",
      label: "anaplan-sdk",
      language: "python",
      code: `# pip install ./clients/python (from the portal's repository); ANAPLAN_PORTAL_URL=${portalUrl}
import anaplan_sdk
from anaplan_portal import PortalAuth

anaplan = anaplan_sdk.Client(workspace_id="${ws}", model_id="${m}", auth=PortalAuth(gateway=True))
print(anaplan.get_exports())
`,
    },
    {
      id: "gateway-node",
      label: "Node.js",
      language: "js",
      code: `// npm install ./clients/node (from the portal's repository); ANAPLAN_PORTAL_URL=${portalUrl}
import { gatewayFetch } from "anaplan-portal";

const anaplan = gatewayFetch();
console.log(await (await anaplan("https://api.anaplan.com/${path}")).json());
`,
    },
    {
      id: "gateway-connect",
      label: "Anaplan Connect",
      language: "bash",
      code: `./AnaplanClient.sh -service "${gateway}" -auth "${portalUrl}/anaplan-auth" \\
  -user "nightly-job:$ANAPLAN_PORTAL_KEY" -workspace "${ws}" -model "${m}" -export "…" -execute -get out.csv
`,
    },
  ];
}
