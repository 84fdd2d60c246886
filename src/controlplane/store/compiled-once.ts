// Building a kysely query (frozen operation nodes, parsed references, then compiled) costs more CPU than SQLite takes to
// run it. The statements every registration runs are built once per dialect, with a marker for each value, and then
// run with each call's values in the markers' places.
import type { Compilable, CompiledQuery, Insertable, Kysely, QueryResult } from 'kysely';
import type { Database } from './schema';

const MARKER = '\u0000facetsctl-value-';

type Slot = { value: number } | { constant: unknown };

interface Template {
  compiled: CompiledQuery;
  slots: Slot[];
}

/** A statement of `count` values, built by `build` (given the markers in their places) once per dialect. */
export function compiledOnce<R>(count: number, build: (db: Kysely<Database>, values: readonly string[]) => Compilable<R>) {
  // Keyed by the dialect's adapter, which a transaction's Kysely shares with its database's.
  const templates = new WeakMap<object, Template>();
  return async (db: Kysely<Database>, values: readonly unknown[]): Promise<QueryResult<R>> => {
    const dialect = db.getExecutor().adapter;
    let template = templates.get(dialect);
    if (!template) templates.set(dialect, (template = templateOf(db, count, build)));
    // undefined is no SQL value: a column given nothing is null, as kysely would have left it out.
    const parameters = template.slots.map((slot) => ('value' in slot ? (values[slot.value] ?? null) : slot.constant));
    return db.executeQuery<R>({ ...template.compiled, parameters } as CompiledQuery<R>);
  };
}

function templateOf(db: Kysely<Database>, count: number, build: (db: Kysely<Database>, values: readonly string[]) => Compilable<unknown>): Template {
  const markers = Array.from({ length: count }, (_, i) => `${MARKER}${i}`);
  const compiled = build(db, markers).compile();
  const slots = compiled.parameters.map((p): Slot => (typeof p === 'string' && p.startsWith(MARKER) ? { value: Number(p.slice(MARKER.length)) } : { constant: p }));
  const placed = new Set(slots.flatMap((slot) => ('value' in slot ? [slot.value] : [])));
  // A value kysely inlined into the SQL text, or dropped, would be run with the first call's value forever.
  if (placed.size !== count || compiled.sql.includes(MARKER)) throw new Error(`a statement built once must take each of its ${count} values as a parameter: ${compiled.sql}`);
  return { compiled, slots };
}

/** Statements by shape (e.g. the columns a row has), each made on the first use of its shape. */
export function byShape<S>(): (shape: string, make: () => S) => S {
  const made = new Map<string, S>();
  return (shape, make) => {
    let statement = made.get(shape);
    if (statement === undefined) made.set(shape, (statement = make()));
    return statement;
  };
}

/**
 * `insert into table (…) values (…)`, with `on conflict do nothing` if asked (or the insert `build` makes of a row), built
 * once for each set of columns a row has (in their order); true when the row went in.
 */
export function rowInsert<T extends keyof Database & string>(
  table: T,
  options: { ignoreConflict?: boolean; build?: (db: Kysely<Database>, row: Insertable<Database[T]>) => Compilable<unknown> } = {},
) {
  const statementFor = byShape<ReturnType<typeof compiledOnce>>();
  const insert = (db: Kysely<Database>, row: Insertable<Database[T]>): Compilable<unknown> => {
    if (options.build) return options.build(db, row);
    const plain = db.insertInto(table).values(row as never);
    return options.ignoreConflict ? plain.onConflict((oc) => oc.doNothing()) : plain;
  };
  return async (db: Kysely<Database>, row: Insertable<Database[T]>): Promise<boolean> => {
    const columns = Object.keys(row);
    const statement = statementFor(columns.join(','), () =>
      compiledOnce(columns.length, (kysely, markers) => insert(kysely, Object.fromEntries(columns.map((c, i) => [c, markers[i]])) as Insertable<Database[T]>)),
    );
    const result = await statement(db, Object.values(row));
    return Number(result.numAffectedRows ?? 0) === 1;
  };
}
