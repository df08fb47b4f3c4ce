// Copy-paste examples for scripts: the client packages (clients/), plain HTTP beside them, and Anaplan Connect
// with the portal as its auth service. Each but Anaplan Connect's ends in a call to Anaplan's /2/0/users/me with the
// AnaplanAuthToken header. The key is read from the environment (ANAPLAN_PORTAL_KEY), never written into code;
// when a key was just created, the first line of the shell and PowerShell examples sets that variable.
/** `identityName` is what Anaplan Connect's -user says: not a secret, recorded in the audit trail. */
export type SnippetInput = { portalUrl: string; apiUrl: string; key?: string; identityName?: string };
export type Snippet = { id: string; label: string; language: string; code: string };

const KEY_VAR = "ANAPLAN_PORTAL_KEY";

type Vars = {
  portalUrl: string;
  apiUrl: string;
  tokenUrl: string;
  meUrl: string;
  shellKey: string;
  psKey: string;
  user: string;
};

const curl = ({ tokenUrl, meUrl, shellKey }: Vars): Snippet => ({
  id: "curl",
  label: "curl",
  language: "bash",
  code: `${shellKey}# On a refusal the portal's answer says why (e.g. the identity is deactivated); the script stops there.
ANSWER=$(curl -sS --fail-with-body -X POST "${tokenUrl}" -H "Authorization: Bearer $${KEY_VAR}") \\
  || { echo "token broker: $ANSWER" >&2; exit 1; }
TOKEN=$(printf '%s' "$ANSWER" | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')
curl -sS --fail-with-body "${meUrl}" -H "Authorization: AnaplanAuthToken $TOKEN"
`,
});

const python = ({ portalUrl, meUrl }: Vars): Snippet => ({
  id: "python",
  label: "Python (requests)",
  language: "python",
  code: `import os, time, requests

PORTAL = "${portalUrl}"
_cached = {"token": None, "expires_at": 0.0}

def anaplan_token():
    """An Anaplan access token from the portal, cached until a minute before it expires."""
    if time.time() < _cached["expires_at"] - 60:
        return _cached["token"]
    r = requests.post(f"{PORTAL}/api/v1/token", timeout=30,
                      headers={"Authorization": f"Bearer {os.environ['${KEY_VAR}']}"})
    if not r.ok:
        raise RuntimeError(f"token broker: {r.status_code} {r.json().get('message')}")
    body = r.json()
    _cached.update(token=body["access_token"], expires_at=time.time() + body["expires_in"])
    return body["access_token"]

me = requests.get("${meUrl}", timeout=30,
                  headers={"Authorization": f"AnaplanAuthToken {anaplan_token()}"})
me.raise_for_status()
print(me.json())
`,
});

const node = ({ tokenUrl, meUrl }: Vars): Snippet => ({
  id: "node",
  label: "Node.js (fetch)",
  language: "javascript",
  code: `// Node 18+, as an ES module (e.g. token.mjs)
const res = await fetch("${tokenUrl}", {
  method: "POST",
  headers: { Authorization: \`Bearer \${process.env.${KEY_VAR}}\` },
});
const body = await res.json();
if (!res.ok) throw new Error(\`token broker: \${res.status} \${body.message}\`);
const me = await fetch("${meUrl}", {
  headers: { Authorization: \`AnaplanAuthToken \${body.access_token}\` },
});
if (!me.ok) throw new Error(\`Anaplan: \${me.status}\`);
console.log(JSON.stringify(await me.json()));
`,
});

const powershell = ({ tokenUrl, meUrl, psKey }: Vars): Snippet => ({
  id: "powershell",
  label: "PowerShell",
  language: "powershell",
  code: `${psKey}$t = Invoke-RestMethod -Method Post -Uri "${tokenUrl}" -Headers @{ Authorization = "Bearer $env:${KEY_VAR}" }
Invoke-RestMethod -Uri "${meUrl}" -Headers @{ Authorization = "AnaplanAuthToken $($t.access_token)" }
`,
});

const anaplanSdk = ({ portalUrl, meUrl }: Vars): Snippet => ({
  id: "anaplan-sdk",
  label: "anaplan-sdk (httpx.Auth)",
  language: "python",
  code: `import os, time, httpx

class PortalAuth(httpx.Auth):
    """Asks the portal for Anaplan tokens; caches each until near expiry and asks again after a 401."""
    def __init__(self, portal="${portalUrl}", key=None):
        self.portal, self.key = portal, key or os.environ["${KEY_VAR}"]
        self.token, self.expires_at = None, 0.0

    def _fetch(self, min_valid=60):
        r = httpx.post(f"{self.portal}/api/v1/token", json={"min_valid_seconds": min_valid},
                       headers={"Authorization": f"Bearer {self.key}"}, timeout=30)
        if r.is_error:
            raise RuntimeError(f"token broker: {r.status_code} {r.json().get('message')}")
        body = r.json()
        self.token, self.expires_at = body["access_token"], time.time() + body["expires_in"]

    def auth_flow(self, request):
        if self.token is None or time.time() > self.expires_at - 60:
            self._fetch()
        request.headers["Authorization"] = f"AnaplanAuthToken {self.token}"
        response = yield request
        if response.status_code == 401:
            self._fetch()
            request.headers["Authorization"] = f"AnaplanAuthToken {self.token}"
            yield request

# With anaplan-sdk: anaplan_sdk.Client(auth=PortalAuth(), workspace_id=..., model_id=...)
with httpx.Client(auth=PortalAuth()) as client:
    me = client.get("${meUrl}")
    me.raise_for_status()
    print(me.json())
`,
});

const pythonPackage = ({ portalUrl, meUrl }: Vars): Snippet => ({
  id: "python-package",
  label: "Python (anaplan_portal)",
  language: "python",
  code: `# pip install ./clients/python (from the portal's repository); works with httpx, anaplan-sdk and requests
import httpx
from anaplan_portal import PortalAuth

auth = PortalAuth("${portalUrl}")  # the key comes from ANAPLAN_PORTAL_KEY
with httpx.Client(auth=auth) as client:  # or anaplan_sdk.Client(auth=auth, …), or requests: session.auth = auth
    me = client.get("${meUrl}")
    me.raise_for_status()
    print(me.json())
`,
});

const nodePackage = ({ portalUrl, meUrl }: Vars): Snippet => ({
  id: "node-package",
  label: "Node.js (anaplan-portal)",
  language: "javascript",
  code: `// npm install ./clients/node (from the portal's repository); an ES module (e.g. me.mjs)
import { portalFetch } from "anaplan-portal";

const anaplan = portalFetch({ portalUrl: "${portalUrl}" }); // the key comes from ANAPLAN_PORTAL_KEY
const me = await anaplan("${meUrl}");
if (!me.ok) throw new Error(\`Anaplan: \${me.status}\`);
console.log(JSON.stringify(await me.json()));
`,
});

const cli = ({ portalUrl, meUrl, shellKey }: Vars): Snippet => ({
  id: "cli",
  label: "Shell (anaplan-portal)",
  language: "bash",
  code: `${shellKey}export ANAPLAN_PORTAL_URL='${portalUrl}'
# npm install ./clients/node provides anaplan-portal; exec keeps $ANAPLAN_TOKEN_FILE current for long jobs
anaplan-portal exec -- sh -c 'curl -sS --fail-with-body "${meUrl}" -H "Authorization: AnaplanAuthToken $ANAPLAN_TOKEN"'
`,
});

const anaplanConnect = ({ portalUrl, apiUrl, shellKey, user }: Vars): Snippet => ({
  id: "anaplan-connect",
  label: "Anaplan Connect",
  language: "bash",
  code: `${shellKey}# Anaplan Connect: the portal is its auth service, and the identity's API key is the password.
# The user name is only a label (it is recorded in the portal's audit trail).
./AnaplanClient.sh \\
  -auth "${portalUrl}/anaplan-auth" \\
  -service "${apiUrl}/" \\
  -user "${user}:$ANAPLAN_PORTAL_KEY" \\
  -workspace "<workspace id>" -model "<model id>" \\
  -import "<import name>" -execute
`,
});

export function brokerSnippets({ portalUrl, apiUrl, key, identityName }: SnippetInput): Snippet[] {
  const vars: Vars = {
    portalUrl,
    apiUrl,
    user: (identityName ?? "script").replace(/[^\w.@-]/g, "-"),
    tokenUrl: `${portalUrl}/api/v1/token`,
    meUrl: `${apiUrl}/2/0/users/me`,
    shellKey: key ? `export ${KEY_VAR}='${key}'\n` : "",
    psKey: key ? `$env:${KEY_VAR} = '${key}'\n` : "",
  };
  return [pythonPackage, nodePackage, cli, anaplanConnect, curl, python, node, powershell, anaplanSdk].map((snippet) =>
    snippet(vars),
  );
}
