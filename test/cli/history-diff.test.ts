// facetsctl history --diff [vA..vB]: what changed between an environment's override revisions, as a diff.
import { parse } from 'yaml';
import { MODES, ok, openAttachProject, type AttachProject } from './attach-fixture';

describe.each(MODES)('facetsctl history -s S -e ENV --diff [vA..vB] (%s control plane)', (mode) => {
  let p: AttachProject;
  const pinned: Record<string, string> = {};
  beforeAll(async () => {
    p = await openAttachProject(mode, 'history-diff');
    for (const tag of ['1.0.0', '2.0.0']) {
      const digest = await p.upload(tag);
      pinned[tag] = `${p.openHost}/${p.repository}:${tag}@${digest}`;
    }
    ok(await p.cli(['--json', 'attach', `${p.openHost}/${p.repository}:1.0.0`, '-s', 'checkout', '-e', 'production']));
    ok(await p.cli(['--json', 'attach', `${p.openHost}/${p.repository}:2.0.0`, '-s', 'checkout', '-e', 'production', '--change-log', 'hotfix 2.0.0']));
    ok(await p.cli(['--json', 'detach', '-s', 'checkout', '-e', 'production']));
    // Another environment's override is not part of production's revisions.
    ok(await p.cli(['--json', 'attach', `${p.openHost}/${p.repository}:2.0.0`, '-s', 'checkout', '-e', 'staging']));
  });
  afterAll(async () => {
    await p?.close();
  });

  test('v1..v2: the image and tag replaced, the change log added, as a unified diff', async () => {
    const r = await p.cli(['history', '-s', 'checkout', '-e', 'production', '--diff', 'v1..v2']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^--- checkout in production, revision 1 \(attached \S+ by \S+\)$/);
    expect(lines[1]).toMatch(/^\+\+\+ checkout in production, revision 2 \(attached \S+ by \S+\)$/);
    expect(lines.slice(3)).toEqual([
      `-spec.release.image: ${pinned['1.0.0']}`,
      `+spec.release.image: ${pinned['2.0.0']}`,
      ' metadata.labels.artifactType: docker_image',
      ' metadata.labels.registry: local',
      ` metadata.labels.repository: ${p.repository}`,
      '-metadata.labels.tag: 1.0.0',
      '+metadata.labels.tag: 2.0.0',
      '+changeLog: hotfix 2.0.0',
    ]);
  });

  test('without a range: the newest revision (the detach) against the one before; --json has the fields that changed', async () => {
    const out = ok(await p.cli(['--json', 'history', '-s', 'checkout', '-e', 'production', '--diff']));
    expect(out).toMatchObject({ project: 'shop', service: 'checkout', environment: 'production', from: { revision: 2, kind: 'ATTACHED', image: pinned['2.0.0'] }, to: { revision: 3, kind: 'DETACHED', image: null } });
    expect(out.changes.map((c: { field: string }) => c.field)).toEqual(['spec.release.image', 'metadata.labels.artifactType', 'metadata.labels.registry', 'metadata.labels.repository', 'metadata.labels.tag', 'changeLog']);
    expect(out.diff.split('\n').at(-1)).toBe('+# detached: nothing attached');
    const yaml = await p.cli(['history', '-s', 'checkout', '-e', 'production', '--diff', '-o', 'yaml']);
    expect(parse(yaml.stdout)).toEqual(out);
    const jq = await p.cli(['history', '-s', 'checkout', '-e', 'production', '--diff', 'v2', '--jq', '.changes[] | .field']);
    expect(jq.stdout).toBe('spec.release.image\nmetadata.labels.tag\nchangeLog\n');
  });

  test.each([
    [['-e', 'production', '--diff', 'v1..v7'], 4, 'checkout in production has no override revision 7 (known: 0, 1, 2, 3; 0 is before anything was attached)'],
    [['-e', 'dev', '--diff'], 4, 'checkout in dev has no override revisions: nothing was ever attached there'],
    [['--diff'], 2, '--diff compares the override revisions of one environment: pass --environment'],
    [['-e', 'production', '--diff', 'newest'], 2, '--diff newest is not a revision range'],
    [['-e', 'production', '--diff', '--kind', 'attached'], 2, '--diff compares two override revisions: it takes no --kind, --limit or --offset'],
  ] as Array<[string[], number, string]>)('%j: exit %i', async (args, code, message) => {
    const r = await p.cli(['--json', 'history', '-s', 'checkout', ...args]);
    expect(r.code).toBe(code);
    expect(r.json().error.message).toBe(message);
  });
});
