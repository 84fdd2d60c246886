// facetsctl whoami: who the control plane says we are, and which control plane that is, and why that one.
import type { Command } from 'commander';
import { escapeControls } from '../display';
import type { ControlPlaneApi } from '../../api/control-plane';
import { describeControlPlane, type ControlPlaneInUse, type Factory } from '../factory';

export type WhoamiOptions = Record<string, never>;

export interface WhoamiResult {
  username: string;
  name: string;
  controlPlane: ControlPlaneInUse;
  /** The API it speaks: Facets' reference, with facetsctl's extensions or without (then `history` is not offered). */
  api: ControlPlaneApi;
}

const IN_PROCESS: ControlPlaneApi = { name: 'in-process', extensions: true, serverVersion: null };

export function describeApi(api: ControlPlaneApi): string {
  if (api.name === 'in-process') return 'in-process (every operation, no HTTP)';
  if (api.extensions) return `Facets API with facetsctl's extensions${api.serverVersion ? ` (facetsctl serve ${api.serverVersion})` : ''}`;
  return "Facets API only, without facetsctl's extensions (`history` is not offered; see README \"Against a Facets control plane\")";
}

export async function run(_opts: WhoamiOptions, f: Factory): Promise<WhoamiResult> {
  const cp = await f.controlPlane();
  const controlPlane = await f.controlPlaneInUse();
  const [me, api] = await Promise.all([cp.whoami(), cp.api ? cp.api() : IN_PROCESS]);
  const result: WhoamiResult = { username: me.username, name: me.name, controlPlane, api };
  if (f.io.json) f.io.printJson(result);
  else {
    // The control plane's answer is echoed: a control character in it must not reach the terminal.
    f.io.println(`${f.io.color.bold(escapeControls(me.username))}${me.name && me.name !== me.username ? ` (${escapeControls(me.name)})` : ''}`);
    f.io.println(`control plane: ${describeControlPlane(controlPlane)}`);
    f.io.println(`api: ${describeApi(api)}`);
  }
  return result;
}

export function define(parent: Command, f: Factory): Command {
  return parent
    .command('whoami')
    .description('Show the user and the control plane this command line talks to, and why that one')
    .addHelpText('after', '\nExamples:\n  $ facetsctl whoami\n  $ facetsctl --profile ci --json whoami\n')
    .action(async () => {
      await run({}, f);
    });
}
