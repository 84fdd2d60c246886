// IOStreams: the one place that knows about terminals, color, progress and the JSON document.
import { isatty } from 'node:tty';
import type { Ora } from 'ora';
import { oneLine } from './display';
import { redact } from './redact';

export interface Writer {
  write(chunk: string): unknown;
}

export interface IOStreamsInit {
  stdout: Writer;
  stderr: Writer;
  /** Opens standard input when a command reads it: process.stdin costs ~2 ms to create and most commands never do. */
  openStdin?: () => NodeJS.ReadableStream;
  isStdinTTY: boolean;
  isStdoutTTY: boolean;
  isStderrTTY: boolean;
  env: Record<string, string | undefined>;
}

export interface OutputMode {
  json: boolean;
  quiet: boolean;
  noColor: boolean;
  /** How the one document is written (-o json|yaml); json by default. */
  documentFormat?: 'json' | 'yaml';
  /** --jq EXPR: the document goes through this filter (errors stay on stderr). */
  jq?: string;
  /** -o wide: tables show more columns. */
  wide?: boolean;
}

type Paint = (s: string) => string;
export interface Palette {
  bold: Paint;
  dim: Paint;
  green: Paint;
  yellow: Paint;
  red: Paint;
  cyan: Paint;
}

/**
 * `facetsctl ... | head -1`: once the reader of stdout is gone, the process ends quietly with exit 0, as `git log | head`
 * does; a closed stderr only loses the progress lines. Any other stream error stays fatal.
 */
export function endQuietlyWhenOutputCloses(
  stdout: NodeJS.EventEmitter,
  stderr: NodeJS.EventEmitter,
  exit: (code: number) => void = (code) => process.exit(code),
): void {
  const closed = (e: NodeJS.ErrnoException) => e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED';
  stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (!closed(e)) throw e;
    exit(0);
  });
  stderr.on('error', (e: NodeJS.ErrnoException) => {
    if (!closed(e)) throw e;
  });
}

const plain: Paint = (s) => s;
const PLAIN: Palette = { bold: plain, dim: plain, green: plain, yellow: plain, red: plain, cyan: plain };

export class IOStreams {
  readonly out: Writer;
  readonly err: Writer;
  readonly isStdinTTY: boolean;
  private readonly openStdin?: () => NodeJS.ReadableStream;
  readonly isStdoutTTY: boolean;
  readonly isStderrTTY: boolean;
  private readonly env: Record<string, string | undefined>;
  private mode: OutputMode = { json: false, quiet: false, noColor: false };
  private spinner: Ora | null = null;
  private palette: Palette | null = null;
  /** Set once a JSON document went to stdout: there is only ever one. */
  jsonWritten = false;

  constructor(init: IOStreamsInit) {
    this.out = init.stdout;
    this.err = init.stderr;
    this.isStdinTTY = init.isStdinTTY;
    this.openStdin = init.openStdin;
    this.isStdoutTTY = init.isStdoutTTY;
    this.isStderrTTY = init.isStderrTTY;
    this.env = init.env;
  }

  static fromProcess(env: Record<string, string | undefined>): IOStreams {
    return new IOStreams({
      stdout: process.stdout,
      stderr: process.stderr,
      openStdin: () => process.stdin,
      isStdinTTY: isatty(0),
      isStdoutTTY: Boolean(process.stdout.isTTY),
      isStderrTTY: Boolean(process.stderr.isTTY),
      env,
    });
  }

  /** All of stdin (e.g. --token-stdin); empty when there is none. */
  readStdin(): Promise<string> {
    const stream = this.openStdin?.();
    if (!stream) return Promise.resolve('');
    return new Promise((resolve, reject) => {
      let data = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => (data += chunk));
      stream.on('end', () => resolve(data));
      stream.on('error', reject);
    });
  }

  setMode(mode: Partial<OutputMode>): void {
    this.mode = { ...this.mode, ...mode };
    this.palette = null;
  }

  get json(): boolean {
    return this.mode.json;
  }

  get quiet(): boolean {
    return this.mode.quiet;
  }

  get jq(): string | undefined {
    return this.mode.jq;
  }

  get wide(): boolean {
    return Boolean(this.mode.wide);
  }

  get isCI(): boolean {
    const ci = this.env.CI;
    return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
  }

  /** Prompts only on a terminal (stdin and stdout), outside CI, and never with --json. */
  canPrompt(): boolean {
    return this.isStdinTTY && this.isStdoutTTY && !this.isCI && !this.mode.json;
  }

  colorEnabled(): boolean {
    if (this.mode.noColor || this.mode.json || this.isCI) return false;
    if (this.env.NO_COLOR !== undefined && this.env.NO_COLOR !== '') return false;
    return this.isStdoutTTY;
  }

  get color(): Palette {
    if (this.palette) return this.palette;
    if (!this.colorEnabled()) return (this.palette = PLAIN);
    const chalk = require('chalk') as typeof import('chalk');
    const c = new chalk.Instance({ level: 1 });
    return (this.palette = { bold: c.bold, dim: c.dim, green: c.green, yellow: c.yellow, red: c.red, cyan: c.cyan });
  }

  /** A result line on stdout (suppressed with --json: the document is the result). */
  println(line = ''): void {
    if (this.mode.json) return;
    this.stopProgress();
    this.out.write(line + '\n');
  }

  /** The one JSON document on stdout (YAML with -o yaml). */
  printJson(document: unknown): void {
    if (this.mode.documentFormat === 'yaml') return this.printText((require('yaml') as typeof import('yaml')).stringify(document, { lineWidth: 0 }));
    this.printText(JSON.stringify(document, null, 2) + '\n');
  }

  /** The one document on stdout, already written out (YAML, or what --jq made of it). */
  printText(text: string): void {
    if (this.jsonWritten) throw new Error('a JSON document was already written');
    this.stopProgress();
    this.jsonWritten = true;
    this.out.write(text);
  }

  /** Progress and information on stderr; silent with --quiet or --json. */
  info(message: string): void {
    if (this.mode.quiet || this.mode.json) return;
    this.stopProgress();
    this.err.write(oneLine(message) + '\n');
  }

  /** One line on stderr: what it echoes (input, server or engine text) is redacted, clipped and escaped. */
  warn(message: string): void {
    this.stopProgress();
    const c = this.stderrColorEnabled() ? this.color : PLAIN;
    this.err.write(`${c.yellow('warning:')} ${oneLine(redact(message))}\n`);
  }

  /** A spinner on a TTY only; plain one-line progress otherwise (unless quiet/json). */
  startProgress(progress: string): void {
    if (this.mode.quiet || this.mode.json) return;
    const text = oneLine(progress);
    if (this.isStderrTTY && !this.isCI) {
      if (this.spinner) {
        this.spinner.text = text;
        return;
      }
      const ora = require('ora') as typeof import('ora');
      this.spinner = ora({ text, stream: this.err as NodeJS.WritableStream, color: 'cyan' }).start();
      return;
    }
    this.err.write(text + '\n');
  }

  stopProgress(): void {
    if (!this.spinner) return;
    this.spinner.stop();
    this.spinner = null;
  }

  private stderrColorEnabled(): boolean {
    return this.isStderrTTY && !this.mode.noColor && !this.mode.json && !this.isCI && !(this.env.NO_COLOR ?? '');
  }
}
