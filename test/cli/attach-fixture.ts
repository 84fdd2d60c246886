// A shop project with real registries (open, basic, an internal one) reached through the embedded store or `serve`.
import crypto from 'node:crypto';
import { getInfra } from '../support/infra';
import { uploadImage } from '../support/registry-upload';
import { makeWorkspace, shopBlueprint, startServe, type CliResult, type ServeProcess, type Workspace } from './run-cli';

export type Mode = 'embedded' | 'serve';
export const MODES: Mode[] = ['embedded', 'serve'];

export const REGISTRY_ENV = { LOCAL_BASIC_USER: '', LOCAL_BASIC_PASSWORD: '' };

export interface AttachProject {
  mode: Mode;
  ws: Workspace;
  /** Host of the open registry, e.g. 127.0.0.1:PORT. */
  openHost: string;
  basicHost: string;
  /** A repository name unique to this project, in the open registry. */
  repository: string;
  cli(args: string[], extra?: { env?: Record<string, string>; timeoutMs?: number; input?: string }): Promise<CliResult>;
  /** Uploads a one-layer image to the open (or basic) registry; returns its digest. */
  upload(tag: string, registry?: 'open' | 'basic', repository?: string): Promise<string>;
  close(): Promise<void>;
}

export async function openAttachProject(mode: Mode, name: string): Promise<AttachProject> {
  const infra = getInfra();
  const { open, basic } = infra.registries;
  const credentials = { LOCAL_BASIC_USER: basic.username, LOCAL_BASIC_PASSWORD: basic.password };
  const ws = makeWorkspace(
    shopBlueprint([
      { name: 'local', uri: open.host, insecure: true },
      { name: 'private', uri: basic.host, insecure: true, fromEnv: { username: 'LOCAL_BASIC_USER', password: 'LOCAL_BASIC_PASSWORD' } },
      { name: 'facets-config-auto', uri: `${open.host}/internal`, internal: true, insecure: true },
    ]),
  );
  let serve: ServeProcess | null = null;
  let env: Record<string, string> = credentials;
  if (mode === 'serve') {
    serve = await startServe(ws, [], credentials);
    // The client holds no registry credentials: they come from the control plane.
    env = { FACETS_CONTROL_PLANE_URL: serve.url, FACETS_USERNAME: 'admin', FACETS_TOKEN: serve.adminToken };
  }
  const repository = `attach/${name}-${mode}-${crypto.randomBytes(3).toString('hex')}`;
  return {
    mode,
    ws,
    openHost: open.host,
    basicHost: basic.host,
    repository,
    cli: (args, extra = {}) => ws.run(args, { env: { ...env, ...extra.env }, timeoutMs: extra.timeoutMs, input: extra.input }),
    async upload(tag, registry = 'open', repo = repository) {
      const target = registry === 'open' ? { url: open.url } : { url: basic.url, username: basic.username, password: basic.password };
      // Distinct content per tag, so each tag has its own digest.
      return (await uploadImage(target, repo, tag, [Buffer.from(`${repo}:${tag}:${crypto.randomUUID()}`)])).digest;
    },
    async close() {
      await serve?.stop();
      ws.remove();
    },
  };
}

/** Expects exit 0 and returns the JSON document, showing stderr when it failed. */
export function ok<T = any>(r: CliResult): T {
  if (r.code !== 0) throw new Error(`exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r.json<T>();
}
