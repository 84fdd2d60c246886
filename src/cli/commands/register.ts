// facetsctl register: verify an image in its registry, pin it by digest, and register it for a service.
import type { Command } from 'commander';
import { parseImageReference } from '../../core/image-reference';
import { startRegistrationInputs } from '../../workflow/inputs';
import { registerImage, type RegisterOutput } from '../../workflow/register';
import type { Factory } from '../factory';
import { requireService, resolveProject } from '../inputs';
import { printRegisterResult, registrationOptions, type RegistrationOptions } from '../registration';
import { reportWorkflow } from '../workflow-events';

export interface RegisterOptions extends RegistrationOptions {
  image: string;
  /** false with --no-verify */
  verify: boolean;
}

export async function run(opts: RegisterOptions, f: Factory): Promise<RegisterOutput> {
  const image = parseImageReference(opts.image);
  // git is asked while the control plane opens; its answer (or "no git ref found") counts once the service is known.
  const inputs = startRegistrationInputs(opts, f);
  const cp = await f.controlPlane();
  const project = await resolveProject(f, cp);
  const service = await requireService(f, cp, project, opts.service);
  const out = await registerImage(f, cp, { ...opts, project, service, image, inputs }, reportWorkflow(f));
  printRegisterResult(out, f);
  return out;
}

export function define(parent: Command, f: Factory): Command {
  return registrationOptions(
    parent
      .command('register <image>')
      .description('Verify an image in its registry, pin it by digest and register it for a service (routed by the CI/CD rules)')
      .option('-s, --service <name>', 'service (resource) the image is for'),
  )
    .option('--registry <name>', 'project registry holding the image (default: matched by host)')
    .option('--no-verify', 'do not check the image in the registry (it may fail to pull at deploy time)')
    .option('--require-route', 'fail instead of storing the artifact unrouted when no rule matches')
    .addHelpText(
      'after',
      `
Examples:
  $ facetsctl register 127.0.0.1:5000/shop/checkout:1.4.2 --service checkout              # branch from CI vars or git
  $ facetsctl register 127.0.0.1:5000/shop/checkout:1.4.2 -s checkout --git-ref release/1.4
  $ facetsctl register 127.0.0.1:5000/shop/checkout:1.4.2 -s checkout --environment dev -m COMMIT_SHA=3f2a9c1
  $ facetsctl --json register gcr.io/acme/cart:2.0.0 -s cart --release-stream QA --require-route`,
    )
    .action(async (image: string, opts: Omit<RegisterOptions, 'image'>) => {
      await run({ ...opts, image }, f);
    });
}
