// Every row of every table as JSON text: what a database dump would show someone who got hold of it.
import pg from "pg";

export async function dumpDatabase(connectionString: string): Promise<string> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const tables = await client.query<{ name: string }>(
      `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'`,
    );
    let dump = "";
    for (const { name } of tables.rows) {
      const rows = await client.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM "${name}" t`);
      dump += `${rows.rows.map((r) => r.row).join("\n")}\n`;
    }
    return dump;
  } finally {
    await client.end();
  }
}

/** A token as it could appear if leaked: raw, base64, hex or URL-encoded. */
export const leakedForms = (token: string) => [
  token,
  Buffer.from(token).toString("base64"),
  Buffer.from(token).toString("hex"),
  encodeURIComponent(token),
];
