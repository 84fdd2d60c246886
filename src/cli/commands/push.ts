// facetsctl push: tag a local image for a project registry, push it through the Docker engine,
// check the digest in the registry, then register it exactly as `facetsctl register` does.
import type { Command } from 'commander';
import type { ContainerRegistry } from '../../core/model';
import { sourceReference } from '../../workflow/plan';
import { inspectLocalImage, nextTurn } from '../../workflow/push';
import { pushAndRegister, type PushOutput } from '../../workflow/push-and-register';
import type { Factory } from '../factory';
import { requireChoice, requireService, resolveProject } from '../inputs';
import { printRegisterResult, registrationOptions, type RegistrationOptions } from '../registration';
import { reportWorkflow } from '../workflow-events';

export interface PushOptions extends RegistrationOptions {
  /** The local image: name[:tag] or image id. */
  image: string;
  repository?: string;
  tag?: string;
  /** false with --no-push: register only (verification included). */
  push: boolean;
  keepTag?: boolean;
}

/** Several registries and none named: asked on a TTY, else a usage error listing them. */
async function askRegistry(f: Factory, offered: ContainerRegistry[]): Promise<ContainerRegistry> {
  const chosen = await requireChoice(f, undefined, '--registry', 'Registry to push to', offered.map((r) => ({ name: `${r.name} (${r.uri})`, value: r.name })));
  return offered.find((r) => r.name === chosen)!;
}

export async function run(opts: PushOptions, f: Factory): Promise<PushOutput> {
  const source = sourceReference(opts.image);
  const localSide = opts.push ? inspectLocalImage(f, opts.image) : null;
  if (localSide) await nextTurn();
  const cp = await f.controlPlane();
  f.debug('control plane open');
  const project = await resolveProject(f, cp);
  const service = await requireService(f, cp, project, opts.service);
  const out = await pushAndRegister(f, cp, { ...opts, project, service, source }, localSide, {
    chooseRegistry: (offered) => askRegistry(f, offered),
    onEvent: reportWorkflow(f),
  });
  printRegisterResult(out, f, { pushed: out.pushed, skipped: out.skipped, digest: out.artifact.digest });
  return out;
}

export function define(parent: Command, f: Factory): Command {
  return registrationOptions(
    parent
      .command('push <image>')
      .description('Push a local image to a project registry through the Docker engine, then register it for a service')
      .option('-s, --service <name>', 'service (resource) the image is for')
      .option('--registry <name>', 'project registry to push to (default: the one the image is named under, else the only one)')
      .option('--repository <repo>', 'repository in the registry (default: <project>/<service>)')
      .option('-t, --tag <tag>', 'tag to push as (default: the local image\'s tag)'),
  )
    .option('--require-route', 'fail instead of storing the artifact unrouted when no rule matches')
    .option('--no-push', 'do not push: register the image already in the registry (verified)')
    .option('--keep-tag', 'keep the registry tag made in the local engine')
    .addHelpText(
      'after',
      `
Examples:
  $ facetsctl push checkout:1.4.2 --service checkout                               # the only registry, repository shop/checkout
  $ facetsctl push checkout:build --service checkout --tag 1.4.2 --git-ref main
  $ facetsctl push 3f2a9c1d5e7b --service cart --registry gcr --repository acme/cart --tag 2.0.0 --environment dev
  $ facetsctl --json push checkout:1.4.2 -s checkout --release-stream QA
  $ facetsctl push checkout:1.4.2 -s checkout --no-push                            # register what is already in the registry

Environment: DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH (the engine), DOCKER_CONFIG (registry credentials).`,
    )
    .action(async (image: string, opts: Omit<PushOptions, 'image'>) => {
      await run({ ...opts, image }, f);
    });
}
