// facetsctl push: send a local engine image (or a docker-archive:, oci-archive:, oci: source) to a project registry,
// check the digest in the registry, then register it exactly as `facetsctl register` does.
import type { Command } from 'commander';
import { usage } from '../../core/errors';
import type { ContainerRegistry } from '../../core/model';
import type { Compression } from '../../registry/compress/codec';
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
  viaEngine?: boolean;
  /** As given: checked to be 0-9 before anything else runs. */
  compressionLevel?: string;
  /** As given: gzip or zstd (where the runtime has it), checked before anything else runs. */
  compression?: string;
}

/** --compression-level as a number; a bad one, or one with --via-engine (the engine compresses itself), is a usage error. */
function compressionLevel(opts: PushOptions): number | undefined {
  if (opts.compressionLevel === undefined) return undefined;
  if (!/^[0-9]$/.test(opts.compressionLevel)) throw usage(`--compression-level must be 0 to 9, not "${opts.compressionLevel}"`, 'e.g. --compression-level 1 (fast, the default) or 6 (what docker uses)');
  if (opts.viaEngine) throw usage('--compression-level applies to facetsctl\'s own upload, not to --via-engine', 'drop one of them');
  return Number(opts.compressionLevel);
}

/** Flags that cannot go with a daemonless source. */
function checkSource(opts: PushOptions): void {
  if (!(require('../../registry/image-source/spec') as typeof import('../../registry/image-source/spec')).isSourceSpec(opts.image)) return;
  if (!opts.push) throw usage(`--no-push registers an image already in a registry, not ${opts.image}`, 'name the image as REGISTRY/REPOSITORY:TAG, or drop --no-push');
}

/** Several registries and none named: asked on a TTY, else a usage error listing them. */
async function askRegistry(f: Factory, offered: ContainerRegistry[]): Promise<ContainerRegistry> {
  const chosen = await requireChoice(f, undefined, '--registry', 'Registry to push to', offered.map((r) => ({ name: `${r.name} (${r.uri})`, value: r.name })));
  return offered.find((r) => r.name === chosen)!;
}

/** --compression: gzip or zstd; zstd on a runtime without it, or with --via-engine, is a usage error. */
function compression(opts: PushOptions): Compression | undefined {
  if (opts.compression === undefined) return undefined;
  const chosen = (require('../../registry/compress/codec') as typeof import('../../registry/compress/codec')).checkCompression(opts.compression);
  if (opts.viaEngine) throw usage('--compression applies to facetsctl\'s own upload, not to --via-engine (the engine gzips)', 'drop one of them');
  return chosen;
}

export async function run(opts: PushOptions, f: Factory): Promise<PushOutput> {
  const level = compressionLevel(opts);
  const codec = compression(opts);
  checkSource(opts);
  const source = sourceReference(opts.image);
  const localSide = opts.push ? inspectLocalImage(f, opts.image) : null;
  if (localSide) await nextTurn();
  const cp = await f.controlPlane();
  f.debug('control plane open');
  const project = await resolveProject(f, cp);
  const service = await requireService(f, cp, project, opts.service);
  const out = await pushAndRegister(f, cp, { ...opts, compressionLevel: level, compression: codec, project, service, source }, localSide, {
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
      .description('Push a local image (or a docker-archive:, oci-archive:, oci: source) to a project registry, then register it for a service')
      .option('-s, --service <name>', 'service (resource) the image is for')
      .option('--registry <name>', 'project registry to push to (default: the one the image is named under, else the only one)')
      .option('--repository <repo>', 'repository in the registry (default: <project>/<service>)')
      .option('-t, --tag <tag>', 'tag to push as (default: the local image\'s tag)'),
  )
    .option('--require-route', 'fail instead of storing the artifact unrouted when no rule matches')
    .option('--no-push', 'do not push: register the image already in the registry (verified)')
    .option('--keep-tag', 'leave the local engine image tagged with the registry name it was pushed as')
    .option('--via-engine', 'push through the Docker engine\'s own push instead of facetsctl\'s upload')
    .option('--compression-level <n>', 'compression level of the layers facetsctl compresses, 0-9 (default 1; with --compression zstd, zstd\'s level)')
    .option('--compression <name>', 'gzip (default) or zstd (Node.js 22.15+; OCI manifest) for the layers facetsctl compresses')
    .addHelpText(
      'after',
      `
Examples:
  $ facetsctl push checkout:1.4.2 --service checkout                               # the only registry, repository shop/checkout
  $ facetsctl push checkout:build --service checkout --tag 1.4.2 --git-ref main
  $ facetsctl push 3f2a9c1d5e7b --service cart --registry gcr --repository acme/cart --tag 2.0.0 --environment dev
  $ facetsctl --json push checkout:1.4.2 -s checkout --release-stream QA
  $ facetsctl push checkout:1.4.2 -s checkout --no-push                            # register what is already in the registry
  $ facetsctl push docker-archive:app.tar -s checkout --tag 1.4.2                  # no Docker engine needed
  $ facetsctl push oci:./layout:1.4.2 -s checkout                                  # an OCI image layout (e.g. buildkit --output type=oci)
  $ facetsctl push checkout:1.4.2 -s checkout --via-engine                         # the engine's own push

Environment: DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH (the engine), DOCKER_CONFIG (registry credentials).`,
    )
    .action(async (image: string, opts: Omit<PushOptions, 'image'>) => {
      await run({ ...opts, image }, f);
    });
}
