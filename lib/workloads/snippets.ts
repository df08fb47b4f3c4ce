// Ready-to-paste recipes for a trusted workload: a GitHub Actions step, a GitLab CI job and a Kubernetes CronJob,
// each getting its platform's job token the documented way, exchanging it at the portal (RFC 8693) and calling
// Anaplan's /2/0/users/me. No secret is stored anywhere: the platform signs a fresh token for every job.

/** The shape components/snippets.tsx shows (the broker's own examples have it too). */
type Snippet = { id: string; label: string; language: string; code: string };

export type WorkloadSnippetInput = { portalUrl: string; apiUrl: string; identity: string; audience: string };

/** The exchange and the Anaplan call, in shell, from `$JWT`; indented for a YAML block. */
function exchangeScript({ portalUrl, apiUrl, identity }: WorkloadSnippetInput, indent: string) {
  return `ANSWER=$(curl -sS --fail-with-body -X POST "${portalUrl}/api/v1/token" \\
  --data-urlencode grant_type=urn:ietf:params:oauth:grant-type:token-exchange \\
  --data-urlencode subject_token_type=urn:ietf:params:oauth:token-type:jwt \\
  --data-urlencode "subject_token=$JWT" \\
  --data-urlencode "audience=${identity}") || { echo "token portal: $ANSWER" >&2; exit 1; }
TOKEN=$(printf '%s' "$ANSWER" | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')
curl -sS --fail-with-body "${apiUrl}/2/0/users/me" -H "Authorization: AnaplanAuthToken $TOKEN"
`
    .split("\n")
    .map((line) => (line ? `${indent}${line}` : line))
    .join("\n");
}

const github = (input: WorkloadSnippetInput): Snippet => ({
  id: "github-actions",
  label: "GitHub Actions",
  language: "yaml",
  code: `# In the workflow: the job may ask GitHub for its OIDC token, and nothing else is needed.
permissions:
  id-token: write
  contents: read
steps:
  - name: Anaplan token from the portal (no stored secret)
    run: |
      JWT=$(curl -sS -H "Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN" \\
        "$ACTIONS_ID_TOKEN_REQUEST_URL&audience=${encodeURIComponent(input.audience)}" \\
        | sed -E 's/.*"value":"([^"]+)".*/\\1/')
${exchangeScript(input, "      ")}`,
});

const gitlab = (input: WorkloadSnippetInput): Snippet => ({
  id: "gitlab-ci",
  label: "GitLab CI",
  language: "yaml",
  code: `anaplan-job:
  id_tokens:
    ANAPLAN_PORTAL_ID_TOKEN:
      aud: ${input.audience}
  script:
    - |
      JWT="$ANAPLAN_PORTAL_ID_TOKEN"
${exchangeScript(input, "      ")}`,
});

const kubernetes = (input: WorkloadSnippetInput): Snippet => ({
  id: "kubernetes",
  label: "Kubernetes CronJob",
  language: "yaml",
  code: `apiVersion: batch/v1
kind: CronJob
metadata:
  name: anaplan-etl
spec:
  schedule: "0 2 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          serviceAccountName: runner   # the service account the policy names
          restartPolicy: Never
          containers:
            - name: etl
              image: curlimages/curl:8.11.1
              command: ["/bin/sh", "-c"]
              args:
                - |
                  JWT=$(cat /var/run/secrets/anaplan-portal/token)
${exchangeScript(input, "                  ")}
              volumeMounts:
                - name: anaplan-portal-token
                  mountPath: /var/run/secrets/anaplan-portal
                  readOnly: true
          volumes:
            - name: anaplan-portal-token
              projected:
                sources:
                  - serviceAccountToken:
                      path: token
                      audience: ${input.audience}
                      expirationSeconds: 600
`,
});

export const workloadSnippets = (input: WorkloadSnippetInput): Snippet[] => [
  github(input),
  gitlab(input),
  kubernetes(input),
];
