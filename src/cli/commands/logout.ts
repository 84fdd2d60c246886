// facetsctl logout: forget a profile's credentials.
import type { Command } from 'commander';
import { credentialsPath, removeProfile } from '../credentials';
import type { Factory } from '../factory';

export type LogoutOptions = Record<string, never>;

export async function run(_opts: LogoutOptions, f: Factory): Promise<{ profile: string; removed: boolean }> {
  const profile = f.profileName();
  const removed = removeProfile(f.homedir, profile);
  if (f.io.json) f.io.printJson({ profile, removed });
  else if (removed) f.io.println(`Logged out: removed profile "${profile}" from ${credentialsPath(f.homedir)}`);
  else f.io.println(`Profile "${profile}" was not logged in; nothing to remove`);
  return { profile, removed };
}

export function define(parent: Command, f: Factory): Command {
  return parent
    .command('logout')
    .description('Remove the credentials of a profile (default: "default", or --profile / FACETS_PROFILE)')
    .addHelpText('after', '\nExamples:\n  $ facetsctl logout\n  $ facetsctl --profile staging logout\n')
    .action(async () => {
      await run({}, f);
    });
}
