#!/usr/bin/env node
'use strict';
// `npm run build`'s second step: the CLI as one CommonJS file, dist/cli/facetsctl.js, which bin/facetsctl loads.
// tsc still type-checks and emits dist/ (serve's main, the modules tests load). Measured in `npm run bench`:
// one file saves the module resolution of ~700 files; V8's code cache (src/cli/compile-cache.ts) saves its compile.
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const REPO = path.resolve(__dirname, '..');
const OUTFILE = path.join(REPO, 'dist', 'cli', 'facetsctl.js');

/**
 * Left out of the bundle, loaded from node_modules when used: what only some commands need (fastify: serve; pg: serve on
 * PostgreSQL; inquirer: prompts on a terminal; ora: the spinner on a terminal; jq-wasm: --jq, 1.3 MB). better-sqlite3's
 * JavaScript is bundled (its ~12 files cost ~8 ms to resolve and compile at every embedded start); its native addon is not.
 */
const EXTERNAL = ['fastify', 'pg', 'inquirer', 'ora', 'jq-wasm'];

/**
 * What better-sqlite3 calls `bindings` with: its addon, required from where better-sqlite3 is installed (the file that
 * `bindings` finds there after probing a dozen paths), else through `bindings` itself from there.
 */
const SQLITE_ADDON = `const path = require('node:path');
const PACKAGE = 'better-sqlite3/package.json';
module.exports = function (name) {
  const root = path.dirname(require.resolve(PACKAGE));
  const addon = path.join(root, 'build', 'Release', name);
  if (require('node:fs').existsSync(addon)) return require(addon);
  const BINDINGS = 'bindings';
  return require('node:module').createRequire(path.join(root, 'package.json'))(BINDINGS)({ bindings: name, module_root: root });
};
`;

/**
 * Parts of dependencies that facetsctl never runs but that their packages load at start-up, each replaced by a module
 * that loads the real one from node_modules on first call: dockerode's BuildKit session (gRPC, protobuf, .proto files
 * read from its own folder) and docker-modem's ssh:// transport (ssh2).
 */
const LAZY = [
  { importer: /[\\/]dockerode[\\/]lib[\\/]docker\.js$/, request: './session', real: "require('dockerode/lib/session.js')" },
  // docker-modem is dockerode's dependency, so it is found from dockerode's folder.
  { importer: /[\\/]docker-modem[\\/]lib[\\/]modem\.js$/, request: './ssh', real: "require('node:module').createRequire(require.resolve(DOCKERODE))('docker-modem/lib/ssh.js')" },
];

function lazyModule({ real }) {
  // A name in a variable: resolved at run time, where dockerode is installed, not by the bundler.
  return `const DOCKERODE = 'dockerode';\nlet real;\nmodule.exports = function () {\n  real ??= ${real};\n  return real.apply(this, arguments);\n};\n`;
}

/** axios requires form-data at start-up for multipart bodies; facetsctl sends JSON and raw bytes only. */
const FORM_DATA_STUB = `module.exports = class FormData {\n  constructor() {\n    throw new Error('multipart/form-data bodies are not part of the facetsctl bundle');\n  }\n};\n`;

/**
 * axios, at start-up, loads what facetsctl never uses. Two of them make Node load undici (~10 ms each):
 * it probes the fetch API to warm its fetch adapter's cache (in Node it picks the http adapter), and it looks up the
 * global FormData for isFormData(). The probe is dropped (it runs on first use of fetch instead), and the lookup moves
 * behind isFormData's own checks, so that it happens only for a non-plain object with an append() method: the same
 * answers, for every value, without the load. Each patch must apply exactly once, or the build fails.
 */
const AXIOS_PATCHES = [
  { name: 'fetch warm-up', find: '\ngetFetch();\n', replace: '\n' },
  // https-proxy-agent (with agent-base, tls and assert) serves only HTTPS requests through a proxy: loaded when one is made.
  {
    name: 'https-proxy-agent at start-up',
    find: "\nvar HttpsProxyAgent = require('https-proxy-agent');\n",
    replace: "\nvar HttpsProxyAgent = new Proxy(function HttpsProxyAgent() {}, { construct: (_target, args) => Reflect.construct(require('https-proxy-agent'), args), get: (_target, key) => require('https-proxy-agent')[key] });\n",
  },
  // response.duration (which facetsctl never reads) on the wall clock: the global performance loads perf_hooks (~10 modules) on first use.
  {
    name: 'performance clock',
    find: "\nfunction resolveClock() {\n  return typeof performance !== 'undefined' && utils$1.isFunction(performance.now) ? () => performance.now() : Date.now;\n}\n",
    replace: "\nfunction resolveClock() {\n  return Date.now;\n}\n",
  },
  // node:http2 (~3 ms to load) serves only requests made with httpVersion 2: loaded on first use of one of its members.
  { name: 'http2 at start-up', find: "\nvar http2 = require('http2');\n", replace: "\nvar http2 = new Proxy({}, { get: (_target, key) => require('http2')[key] });\n" },
  {
    name: 'FormData lookup',
    find: `const FormDataCtor = typeof G.FormData !== 'undefined' ? G.FormData : undefined;
const isFormData = thing => {
  if (!thing) return false;
  if (FormDataCtor && thing instanceof FormDataCtor) return true;
  // Reject plain objects inheriting directly from Object.prototype so prototype-pollution gadgets can't spoof FormData.
  const proto = getPrototypeOf(thing);
  if (!proto || proto === Object.prototype) return false;
  if (!isFunction$1(thing.append)) return false;
`,
    replace: `let FormDataCtor;
const isFormData = thing => {
  if (!thing) return false;
  // Reject plain objects inheriting directly from Object.prototype so prototype-pollution gadgets can't spoof FormData.
  const proto = getPrototypeOf(thing);
  if (!proto || proto === Object.prototype) return false;
  if (!isFunction$1(thing.append)) return false;
  if (FormDataCtor === undefined) FormDataCtor = typeof G.FormData !== 'undefined' ? G.FormData : null;
  if (FormDataCtor && thing instanceof FormDataCtor) return true;
`,
  },
];

/** docker-modem formats every request's options (util.inspect, ~1.5 ms each) for its debug log even when that log is off. */
const MODEM_PATCHES = [
  { name: 'request log', find: "\n  debug('Sending: %s', util.inspect(options, {", replace: "\n  if (debug.enabled) debug('Sending: %s', util.inspect(options, {" },
];

/** commander loads child_process at start-up for executable subcommands (`git-style`), which facetsctl does not have. */
const COMMANDER_PATCHES = [
  { name: 'child_process at start-up', find: "\nconst childProcess = require('node:child_process');\n", replace: "\nconst childProcess = new Proxy({}, { get: (_target, key) => require('node:child_process')[key] });\n" },
];

function patchText(text, file, patches = AXIOS_PATCHES) {
  for (const { name, find, replace } of patches) {
    if (text.split(find).length !== 2) throw new Error(`${file}: the ${name} patch does not apply (its text is not there exactly once); check that dependency's version`);
    text = text.replace(find, replace);
  }
  return text;
}

const patchAxios = (text, file) => patchText(text, file, AXIOS_PATCHES);

/** Which of the patches above were applied: each one must be, or the build fails (a dependency changed shape). */
const patched = new Set();

const plugin = {
  name: 'facetsctl-bundle',
  setup(build) {
    // The same file Node loads for require('axios') (also for TypeScript's import): one module, the tested one.
    build.onResolve({ filter: /^axios$/ }, () => ({ path: require.resolve('axios', { paths: [REPO] }) }));
    build.onLoad({ filter: /[\\/]axios[\\/]dist[\\/]node[\\/]axios\.cjs$/ }, async (args) => {
      patched.add('axios');
      return { contents: patchAxios(await fs.promises.readFile(args.path, 'utf8'), args.path), loader: 'js' };
    });
    build.onLoad({ filter: /[\\/]docker-modem[\\/]lib[\\/]modem\.js$/ }, async (args) => {
      patched.add('docker-modem');
      return { contents: patchText(await fs.promises.readFile(args.path, 'utf8'), args.path, MODEM_PATCHES), loader: 'js' };
    });
    build.onResolve({ filter: /^bindings$/ }, (args) => (/[\\/]better-sqlite3[\\/]lib[\\/]database\.js$/.test(args.importer) ? { path: 'better-sqlite3-addon', namespace: 'facetsctl-addon' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'facetsctl-addon' }, () => ({ contents: SQLITE_ADDON, loader: 'js' }));
    build.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, async (args) => {
      patched.add('commander');
      return { contents: patchText(await fs.promises.readFile(args.path, 'utf8'), args.path, COMMANDER_PATCHES), loader: 'js' };
    });
    build.onResolve({ filter: /^form-data$/ }, () => ({ path: 'form-data', namespace: 'facetsctl-stub' }));
    build.onLoad({ filter: /.*/, namespace: 'facetsctl-stub' }, () => ({ contents: FORM_DATA_STUB, loader: 'js' }));
    // dockerode requires its BuildKit progress decoder (protobufjs, .proto files) inside followProgress, which push does not use.
    build.onResolve({ filter: /^\.\/buildkit$/ }, (args) => (/[\\/]dockerode[\\/]lib[\\/]docker\.js$/.test(args.importer) ? { path: 'dockerode/lib/buildkit.js', external: true } : undefined));
    build.onResolve({ filter: /^\.\/(session|ssh)$/ }, (args) => {
      const lazy = LAZY.findIndex((l) => l.request === args.path && l.importer.test(args.importer));
      return lazy < 0 ? undefined : { path: String(lazy), namespace: 'facetsctl-lazy' };
    });
    build.onLoad({ filter: /.*/, namespace: 'facetsctl-lazy' }, (args) => ({ contents: lazyModule(LAZY[Number(args.path)]), loader: 'js', resolveDir: REPO }));
    // What the lazy modules load at run time stays outside the bundle.
    build.onResolve({ filter: /^(dockerode\/lib\/session\.js|docker-modem\/lib\/ssh\.js)$/ }, (args) => ({ path: args.path, external: true }));
  },
};

async function bundle({ outfile = OUTFILE } = {}) {
  const result = await esbuild.build({
    entryPoints: [path.join(REPO, 'src', 'cli', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // commander and our errors are told apart by constructor names, which the bundle must keep.
    keepNames: true,
    sourcemap: 'linked',
    external: EXTERNAL,
    plugins: [plugin],
    logLevel: 'warning',
    metafile: true,
    // ASCII only: bin/facetsctl's loader reads it as latin1, the cheapest way to a string.
    charset: 'ascii',
    minifyWhitespace: true,
    minifySyntax: true,
  });
  if (!patched.has('axios')) throw new Error('axios was not bundled from dist/node/axios.cjs: its patches were not applied');
  if (!patched.has('commander')) throw new Error('commander was not bundled from lib/command.js: its patch was not applied');
  if (!patched.has('docker-modem')) throw new Error('docker-modem was not bundled from lib/modem.js: its patch was not applied');
  const bundled = Object.keys(result.metafile.inputs);
  if (!bundled.includes('facetsctl-addon:better-sqlite3-addon')) throw new Error("better-sqlite3 no longer requires 'bindings' from lib/database.js: check how that version loads its addon");
  const leaked = bundled.filter((f) => /node_modules[\\/](form-data|ssh2|@grpc|protobufjs|bindings)[\\/]/.test(f));
  if (leaked.length) throw new Error(`the bundle must not contain ${leaked.join(', ')}`);
  return { outfile, inputs: bundled.length, bytes: result.metafile.outputs[path.relative(process.cwd(), outfile)]?.bytes };
}

if (require.main === module) {
  bundle().then(
    ({ outfile, inputs }) => process.stderr.write(`bundled ${inputs} modules into ${path.relative(REPO, outfile)}\n`),
    (e) => {
      process.stderr.write(`bundle: ${e.stack || e}\n`);
      process.exitCode = 1;
    },
  );
}

module.exports = { bundle, patchAxios, EXTERNAL, OUTFILE };
