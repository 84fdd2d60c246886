// facetsctl render: each input with every ${blueprint.self.artifacts.<ciName>} replaced by what the environment resolves it to.
import * as path from 'node:path';
import type { Command } from 'commander';
import { renderArtifactReferences, scanArtifactReferences, type ArtifactReference } from '../../core/artifact-references';
import { FacetsError, notFound, usage } from '../../core/errors';
import type { Resolution } from '../../core/model';
import { oneLine } from '../display';
import type { Factory } from '../factory';
import { resolveProject } from '../inputs';
import { readRenderInputs, writeOutputs, yamlStream, type RenderInput } from '../render-files';
import { requireEnvironment } from './attach/targets';

export interface RenderOptions {
  environment?: string;
  outputDir?: string;
  allowUnresolved?: boolean;
}

/** One reference found in one file, and what it became. */
export interface RenderedReference {
  reference: string;
  ciName: string;
  service: string;
  line: number;
  column: number;
  resolved: boolean;
  image: string | null;
  reason: string;
}

export interface RenderOutput {
  project: string;
  environment: string;
  /** Each reference found -> its pinned URI (null: unresolved, left in place with --allow-unresolved). */
  references: Record<string, string | null>;
  files: Array<{ input: string; output: string | null; references: RenderedReference[]; content?: string }>;
}

interface Located extends ArtifactReference {
  file: string;
}

const where = (r: { file: string; line: number; column: number }) => `${r.file}:${r.line}:${r.column}`;

export async function run(inputArgs: string[], opts: RenderOptions, f: Factory): Promise<RenderOutput> {
  const inputs = await readRenderInputs(inputArgs, f.cwd, () => f.io.readStdin());
  const scans = inputs.map((input) => ({ input, ...scanArtifactReferences(input.text) }));
  const malformed = scans.flatMap((s) => s.malformed.map((m) => ({ ...m, file: s.input.name })));
  if (malformed.length > 0) {
    const first = malformed[0];
    throw usage(`${where(first)}: "${first.text}" is not an artifact reference: ${first.reason}${malformed.length > 1 ? ` (and ${malformed.length - 1} more)` : ''}`, 'write it as ${blueprint.self.artifacts.<ciName>}; `facetsctl ci show -s SERVICE` names the CI name', {
      malformed,
    });
  }
  const cp = await f.controlPlane();
  const project = await cp.getProject(await resolveProject(f, cp));
  const environment = await requireEnvironment(f, project, opts.environment);
  const located: Located[] = scans.flatMap((s) => s.references.map((r) => ({ ...r, file: s.input.name })));

  const serviceOf = new Map((await cp.listCiIntegrations(project.name)).map((i) => [i.ciName, i.resourceName]));
  const unknown = located.filter((r) => !serviceOf.has(r.ciName));
  if (unknown.length > 0) {
    const known = [...serviceOf].map(([ciName, service]) => `${ciName} (${service})`).join(', ') || 'none yet';
    const list = unknown.map((r) => `${r.ciName} at ${where(r)}`).join(', ');
    throw notFound(`unknown CI name ${list}: no service of project ${project.name} has it (known: ${known})`, 'use the reference `facetsctl ci show -s SERVICE` shows for the service', {
      unknown: unknown.map((r) => ({ reference: r.reference, ciName: r.ciName, file: r.file, line: r.line, column: r.column })),
    });
  }

  const resolutions = new Map<string, Resolution>();
  for (const ciName of new Set(located.map((r) => r.ciName))) {
    const [resolution] = await cp.resolve(project.name, serviceOf.get(ciName)!, environment);
    resolutions.set(ciName, resolution);
  }
  const rendered = (r: Located): RenderedReference => {
    const resolution = resolutions.get(r.ciName)!;
    return { reference: r.reference, ciName: r.ciName, service: serviceOf.get(r.ciName)!, line: r.line, column: r.column, resolved: resolution.resolved, image: resolution.image, reason: resolution.reason };
  };
  const unresolved = located.filter((r) => !resolutions.get(r.ciName)!.resolved).map((r) => ({ file: r.file, ...rendered(r) }));
  const describe = (u: (typeof unresolved)[number]) => `${where(u)}: ${u.reference} (service ${u.service}) does not resolve in environment ${environment}: ${u.reason}`;
  if (unresolved.length > 0 && !opts.allowUnresolved) {
    // One line per reference on stderr: each names its file, line, why, and the command that fixes it.
    for (const u of unresolved) f.io.err.write(`${oneLine(describe(u))}\n`);
    const list = unresolved.map((u) => `${u.service} at ${where(u)}`).join(', ');
    throw new FacetsError('NOT_FOUND', `${unresolved.length} artifact reference${unresolved.length > 1 ? 's do' : ' does'} not resolve in environment ${environment}: ${list}; nothing was rendered`, 'fix each as its line above says, or pass --allow-unresolved to leave them in place', {
      environment,
      unresolved,
    });
  }
  for (const u of unresolved) f.io.warn(`left in place: ${describe(u)}`);

  const uriOf = (ciName: string) => resolutions.get(ciName)!.image;
  const outputs = scans.map((s) => ({ input: s.input, references: s.references.map((r) => rendered({ ...r, file: s.input.name })), text: renderArtifactReferences(s.input.text, s.references, uriOf) }));
  const references: Record<string, string | null> = {};
  for (const r of located) references[r.reference] = uriOf(r.ciName);
  const output: RenderOutput = { project: project.name, environment, references, files: [] };

  if (opts.outputDir !== undefined) {
    const dir = path.resolve(f.cwd, opts.outputDir);
    const stdin = outputs.find((o) => o.input.relative === null);
    if (stdin) throw usage('- (standard input) has no file name to write under --output-dir', 'render standard input to standard output, without --output-dir');
    const written = writeOutputs(dir, outputs.map((o) => ({ relative: o.input.relative!, bytes: bytesOf(o.input, o.text) })));
    output.files = outputs.map((o, i) => ({ input: o.input.name, output: written[i], references: o.references }));
    if (f.io.json) f.io.printJson(output);
    else f.io.info(`rendered ${written.length} file${written.length === 1 ? '' : 's'} for environment ${environment} into ${opts.outputDir}`);
    return output;
  }
  const stream = yamlStream(outputs.map((o) => ({ name: o.input.name, bytes: bytesOf(o.input, o.text) })));
  output.files = outputs.map((o) => ({ input: o.input.name, output: null, references: o.references, content: o.text }));
  if (f.io.json) f.io.printJson(output);
  // Bytes, not a string: a file that is not UTF-8 goes out as it came in.
  else (f.io.out as { write(chunk: string | Buffer): unknown }).write(stream);
  return output;
}

function bytesOf(input: RenderInput, text: string): Buffer {
  return Buffer.from(text, input.encoding);
}

export function define(parent: Command, f: Factory): Command {
  return parent
    .command('render')
    .argument('[inputs...]', 'files, directories (every file below, in order) or - for standard input')
    .description('Write files with every ${blueprint.self.artifacts.<ciName>} replaced by the image an environment resolves it to')
    .option('-e, --environment <name>', 'the environment whose images go in (as `resolve -e` shows them)')
    .option('--output-dir <dir>', 'write each input there (a directory keeps its layout) instead of standard output')
    .option('--allow-unresolved', 'leave references that do not resolve in place, with a warning, instead of failing')
    .addHelpText(
      'after',
      '\nExamples:\n  $ facetsctl render -e staging k8s/ | kubectl apply -f -\n  $ facetsctl render -e production values.yaml > values.production.yaml\n  $ facetsctl render -e dev --output-dir out/ k8s/ terraform/dev.tfvars\n  $ facetsctl --json render -e dev deployment.yaml | jq .references\n',
    )
    .action(async (inputs: string[], opts: RenderOptions) => {
      await run(inputs, opts, f);
    });
}
