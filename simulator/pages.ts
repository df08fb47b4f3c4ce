// The simulator's own HTML: a login page and a device verification page. Self-contained (no fonts, scripts or
// styles from elsewhere: there is no network), escaped, and labelled as a simulator.
import { USERS } from "./accounts";

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);

function page(title: string, body: string) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · Anaplan simulator</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;background:#f1f5f9;color:#0f172a;margin:0}
main{max-width:28rem;margin:3rem auto;background:#fff;padding:2rem;border-radius:.75rem;box-shadow:0 1px 3px #0002}
.badge{display:inline-block;background:#fef3c7;color:#78350f;border:1px solid #fcd34d;border-radius:999px;padding:.1rem .6rem;font-size:.75rem;font-weight:600;text-transform:uppercase}
label{display:block;margin-top:1rem;font-weight:600;font-size:.9rem}
input{display:block;width:100%;box-sizing:border-box;margin-top:.25rem;padding:.5rem;border:1px solid #94a3b8;border-radius:.375rem;font-size:1rem}
button{margin-top:1.25rem;margin-right:.5rem;padding:.55rem 1.1rem;border-radius:.375rem;border:0;font-weight:600;font-size:.95rem;cursor:pointer}
.primary{background:#1f5fbf;color:#fff}.secondary{background:#e2e8f0;color:#0f172a}
.error{background:#fef2f2;color:#991b1b;border:1px solid #fecaca;padding:.6rem;border-radius:.375rem}
.ok{background:#ecfdf5;color:#065f46;border:1px solid #a7f3d0;padding:.6rem;border-radius:.375rem}
table{font-size:.8rem;margin-top:1.5rem;border-collapse:collapse}td{padding:.15rem .5rem .15rem 0;color:#475569}
</style></head><body><main><span class="badge">Anaplan simulator</span><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

const accounts = () =>
  `<table><caption style="text-align:left;font-size:.8rem;color:#475569">Seeded accounts (simulator only)</caption>${Object.values(
    USERS,
  )
    .map(
      (u) => `<tr><td>${escapeHtml(u.email)}</td><td>${escapeHtml(u.password)}</td><td>${u.sso ? "SSO" : ""}</td></tr>`,
    )
    .join("")}</table>`;

const message = (error?: string, ok?: string) =>
  `${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ""}${ok ? `<p class="ok" role="status">${escapeHtml(ok)}</p>` : ""}`;

export function loginPage(action: string, clientName: string, error?: string) {
  return page(
    "Sign in to Anaplan",
    `<p>${escapeHtml(clientName)} asks to use your Anaplan account.</p>${message(error)}
<form method="post" action="${escapeHtml(action)}">
<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button class="primary" type="submit" name="action" value="login">Sign in</button>
<button class="secondary" type="submit" name="action" value="deny" formnovalidate>Deny</button>
</form>${accounts()}`,
  );
}

export function devicePage(userCode: string, result?: { error?: string; ok?: string }) {
  if (result?.ok) return page("Device authorized", message(undefined, result.ok));
  return page(
    "Authorize a device",
    `<p>Check that the code matches the one the application shows you, then sign in to approve it.</p>${message(result?.error)}
<form method="post" action="/activate">
<label for="user_code">Code</label><input id="user_code" name="user_code" value="${escapeHtml(userCode)}" required autocomplete="off">
<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password">
<button class="primary" type="submit" name="action" value="approve">Approve</button>
<button class="secondary" type="submit" name="action" value="deny">Deny</button>
</form>${accounts()}`,
  );
}

/**
 * oidc-provider's logout form, submitted at once with logout=yes (end the whole session): the user already chose
 * to sign out in the portal. The button is there for browsers without scripts.
 */
export function signingOutPage(form: string) {
  const submitting = form.replace("</form>", '<input type="hidden" name="logout" value="yes"></form>');
  return page(
    "Signing out",
    `${submitting}<button class="primary" type="submit" form="op.logoutForm">Sign out of Anaplan</button>
<script>document.getElementById("op.logoutForm").submit()</script>`,
  );
}

export function signedOutPage() {
  return page("Signed out", message(undefined, "You are signed out of the Anaplan simulator."));
}

/** The test CA's certificate and a form that signs a pasted CSR: the demo's stand-in for a company's CA. */
export function certificatesPage(caPem: string, result?: { certificate?: string; error?: string }) {
  const issued = result?.certificate
    ? `<p class="ok" role="status">Signed. Upload this certificate to the portal:</p>
<label for="certificate">Certificate (PEM)</label><textarea id="certificate" readonly rows="12" style="width:100%;font-family:monospace;font-size:.7rem">${escapeHtml(result.certificate)}</textarea>`
    : "";
  return page(
    "Test certificate authority",
    `<p>This simulator trusts one CA, made when it started. Have it sign a certificate signing request (CSR), as your company's CA would.</p>${message(result?.error)}${issued}
<form method="post" action="/certificates">
<label for="csr">Certificate signing request (PEM)</label><textarea id="csr" name="csr" rows="8" required style="width:100%;font-family:monospace;font-size:.7rem"></textarea>
<button class="primary" type="submit">Sign with the test CA</button>
</form>
<p><a href="/certificates/ca.pem" download>Download the test CA's certificate</a></p>
<details><summary>The CA's certificate</summary><pre style="font-size:.65rem;white-space:pre-wrap">${escapeHtml(caPem)}</pre></details>`,
  );
}
