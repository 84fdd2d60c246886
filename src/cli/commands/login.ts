// facetsctl login: check the credentials with GET /api/me, then save them as a profile.
import type { Command } from 'commander';
import { FacetsError, usage } from '../../core/errors';
import { credentialsPath, saveProfile } from '../credentials';
import { loadCreateControlPlane, type Factory } from '../factory';
import { requireValue } from '../inputs';

export interface LoginOptions {
  url?: string;
  username?: string;
  token?: string;
  tokenStdin?: boolean;
}

export interface LoginResult {
  profile: string;
  controlPlaneUrl: string;
  username: string;
  name: string;
  credentialsFile: string;
}

export async function run(opts: LoginOptions, f: Factory): Promise<LoginResult> {
  const env = f.env;
  const rawUrl = await requireValue(f, opts.url ?? f.globals.controlPlane ?? env.FACETS_CONTROL_PLANE_URL ?? env.CONTROL_PLANE_URL, '--url', 'Control plane URL');
  const url = normaliseUrl(rawUrl);
  const username = await requireValue(f, opts.username ?? env.FACETS_USERNAME, '--username', 'Username');
  let token = opts.tokenStdin ? (await f.io.readStdin()).trim() : (opts.token ?? env.FACETS_TOKEN);
  if (!token) {
    if (!f.io.canPrompt()) throw usage('--token is required when not running interactively', 'pass --token-stdin (or FACETS_TOKEN) with a personal access token');
    token = await f.prompter.password('Personal access token');
  }

  f.io.startProgress(`Checking credentials with ${url}`);
  const opened = await loadCreateControlPlane()({ controlPlaneUrl: url, username, token, cwd: f.cwd, env, ...f.requestOptions() });
  let me;
  try {
    me = await opened.client.whoami();
  } catch (e) {
    // "run `facetsctl login`" is no help while logging in: say what to check instead.
    if (e instanceof FacetsError && e.kind === 'AUTH') {
      throw new FacetsError('AUTH', e.message, `check the username (${username}) and the personal access token, and that ${url} is the control plane they belong to (for \`facetsctl serve\`, its owner mints one with \`facetsctl serve token\`)`, e.details);
    }
    throw e;
  } finally {
    f.io.stopProgress();
    await opened.close();
  }
  const profile = f.profileName();
  const file = saveProfile(f.homedir, profile, { control_plane_url: url, username, token });
  const result: LoginResult = { profile, controlPlaneUrl: url, username: me.username, name: me.name, credentialsFile: file };
  if (f.io.json) f.io.printJson(result);
  else f.io.println(`Logged in to ${url} as ${f.io.color.bold(me.username)} (profile "${profile}", saved in ${credentialsPath(f.homedir)})`);
  return result;
}

function normaliseUrl(raw: string): string {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw usage(`invalid control plane URL "${raw}"`, 'use http(s)://host[:port], e.g. https://facets.example.com');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw usage(`invalid control plane URL "${raw}": only http and https are supported`);
  if (parsed.username || parsed.password) throw usage('the control plane URL must not contain credentials', 'pass --username and --token-stdin instead');
  return raw.replace(/\/+$/, '');
}

export function define(parent: Command, f: Factory): Command {
  return parent
    .command('login')
    .description('Log in to a remote control plane with a username and a personal access token')
    .option('--url <url>', 'control plane URL (env FACETS_CONTROL_PLANE_URL)')
    .option('-u, --username <name>', 'username (env FACETS_USERNAME)')
    .option('--token <token>', 'personal access token (env FACETS_TOKEN; prefer --token-stdin)')
    .option('--token-stdin', 'read the token from stdin')
    .addHelpText(
      'after',
      `
Examples:
  $ facetsctl login                                   # asks on a terminal
  $ echo "$TOKEN" | facetsctl login --url https://facets.example.com -u alice --token-stdin
  $ FACETS_TOKEN=... facetsctl --profile ci login --url http://127.0.0.1:8080 -u admin

The credentials are checked (GET /api/me) before they are saved to ~/.facets/credentials (mode 0600).`,
    )
    .action(async (opts: LoginOptions) => {
      await run(opts, f);
    });
}
