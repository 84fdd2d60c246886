// facetsctl render: a Deployment, Helm values and .tfvars rendered for three environments, on the embedded store and `serve`.
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { MODES, ok, openAttachProject, type AttachProject } from './attach-fixture';

const DEPLOYMENT = `apiVersion: apps/v1\r
kind: Deployment\r
metadata: {name: shop}\r
spec:\r
  template:\r
    spec:\r
      containers:\r
        - name: checkout\r
          image: "\${blueprint.self.artifacts.CHECKOUT}"\r
        - name: cart\r
          image: \${blueprint.self.artifacts.CART}\r
`;
const VALUES = `# Helm values — checkout and cart ✓
checkout:
  image: \${blueprint.self.artifacts.CHECKOUT}\t# pinned
cart:
  image: "\${blueprint.self.artifacts.CART}"
  replicas: 2
`;
const TFVARS = `checkout_image = "\${blueprint.self.artifacts.CHECKOUT}"\ncart_image     = "\${blueprint.self.artifacts.CART}"`;
const TEMPLATES: Record<string, string> = { 'k8s/deployment.yaml': DEPLOYMENT, 'helm/values.yaml': VALUES, 'terraform/app.tfvars': TFVARS };

describe.each(MODES)('facetsctl render -e ENV (%s control plane)', (mode) => {
  let p: AttachProject;
  const ciNames: Record<'checkout' | 'cart', string> = { checkout: '', cart: '' };
  /** The pinned image each service resolves to, per environment (null: unresolved). */
  const expected: Record<string, { checkout: string | null; cart: string | null }> = {};
  const pinned = (tag: string, digest: string) => `${p.openHost}/${p.repository}:${tag}@${digest}`;
  const reference = (service: 'checkout' | 'cart') => `\${blueprint.self.artifacts.${ciNames[service]}}`;
  const template = (text: string) => text.replace(/\.CHECKOUT\}/g, `.${ciNames.checkout}}`).replace(/\.CART\}/g, `.${ciNames.cart}}`);
  const renderedText = (text: string, env: string) =>
    template(text)
      .split(reference('checkout'))
      .join(expected[env].checkout ?? reference('checkout'))
      .split(reference('cart'))
      .join(expected[env].cart ?? reference('cart'));

  beforeAll(async () => {
    p = await openAttachProject(mode, 'render');
    const digests: Record<string, string> = {};
    for (const tag of ['1.0.0', '1.1.0', '2.0.0', '3.0.0']) digests[tag] = await p.upload(tag);
    // cart follows the project: release streams; checkout has its own: environments.
    ok(await p.cli(['--json', 'ci', 'configure', '--registration-type', 'RELEASE_STREAM', '--branch-rule', 'main=QA']));
    ok(await p.cli(['--json', 'ci', 'configure', '-s', 'checkout', '--registration-type', 'ENVIRONMENT', '--branch-rule', 'main=dev']));
    const image = (tag: string) => `${p.openHost}/${p.repository}:${tag}`;
    ciNames.checkout = ok(await p.cli(['--json', 'register', image('1.0.0'), '-s', 'checkout', '--git-ref', 'main'])).ciName;
    ciNames.cart = ok(await p.cli(['--json', 'register', image('1.1.0'), '-s', 'cart', '--git-ref', 'main'])).ciName;
    ok(await p.cli(['--json', 'attach', image('2.0.0'), '-s', 'checkout', '-e', 'staging']));
    ok(await p.cli(['--json', 'attach', image('3.0.0'), '-s', 'checkout', '-e', 'production']));
    // dev: checkout by CI routing, cart by release stream QA; staging: checkout pinned by attach; production: cart unresolved.
    expected.dev = { checkout: pinned('1.0.0', digests['1.0.0']), cart: pinned('1.1.0', digests['1.1.0']) };
    expected.staging = { checkout: pinned('2.0.0', digests['2.0.0']), cart: pinned('1.1.0', digests['1.1.0']) };
    expected.production = { checkout: pinned('3.0.0', digests['3.0.0']), cart: null };
    for (const [file, text] of Object.entries(TEMPLATES)) p.ws.write(path.join('deploy', file), template(text));
  });
  afterAll(async () => {
    await p?.close();
  });

  test.each(['dev', 'staging'])('%s: every file equals the expected one, byte for byte (CRLF, tabs, UTF-8, no final newline)', async (env) => {
    const r = await p.cli(['render', '-e', env, '--output-dir', `out-${env}`, 'deploy']);
    expect(r).toMatchObject({ code: 0, stdout: '' });
    for (const [file, text] of Object.entries(TEMPLATES)) {
      expect(fs.readFileSync(path.join(p.ws.dir, `out-${env}`, file), 'utf8')).toBe(renderedText(text, env));
    }
  });

  test('one file goes to standard output unchanged but for its references; the rendered manifest still parses as YAML', async () => {
    const r = await p.cli(['render', '-e', 'dev', 'deploy/k8s/deployment.yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(renderedText(DEPLOYMENT, 'dev'));
    const [doc] = parseAllDocuments(r.stdout);
    expect(doc.errors).toEqual([]);
    expect(doc.toJS().spec.template.spec.containers.map((c: { image: string }) => c.image)).toEqual([expected.dev.checkout, expected.dev.cart]);
  });

  test('several YAML files on standard output are one stream of documents (render | kubectl apply -f -)', async () => {
    const r = await p.cli(['render', '-e', 'staging', 'deploy/k8s', 'deploy/helm', '-']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('<stdin> is not a YAML file');
    const stream = await p.cli(['render', '-e', 'staging', 'deploy/k8s', 'deploy/helm']);
    expect(stream.code).toBe(0);
    const docs = parseAllDocuments(stream.stdout);
    expect(docs.map((d) => d.errors)).toEqual([[], []]);
    expect(docs[1].toJS().checkout.image).toBe(expected.staging.checkout);
  });

  test('standard input (-) renders too', async () => {
    const r = await p.cli(['render', '-e', 'staging', '-'], { input: template(TFVARS) });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(renderedText(TFVARS, 'staging'));
  });

  test('an unresolved reference fails the whole render: exit 4, every reference named with its file, line and why, nothing written', async () => {
    const r = await p.cli(['--json', 'render', '-e', 'production', '--output-dir', 'out-production', 'deploy']);
    expect(r.code).toBe(4);
    const error = r.json().error;
    expect(error).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('3 artifact references do not resolve in environment production') });
    expect(error.details.unresolved.map((u: { file: string; line: number; service: string }) => [u.file, u.line, u.service])).toEqual([
      ['deploy/helm/values.yaml', 5, 'cart'],
      ['deploy/k8s/deployment.yaml', 11, 'cart'],
      ['deploy/terraform/app.tfvars', 2, 'cart'],
    ]);
    const lines = r.stderr.split('\n').filter((l) => l.includes('does not resolve'));
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).toMatch(/^deploy\/.+:\d+:\d+: \$\{blueprint\.self\.artifacts\.shop-cart-[a-z0-9]{8}\} \(service cart\) does not resolve in environment production: .*`facetsctl .+`/);
    expect(fs.existsSync(path.join(p.ws.dir, 'out-production'))).toBe(false);
  });

  test('--allow-unresolved leaves them in place with a warning', async () => {
    const r = await p.cli(['render', '-e', 'production', '--allow-unresolved', 'deploy/terraform/app.tfvars']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(renderedText(TFVARS, 'production'));
    expect(r.stdout).toContain(reference('cart'));
    expect(r.stderr).toMatch(/^warning: left in place: deploy\/terraform\/app\.tfvars:2:19: /m);
  });

  test('an unknown CI name is an error naming it, the file and the line, even with --allow-unresolved', async () => {
    p.ws.write('bad/values.yaml', 'a: 1\nimage: ${blueprint.self.artifacts.shop-nosuch-00000000}\n');
    const r = await p.cli(['--json', 'render', '-e', 'dev', '--allow-unresolved', 'bad']);
    expect(r.code).toBe(4);
    expect(r.json().error.message).toMatch(/^unknown CI name shop-nosuch-00000000 at bad\/values\.yaml:2:8: no service of project shop has it/);
  });

  test('a malformed reference is a usage error naming the file, line and column', async () => {
    p.ws.write('malformed/values.yaml', 'image: ${blueprint.self.artifacts.Shop}\n');
    const r = await p.cli(['render', '-e', 'dev', 'malformed/values.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('malformed/values.yaml:1:8: "${blueprint.self.artifacts.Shop}" is not an artifact reference: CI name "Shop" is invalid');
  });

  test('a file that is not UTF-8 keeps every byte around its references', async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe, 0x41, 0xe9, 0x0d, 0x0a]), Buffer.from(`image: ${reference('checkout')}`), Buffer.from([0xe9, 0x00, 0xff])]);
    fs.writeFileSync(p.ws.write('latin1/values.yaml', ''), bytes);
    const r = await p.cli(['render', '-e', 'dev', '--output-dir', 'out-latin1', 'latin1']);
    expect(r.code).toBe(0);
    const expectedBytes = Buffer.concat([bytes.subarray(0, 6), Buffer.from(`image: ${expected.dev.checkout}`), Buffer.from([0xe9, 0x00, 0xff])]);
    expect(fs.readFileSync(path.join(p.ws.dir, 'out-latin1', 'values.yaml')).equals(expectedBytes)).toBe(true);
  });

  test('an --output-dir that cannot take the files is exit 2 naming the path, and nothing is written', async () => {
    p.ws.write('a-file', 'x');
    const file = await p.cli(['render', '-e', 'dev', '--output-dir', 'a-file', 'deploy/helm']);
    expect(file.code).toBe(2);
    expect(file.stderr).toContain('error: cannot create the folder');
    fs.mkdirSync(path.join(p.ws.dir, 'blocked', 'k8s', 'deployment.yaml'), { recursive: true });
    const folder = await p.cli(['render', '-e', 'dev', '--output-dir', 'blocked', 'deploy']);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain(`error: cannot write ${path.join(p.ws.dir, 'blocked', 'k8s', 'deployment.yaml')}: a folder is there`);
    expect(fs.readdirSync(path.join(p.ws.dir, 'blocked'), { recursive: true }).sort()).toEqual(['k8s', path.join('k8s', 'deployment.yaml')]);
  });

  test('render and resolve agree on every environment', async () => {
    for (const env of ['dev', 'staging', 'production']) {
      const rendered = ok(await p.cli(['--json', 'render', '-e', env, '--allow-unresolved', 'deploy/terraform/app.tfvars']));
      for (const service of ['checkout', 'cart'] as const) {
        const [resolution] = ok(await p.cli(['--json', 'resolve', '-s', service, '--all'])).resolutions.filter((x: { environment: string }) => x.environment === env);
        expect(rendered.references[reference(service)]).toBe(resolution.image);
        expect(resolution.image).toBe(expected[env][service]);
      }
    }
  });
});
