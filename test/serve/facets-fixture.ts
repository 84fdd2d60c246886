// A real serve behind the validating Facets proxy, spoken to with plain HTTP (fetch) as Facets' own SDK would.
import fs from 'node:fs';
import { startFacetsProxy, type FacetsProxy, type FacetsProxyMode } from '../support/facets-proxy';
import { loadFacetsReference, type FacetsReference } from '../support/facets-reference';
import { makeProjectDir, REGISTRY_CREDENTIALS_ENV } from '../contract/project';
import { makeWorkspace, startServe, type ServeProcess, type Workspace } from '../cli/run-cli';
import { basic } from './http';

export const V1 = '/cc-ui/v1';
export const REPRESENTATION = 'return=representation';

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON; undefined when empty. */
  body: any;
}

export interface SendOptions {
  body?: unknown;
  prefer?: string;
  authorization?: string | null;
}

export interface FacetsFixture {
  serve: ServeProcess;
  proxy: FacetsProxy;
  reference: FacetsReference;
  workspace: Workspace;
  /** Through the proxy, authenticated as the admin unless told otherwise. */
  send(method: string, path: string, options?: SendOptions): Promise<Answer>;
  close(): Promise<void>;
}

export interface FixtureOptions {
  mode?: FacetsProxyMode;
  /** `facetsctl serve` arguments, e.g. --reference-only. */
  serveArgs?: string[];
  /** Replaces the blueprint's registry `local` address (127.0.0.1:5999), e.g. with a running registry's. */
  registryHost?: string;
}

/** The contract project (tests/contract/project.ts) served by `facetsctl serve`, which browses registries for real. */
function contractBlueprint(registryHost: string | undefined): string {
  const project = makeProjectDir('facetsctl-facets-answers-');
  const text = fs.readFileSync(project.blueprint, 'utf8');
  project.remove();
  return registryHost ? text.replace('127.0.0.1:5999', registryHost) : text;
}

export async function startFacetsFixture(options: FixtureOptions = {}): Promise<FacetsFixture> {
  const workspace = makeWorkspace(contractBlueprint(options.registryHost));
  let serve: ServeProcess | undefined;
  try {
    serve = await startServe(workspace, options.serveArgs ?? [], REGISTRY_CREDENTIALS_ENV);
    const reference = await loadFacetsReference();
    const proxy = await startFacetsProxy({ target: { host: '127.0.0.1', port: serve.port }, reference, mode: options.mode ?? 'extensions' });
    const admin = basic('admin', serve.adminToken);
    const running = serve;
    return {
      serve: running,
      proxy,
      reference,
      workspace,
      async send(method, path, { body, prefer, authorization } = {}) {
        const headers: Record<string, string> = {};
        if (authorization !== null) headers.authorization = authorization ?? admin;
        if (prefer) headers.prefer = prefer;
        if (body !== undefined) headers['content-type'] = 'application/json';
        const response = await fetch(`${proxy.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
        const text = await response.text();
        return { status: response.status, headers: response.headers, text, body: text ? JSON.parse(text) : undefined };
      },
      async close() {
        await proxy.close();
        await running.stop();
        workspace.remove();
      },
    };
  } catch (e) {
    await serve?.stop();
    workspace.remove();
    throw e;
  }
}
