// facetsctl whoami: who the control plane says we are, and which control plane that is.
import type { Command } from 'commander';
import { escapeControls } from '../display';
import type { Factory } from '../factory';

export type WhoamiOptions = Record<string, never>;

export interface WhoamiResult {
  username: string;
  name: string;
  controlPlane: { kind: 'embedded' | 'remote'; url: string | null; profile: string | null };
}

export async function run(_opts: WhoamiOptions, f: Factory): Promise<WhoamiResult> {
  const target = f.controlPlaneTarget();
  const cp = await f.controlPlane();
  const me = await cp.whoami();
  const result: WhoamiResult = {
    username: me.username,
    name: me.name,
    controlPlane:
      target.kind === 'remote'
        ? { kind: 'remote', url: target.url, profile: target.source === 'profile' ? f.profileName() : null }
        : { kind: 'embedded', url: null, profile: null },
  };
  if (f.io.json) f.io.printJson(result);
  else {
    const where = target.kind === 'remote' ? target.url : 'embedded control plane';
    // The control plane's answer is echoed: a control character in it must not reach the terminal.
    f.io.println(`${f.io.color.bold(escapeControls(me.username))}${me.name && me.name !== me.username ? ` (${escapeControls(me.name)})` : ''} on ${where}`);
  }
  return result;
}

export function define(parent: Command, f: Factory): Command {
  return parent
    .command('whoami')
    .description('Show the user and the control plane this command line talks to')
    .addHelpText('after', '\nExamples:\n  $ facetsctl whoami\n  $ facetsctl --profile ci --json whoami\n')
    .action(async () => {
      await run({}, f);
    });
}
