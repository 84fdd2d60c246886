// The store's mirror of the blueprint's layout (projects, release streams, environments, resources, registries):
// foreign keys point at it; the blueprint stays the source of truth.
import type { Kysely } from 'kysely';
import type { Project } from '../../core/model';
import type { Database } from './schema';

/** The stored mirror of the layout has exactly `project`'s rows (compared by key order; nothing reads the mirror's order). */
export async function layoutIsStored(db: Kysely<Database>, project: Project): Promise<boolean> {
  const name = project.name;
  if (!(await db.selectFrom('projects').select('name').where('name', '=', name).executeTakeFirst())) return false;
  const same = <T>(rows: T[], expected: T[], key: (row: T) => string) => {
    const sorted = [...expected].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    return JSON.stringify(rows) === JSON.stringify(sorted);
  };
  const streams = await db.selectFrom('release_streams').select(['name', 'prod', 'description']).where('project', '=', name).orderBy('name').execute();
  const wantedStreams = project.releaseStreams.map((s) => ({ name: s.name, prod: s.prod ? 1 : 0, description: s.description ?? null }));
  if (!same(streams, wantedStreams, (r) => r.name)) return false;
  const environments = await db.selectFrom('environments').select(['name', 'id', 'release_stream']).where('project', '=', name).orderBy('name').execute();
  if (!same(environments, project.environments.map((e) => ({ name: e.name, id: e.id, release_stream: e.releaseStream })), (r) => r.name)) return false;
  const resources = await db.selectFrom('resources').select(['resource_type', 'resource_name']).where('project', '=', name).orderBy('resource_name').execute();
  if (!same(resources, project.resources.map((r) => ({ resource_type: r.resourceType, resource_name: r.resourceName })), (r) => r.resource_name)) return false;
  const registries = await db.selectFrom('registries').select(['name', 'id', 'type', 'uri', 'internal', 'insecure']).where('project', '=', name).orderBy('name').execute();
  const wantedRegistries = project.registries.map((r) => ({ name: r.name, id: r.id, type: r.type, uri: r.uri, internal: r.internal ? 1 : 0, insecure: r.insecure ? 1 : 0 }));
  return same(registries, wantedRegistries, (r) => r.name);
}

/** Replaces the mirror of `project`'s layout (inside the caller's transaction). */
export async function writeLayout(db: Kysely<Database>, project: Project, at: string): Promise<void> {
  await db.insertInto('projects').values({ name: project.name, synced_at: at, initial_ci_applied_at: null }).onConflict((oc) => oc.column('name').doUpdateSet({ synced_at: at })).execute();
  for (const table of ['release_streams', 'environments', 'resources', 'registries'] as const) {
    await db.deleteFrom(table).where('project', '=', project.name).execute();
  }
  for (const s of project.releaseStreams) {
    await db.insertInto('release_streams').values({ project: project.name, name: s.name, prod: s.prod ? 1 : 0, description: s.description ?? null }).execute();
  }
  for (const e of project.environments) {
    await db.insertInto('environments').values({ project: project.name, name: e.name, id: e.id, release_stream: e.releaseStream }).execute();
  }
  for (const r of project.resources) {
    await db.insertInto('resources').values({ project: project.name, resource_type: r.resourceType, resource_name: r.resourceName }).execute();
  }
  for (const r of project.registries) {
    await db
      .insertInto('registries')
      .values({ project: project.name, name: r.name, id: r.id, type: r.type, uri: r.uri, internal: r.internal ? 1 : 0, insecure: r.insecure ? 1 : 0 })
      .execute();
  }
}
