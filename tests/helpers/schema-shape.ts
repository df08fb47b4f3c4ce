// One comparable description of a database schema, built either from Prisma's DMMF or from a live database's
// catalog, so the drift test can say "these differ" with a readable diff.
import pg from "pg";

export type Shape = {
  enums: Record<string, string[]>;
  tables: Record<
    string,
    { columns: Record<string, string>; primaryKey: string[]; indexes: string[]; foreignKeys: string[] }
  >;
};

type DmmfField = {
  name: string;
  dbName?: string | null;
  kind: "scalar" | "object" | "enum" | "unsupported";
  type: string;
  isRequired: boolean;
  isList: boolean;
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
};
type DmmfModel = { name: string; dbName: string | null; fields: DmmfField[]; primaryKey: { fields: string[] } | null };
export type Datamodel = {
  enums: { name: string; dbName: string | null; values: { name: string; dbName: string | null }[] }[];
  models: DmmfModel[];
  indexes: { model: string; type: "id" | "unique" | "normal" | "fulltext"; fields: { name: string }[] }[];
};

const SCALAR_TYPES: Record<string, string> = {
  String: "text",
  Boolean: "boolean",
  Int: "integer",
  BigInt: "bigint",
  Float: "double precision",
  Bytes: "bytea",
  Json: "jsonb",
  DateTime: "timestamp(3) without time zone",
};
const NATIVE_TYPES: Record<string, (args: string[]) => string> = {
  Uuid: () => "uuid",
  Text: () => "text",
  Timestamptz: (args) => `timestamp(${args[0] ?? 6}) with time zone`,
  Timestamp: (args) => `timestamp(${args[0] ?? 6}) without time zone`,
};

export function shapeFromDmmf(dm: Datamodel): Shape {
  const enumDbName = new Map(dm.enums.map((e) => [e.name, e.dbName ?? e.name]));
  const tableOf = new Map(dm.models.map((m) => [m.name, m]));
  const column = (model: DmmfModel, field: string) => {
    const f = model.fields.find((x) => x.name === field);
    return f?.dbName ?? field;
  };
  const shape: Shape = { enums: {}, tables: {} };
  for (const e of dm.enums) shape.enums[e.dbName ?? e.name] = e.values.map((v) => v.dbName ?? v.name);
  for (const model of dm.models) {
    const columns: Record<string, string> = {};
    const foreignKeys: string[] = [];
    for (const f of model.fields) {
      if (f.kind === "object") {
        if (f.relationFromFields?.length) {
          const target = tableOf.get(f.type);
          if (!target) throw new Error(`unknown relation target ${f.type}`);
          const from = f.relationFromFields.map((x) => column(model, x)).join(",");
          const to = (f.relationToFields ?? []).map((x) => column(target, x)).join(",");
          foreignKeys.push(`(${from}) -> ${target.dbName ?? target.name}(${to}) on delete ${onDelete(f)}`);
        }
        continue;
      }
      let type: string;
      if (f.kind === "enum") type = enumDbName.get(f.type) ?? f.type;
      else if (f.nativeType) type = NATIVE_TYPES[f.nativeType[0]]?.(f.nativeType[1]) ?? f.nativeType[0];
      else type = SCALAR_TYPES[f.type] ?? f.type;
      if (f.isList) type += "[]";
      columns[f.dbName ?? f.name] = `${type}${f.isRequired ? " not null" : ""}`;
    }
    const indexes = dm.indexes
      .filter((i) => i.model === model.name && i.type !== "id")
      .map(
        (i) => `${i.type === "unique" ? "unique" : "index"} (${i.fields.map((x) => column(model, x.name)).join(",")})`,
      );
    shape.tables[model.dbName ?? model.name] = {
      columns,
      primaryKey: (model.primaryKey?.fields ?? model.fields.filter((f) => isId(dm, model, f)).map((f) => f.name)).map(
        (x) => column(model, x),
      ),
      indexes: indexes.sort(),
      foreignKeys: foreignKeys.sort(),
    };
  }
  return shape;
}

const isId = (dm: Datamodel, model: DmmfModel, f: DmmfField) =>
  dm.indexes.some(
    (i) => i.model === model.name && i.type === "id" && i.fields.length === 1 && i.fields[0]?.name === f.name,
  );

// Prisma's defaults: SetNull for optional relations, Restrict for required ones.
const onDelete = (f: DmmfField) =>
  (f.relationOnDelete ?? (f.isRequired ? "Restrict" : "SetNull")).replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();

const CONFDELTYPE: Record<string, string> = {
  a: "no action",
  r: "restrict",
  c: "cascade",
  n: "set null",
  d: "set default",
};

export async function shapeFromDatabase(connectionString: string): Promise<Shape> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const shape: Shape = { enums: {}, tables: {} };
    const enums = await client.query<{ name: string; values: string[] }>(`
      SELECT t.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS values
      FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = 'public' GROUP BY t.typname`);
    for (const e of enums.rows) shape.enums[e.name] = e.values;
    const columns = await client.query<{ table: string; column: string; type: string; not_null: boolean }>(`
      SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
        AND c.relname <> '_prisma_migrations'
      ORDER BY c.relname, a.attnum`);
    for (const c of columns.rows) {
      const table = shape.tables[c.table] ?? { columns: {}, primaryKey: [], indexes: [], foreignKeys: [] };
      shape.tables[c.table] = table;
      table.columns[c.column] = `${c.type}${c.not_null ? " not null" : ""}`;
    }
    // Partial indexes (WHERE …) cannot be expressed in schema.prisma; they live in the SQL only, on purpose.
    const indexes = await client.query<{ table: string; primary: boolean; unique: boolean; columns: string[] }>(`
      SELECT t.relname AS table, i.indisprimary AS primary, i.indisunique AS unique,
             array_agg(a.attname::text ORDER BY k.ord) AS columns
      FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
      CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
      WHERE n.nspname = 'public' AND t.relname <> '_prisma_migrations' AND i.indpred IS NULL
      GROUP BY t.relname, i.indexrelid, i.indisprimary, i.indisunique`);
    for (const i of indexes.rows) {
      const table = shape.tables[i.table];
      if (!table) continue;
      if (i.primary) table.primaryKey = i.columns;
      else table.indexes.push(`${i.unique ? "unique" : "index"} (${i.columns.join(",")})`);
    }
    const fks = await client.query<{
      table: string;
      columns: string[];
      target: string;
      target_columns: string[];
      del: string;
    }>(`
      SELECT t.relname AS table, f.relname AS target, c.confdeltype AS del,
        (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(c.conkey) WITH ORDINALITY k(n, ord)
           JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n) AS columns,
        (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(c.confkey) WITH ORDINALITY k(n, ord)
           JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n) AS target_columns
      FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class f ON f.oid = c.confrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE c.contype = 'f' AND n.nspname = 'public'`);
    for (const fk of fks.rows) {
      shape.tables[fk.table]?.foreignKeys.push(
        `(${fk.columns.join(",")}) -> ${fk.target}(${fk.target_columns.join(",")}) on delete ${CONFDELTYPE[fk.del]}`,
      );
    }
    for (const t of Object.values(shape.tables)) {
      t.indexes.sort();
      t.foreignKeys.sort();
    }
    return shape;
  } finally {
    await client.end();
  }
}
