// Whether a control plane offers facetsctl's extensions: asked once (GET /cc-ui/v1/facetsctl/capabilities), remembered
// per control-plane URL in a small file, and asked again after a call to it fails.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FacetsError } from '../../core/errors';
import { V1, type FacetsSession } from './session';

export interface Capabilities {
  extensions: boolean;
  /** serve's version when it says; null for a Facets control plane. */
  version: string | null;
  /** Whether writes answer `Prefer: return=representation`; absent until a write said. */
  representation?: boolean;
}

interface CapabilitiesWire {
  name?: string;
  version?: string;
  extensions?: number;
}

/** A path the control plane does not have (Facets' Spring 404, fastify's route 404): no error code of ours in the body. */
export function isMissingRoute(e: unknown): boolean {
  return e instanceof FacetsError && e.kind === 'NOT_FOUND' && e.details?.status === 404 && e.details?.code === undefined;
}

export async function discover(s: FacetsSession): Promise<Capabilities> {
  try {
    const w = await s.get<CapabilitiesWire>(`${V1}/facetsctl/capabilities`);
    const offered = w !== null && typeof w === 'object' && w.name === 'facetsctl' && Number(w.extensions) >= 1;
    return { extensions: offered, version: offered && typeof w.version === 'string' ? w.version : null };
  } catch (e) {
    // Any 404 here: the control plane has no such path, whatever its error body says.
    if (e instanceof FacetsError && e.details?.status === 404) return { extensions: false, version: null };
    throw e;
  }
}

/** URL -> capabilities, in one JSON file; unreadable or absent is empty, and a failed write only costs a request later. */
export class CapabilitiesMemory {
  constructor(private readonly file?: string) {}

  get(url: string): Capabilities | undefined {
    const entry = this.read()[url];
    if (!entry || typeof entry.extensions !== 'boolean') return undefined;
    const known: Capabilities = { extensions: entry.extensions, version: entry.version ?? null };
    if (typeof entry.representation === 'boolean') known.representation = entry.representation;
    return known;
  }

  set(url: string, capabilities: Partial<Capabilities>): void {
    this.update((all) => {
      all[url] = { ...all[url], ...capabilities, checkedAt: new Date().toISOString() } as Capabilities;
    });
  }

  forget(url: string): void {
    if (this.get(url) !== undefined) this.update((all) => delete all[url]);
  }

  private read(): Record<string, Capabilities & { checkedAt?: string }> {
    if (!this.file) return {};
    try {
      const parsed = JSON.parse(fs.readFileSync(this.file, 'utf8')) as unknown;
      return parsed && typeof parsed === 'object' ? (parsed as Record<string, Capabilities>) : {};
    } catch {
      return {};
    }
  }

  private update(change: (all: Record<string, Capabilities & { checkedAt?: string }>) => void): void {
    if (!this.file) return;
    const all = this.read();
    change(all);
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      // Written whole and renamed: concurrent commands never read half a file.
      const temp = `${this.file}.${process.pid}.tmp`;
      fs.writeFileSync(temp, `${JSON.stringify(all, null, 2)}\n`);
      fs.renameSync(temp, this.file);
    } catch {
      // A cache that cannot be written is asked again next time.
    }
  }
}
