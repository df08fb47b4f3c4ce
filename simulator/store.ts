// oidc-provider's storage, in memory, with the one thing its built-in adapter lacks: a way to find every
// token of a grant, so the operator API can revoke grants the way an Anaplan admin would.
type Payload = Record<string, unknown> & { grantId?: string; userCode?: string; uid?: string; consumed?: number };

export function createStore() {
  const models = new Map<string, Map<string, { payload: Payload; expiresAt: number }>>();
  const table = (name: string) => {
    let t = models.get(name);
    if (!t) {
      t = new Map();
      models.set(name, t);
    }
    return t;
  };
  const live = (entry: { payload: Payload; expiresAt: number } | undefined) =>
    entry && entry.expiresAt > Date.now() ? entry.payload : undefined;

  class Adapter {
    constructor(readonly name: string) {}
    async upsert(id: string, payload: Payload, expiresIn: number) {
      table(this.name).set(id, { payload, expiresAt: Date.now() + expiresIn * 1000 });
    }
    async find(id: string) {
      return live(table(this.name).get(id));
    }
    async findByUserCode(userCode: string) {
      return [...table(this.name).values()].map(live).find((p) => p?.userCode === userCode);
    }
    async findByUid(uid: string) {
      return [...table(this.name).values()].map(live).find((p) => p?.uid === uid);
    }
    async consume(id: string) {
      const entry = table(this.name).get(id);
      if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
    }
    async destroy(id: string) {
      table(this.name).delete(id);
    }
    async revokeByGrantId(grantId: string) {
      for (const [id, entry] of table(this.name)) if (entry.payload.grantId === grantId) table(this.name).delete(id);
    }
  }

  return {
    Adapter,
    /** Ends a grant the way an Anaplan admin would: every token issued under it stops working. */
    revokeGrant(grantId: string) {
      table("Grant").delete(grantId);
      for (const t of models.values()) for (const [id, e] of t) if (e.payload.grantId === grantId) t.delete(id);
    },
    /** Ids of the grants matching a predicate, for the operator API. */
    grants: (match: (payload: Payload) => boolean) =>
      [...table("Grant").entries()].filter(([, e]) => match(e.payload)).map(([id]) => id),
  };
}
