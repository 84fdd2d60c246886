// serve's own paths carry optimistic concurrency as HTTP does: ETag on the read, If-Match on the write (409 when stale).
import { makeWorkspace, shopBlueprint, startServe, type ServeProcess, type Workspace } from '../cli/run-cli';
import { basic, raw } from './http';

const CI_CD = '/cc-ui/v1/facetsctl/stacks/shop/ci-cd';
const OVERRIDE = '/cc-ui/v1/facetsctl/stacks/shop/resources/checkout/environments/staging/override';
const image = (tag: string, c: string) => `127.0.0.1:5999/shop/checkout:${tag}@sha256:${c.repeat(64)}`;

let ws: Workspace;
let serve: ServeProcess;
let auth: string;
beforeAll(async () => {
  ws = makeWorkspace(shopBlueprint([{ name: 'local', uri: '127.0.0.1:5999', insecure: true }]));
  serve = await startServe(ws);
  auth = basic('admin', serve.adminToken);
});
afterAll(async () => {
  await serve?.stop();
  ws?.remove();
});

const call = (p: string, init: { method?: string; body?: unknown; ifMatch?: string } = {}) =>
  raw(`${serve.url}${p}`, { authorization: auth, method: init.method, body: init.body, headers: init.ifMatch === undefined ? {} : { 'if-match': init.ifMatch } });

describe('a CI/CD configuration: the GET answers its revision as ETag, a write with another If-Match is 409 CONFLICT', () => {
  test('"0" before anything is stored; the ETag read is accepted once, then refused; no If-Match writes as before; a malformed one is 400', async () => {
    expect((await call(CI_CD)).headers.get('etag')).toBe('"0"');
    expect((await call(CI_CD, { method: 'POST', body: { registrationType: 'ENVIRONMENT' }, ifMatch: '"0"' })).status).toBe(200);
    const read = await call(CI_CD);
    expect(read.headers.get('etag')).toBe('"1"');
    expect(read.body).toMatchObject({ revision: 1 });
    expect((await call(CI_CD, { method: 'POST', body: { imageVersionPolicy: { deniedTags: ['latest'] } }, ifMatch: '"1"' })).status).toBe(200);
    const stale = await call(CI_CD, { method: 'POST', body: { imageVersionPolicy: {} }, ifMatch: '"1"' });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/changed meanwhile: admin saved it at \S+ \(revision 2\), after this command read revision 1; nothing was written; run the command again/) });
    expect((await call(CI_CD, { method: 'DELETE', ifMatch: '"1"' })).status).toBe(409);
    expect((await call(CI_CD)).body).toMatchObject({ revision: 2, imageVersionPolicy: { deniedTags: ['latest'] } });
    const malformed = await call(CI_CD, { method: 'POST', body: {}, ifMatch: 'latest' });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ code: 'USAGE', message: expect.stringContaining('If-Match must name one revision') });
    expect((await call(CI_CD, { method: 'POST', body: { imageVersionPolicy: {} } })).status).toBe(200);
  });
});

describe("an override: the GET answers its revision as ETag (\"0\": none attached), attach and detach take If-Match", () => {
  test('an attach over a stale revision is 409 and the attached image stays; a detach likewise', async () => {
    const none = await call(OVERRIDE);
    expect(none.status).toBe(204);
    expect(none.headers.get('etag')).toBe('"0"');
    const body = (tag: string, c: string) => ({ artifactUri: image(tag, c), artifactType: 'docker_image', artifactory: 'local' });
    expect((await call(OVERRIDE, { method: 'POST', body: body('1.0.0', 'a'), ifMatch: '"0"' })).status).toBe(200);
    expect((await call(OVERRIDE, { method: 'POST', body: body('2.0.0', 'b'), ifMatch: '"0"' })).status).toBe(409);
    expect((await call(OVERRIDE)).headers.get('etag')).toBe('"1"');
    expect((await call(OVERRIDE, { method: 'DELETE', ifMatch: '"0"' })).status).toBe(409);
    expect((await call(OVERRIDE)).body).toMatchObject({ revision: 1, overrides: { spec: { release: { image: image('1.0.0', 'a') } } } });
    expect((await call(OVERRIDE, { method: 'DELETE', ifMatch: '"1"' })).status).toBe(200);
  });
});
