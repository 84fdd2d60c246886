// facetsctl attach: pin an image (or freestyle artifact) to one environment of a service, as an override.
import { Option, type Command } from 'commander';
import type { ArtifactType, Override } from '../../core/model';
import type { Factory } from '../factory';
import { parseInteger, resolveProject } from '../inputs';
import { chooseImage, type ChosenImage } from './attach/image-source';
import { confirmProdAttach, equivalentAttachCommand } from './attach/interactive';
import { requireEnvironment, requireKnownService } from './attach/targets';
import { waitInEffect } from './attach/wait';

export interface AttachOptions {
  /** Option B: the full artifact URI. */
  image?: string;
  service?: string;
  environment?: string;
  /** Option A: registry, repository and tag (asked from lists on a TTY). */
  registry?: string;
  repository?: string;
  tag?: string;
  type?: ArtifactType;
  changeLog?: string;
  wait?: boolean;
  /** Seconds. */
  waitTimeout?: number;
}

/** The --json document of attach. */
export interface AttachOutput {
  project: string;
  service: string;
  environment: string;
  revision: number;
  image: string;
  digest: string | null;
  artifactType: ArtifactType;
  labels: Override['labels'];
  changeLog: string | null;
  updatedAt: string;
  updatedBy: string;
  /** null without --wait. */
  inEffect: boolean | null;
  /** false when exactly this image was already attached there: no new revision, no event. */
  changed: boolean;
}

/** Values left to the terminal's lists: then the run ends with the same attach as one command. */
function asksForValues(opts: AttachOptions, f: Factory): boolean {
  if (!f.io.canPrompt()) return false;
  const fromRegistry = opts.image === undefined && (opts.type ?? 'docker_image') === 'docker_image';
  return !opts.service || !opts.environment || (fromRegistry ? !opts.registry || !opts.repository || !opts.tag : opts.image === undefined);
}

/** Same image and labels: attaching it again would only add a revision that changes nothing. */
function alreadyAttached(current: Override | null, chosen: ChosenImage): current is Override {
  if (!current || current.image !== chosen.image || current.labels.artifactType !== chosen.artifactType) return false;
  return chosen.registry === undefined || current.labels.registry === chosen.registry;
}

export async function run(opts: AttachOptions, f: Factory): Promise<AttachOutput> {
  const interactive = asksForValues(opts, f);
  const cp = await f.controlPlane();
  const project = await cp.getProject(await resolveProject(f, cp));
  const service = await requireKnownService(f, cp, project, opts.service);
  const environment = await requireEnvironment(f, project, opts.environment);
  const chosen = await chooseImage(f, cp, project, service, {
    image: opts.image,
    registry: opts.registry,
    repository: opts.repository,
    tag: opts.tag,
    type: opts.type ?? 'docker_image',
  });

  const current = await cp.getOverride(project.name, service, environment);
  const readRevision = current?.revision ?? 0;
  const changed = !alreadyAttached(current, chosen);
  if (changed) await confirmProdAttach(f, project, service, environment, chosen.image);
  const { digest, ...attach } = chosen;
  let override = current as Override;
  if (changed) {
    f.io.startProgress(`Attaching ${chosen.image} to ${service} in ${environment}`);
    // On a terminal the command waits on people: an attach or detach made meanwhile is refused, not overwritten.
    const expectedRevision = f.io.canPrompt() ? readRevision : undefined;
    override = await cp.attachImage({ project: project.name, service, environment, ...attach, changeLog: opts.changeLog, expectedRevision });
    f.io.stopProgress();
  }
  const output: AttachOutput = {
    project: project.name,
    service,
    environment,
    revision: override.revision,
    image: override.image,
    digest,
    artifactType: override.labels.artifactType,
    labels: override.labels,
    changeLog: override.changeLog,
    updatedAt: override.updatedAt,
    updatedBy: override.updatedBy,
    inEffect: null,
    changed,
  };
  if (opts.wait) {
    const waited = await waitInEffect(f, cp, { project: project.name, service, environment, revision: override.revision }, (opts.waitTimeout ?? 120) * 1000);
    output.inEffect = waited.inEffect;
    if (waited.superseded) f.io.warn(`revision ${override.revision} was superseded by a later attach or detach in ${environment} before it took effect`);
  }
  print(output, f);
  if (interactive && !f.io.json) {
    const command = equivalentAttachCommand({ ...opts, image: chosen.image, service, environment, registry: chosen.registry, freestyle: chosen.artifactType === 'freestyle' });
    f.io.println(`\nThe same, in one command:\n  ${command}`);
  }
  return output;
}

function print(out: AttachOutput, f: Factory): void {
  if (f.io.json) return f.io.printJson(out);
  const c = f.io.color;
  const labels = Object.entries(out.labels).map(([k, v]) => `${k}=${v}`).join(' ');
  if (!out.changed) {
    f.io.println(`Already attached: ${c.bold(out.image)} is the image of ${out.service} in environment ${c.green(out.environment)} (revision ${out.revision}); nothing changed`);
    return;
  }
  f.io.println(`Attached ${c.bold(out.image)} to ${out.service} in environment ${c.green(out.environment)}`);
  f.io.println(`  revision  ${out.revision}`);
  f.io.println(`  labels    ${labels}`);
  if (out.inEffect) f.io.println(`  in effect ${c.green('yes')}`);
  f.io.info(`Pinned: ${out.environment} resolves to this image until \`facetsctl detach --service ${out.service} --environment ${out.environment}\`; other environments are unchanged.`);
}

export function define(parent: Command, f: Factory): Command {
  return parent
    .command('attach [IMAGE_URL]')
    .description('Attach an image to one environment of a service (an override that wins over CI-routed artifacts there)')
    .option('-s, --service <name>', 'service (resource)')
    .option('-e, --environment <name>', 'the one environment to attach to (others are unchanged)')
    .option('--registry <name>', 'project registry (option A; with IMAGE_URL: the registry holding it)')
    .option('--repository <path>', 'repository in that registry, as `facetsctl registries repos` lists it (option A)')
    .option('--tag <tag>', 'tag in that repository (option A)')
    .addOption(new Option('--type <type>', 'artifact type').choices(['docker_image', 'freestyle']).default('docker_image'))
    .option('--change-log <text>', 'why, recorded with the change')
    .option('--wait', 'wait until the environment resolves to this revision')
    .option('--wait-timeout <seconds>', 'give up waiting after this long (default 120)', parseInteger('--wait-timeout', 1))
    .addHelpText(
      'after',
      `
IMAGE_URL (option B) is the full URI, checked in its registry and pinned by digest; or pick
--registry, --repository and --tag (option A; on a terminal, missing ones are chosen from lists,
tags newest first). Freestyle artifacts (--type freestyle) are any fetchable URL, taken as given.
On a terminal, an environment of a prod release stream asks for confirmation first (--yes skips it).

Examples:
  $ facetsctl attach 127.0.0.1:5000/shop/checkout:1.4.2 --service checkout --environment staging
  $ facetsctl attach -s checkout -e production --registry local --repository shop/checkout --tag 1.4.2
  $ facetsctl attach https://artifacts.example.com/checkout-1.4.2.zip --type freestyle -s checkout -e dev
  $ facetsctl attach -s checkout -e dev                                 # on a terminal: choose from lists
  $ facetsctl --json attach gcr.io/my-project/my-service:v1.2.3 -s checkout -e dev --change-log "hotfix" --wait`,
    )
    .action(async (image: string | undefined, opts: Omit<AttachOptions, 'image'>) => {
      await run({ ...opts, image }, f);
    });
}
