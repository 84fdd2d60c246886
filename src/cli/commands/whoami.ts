// facetsctl whoami: who the control plane says we are, and which control plane that is, and why that one.
import type { Command } from 'commander';
import { escapeControls } from '../display';
import { describeControlPlane, type ControlPlaneInUse, type Factory } from '../factory';

export type WhoamiOptions = Record<string, never>;

export interface WhoamiResult {
  username: string;
  name: string;
  controlPlane: ControlPlaneInUse;
}

export async function run(_opts: WhoamiOptions, f: Factory): Promise<WhoamiResult> {
  const cp = await f.controlPlane();
  const controlPlane = await f.controlPlaneInUse();
  const me = await cp.whoami();
  const result: WhoamiResult = { username: me.username, name: me.name, controlPlane };
  if (f.io.json) f.io.printJson(result);
  else {
    // The control plane's answer is echoed: a control character in it must not reach the terminal.
    f.io.println(`${f.io.color.bold(escapeControls(me.username))}${me.name && me.name !== me.username ? ` (${escapeControls(me.name)})` : ''}`);
    f.io.println(`control plane: ${describeControlPlane(controlPlane)}`);
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
