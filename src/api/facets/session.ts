// One conversation with a Facets control plane: the transport, answers kept for the life of a command (environments,
// resources), and the calls whose answer the reference leaves empty but serve fills when asked (Prefer header).
import { FacetsError } from '../../core/errors';
import { HttpTransport, type HttpCall, type HttpResult, type HttpTransportOptions } from '../http-transport';

export const V1 = '/cc-ui/v1';
/** Asks for the representation where the reference answers 200 without a body; a Facets control plane ignores it. */
export const REPRESENTATION = { prefer: 'return=representation' };

export const isEmpty = (data: unknown): boolean => data === undefined || data === null || data === '';

export class FacetsSession {
  readonly transport: HttpTransport;
  private readonly memos = new Map<string, Promise<unknown>>();
  /** Whether this control plane answers `Prefer: return=representation` (serve) or not (Facets); undefined until a write says. */
  honorsPrefer: boolean | undefined;
  /** Told what a write showed, to remember it per control plane. */
  onHonorsPrefer?: (honors: boolean) => void;

  constructor(options: HttpTransportOptions) {
    this.transport = new HttpTransport(options);
  }

  get url(): string {
    return this.transport.url;
  }

  async call<T>(call: HttpCall): Promise<T> {
    return (await this.request<T>(call)).data;
  }

  /** A write may change what was kept (a new CI name, a new environment): later reads ask again. */
  async request<T>(call: HttpCall): Promise<HttpResult<T>> {
    try {
      return await this.transport.request<T>(call);
    } finally {
      if (call.method !== 'GET') this.memos.clear();
    }
  }

  get<T>(path: string, query?: HttpCall['query']): Promise<T> {
    return this.call<T>({ method: 'GET', path, query });
  }

  /** A write whose reference answer is an empty 200: serve's representation when it gives one, else undefined. */
  async write<T>(call: HttpCall): Promise<T | undefined> {
    return (await this.writeWithHeaders<T>(call)).data;
  }

  async writeWithHeaders<T>(call: HttpCall): Promise<{ data: T | undefined; headers: Record<string, string> }> {
    const answer = await this.request<T | ''>({ ...call, headers: { ...call.headers, ...REPRESENTATION } });
    const honors = !isEmpty(answer.data);
    if (honors !== this.honorsPrefer) {
      this.honorsPrefer = honors;
      this.onHonorsPrefer?.(honors);
    }
    return { data: honors ? (answer.data as T) : undefined, headers: answer.headers };
  }

  /** One answer per key for the life of this session (a command). */
  memo<T>(key: string, load: () => Promise<T>): Promise<T> {
    let memo = this.memos.get(key) as Promise<T> | undefined;
    if (!memo) {
      memo = load();
      this.memos.set(key, memo);
      memo.catch(() => this.memos.delete(key));
    }
    return memo;
  }

  forget(key: string): void {
    this.memos.delete(key);
  }

  /** What a Facets control plane without facetsctl's extensions cannot do: one line, exit 11, nothing changed. */
  notOffered(what: string, hint: string): FacetsError {
    return new FacetsError(
      'NOT_OFFERED',
      `the control plane at ${this.url} speaks the Facets API without facetsctl's extensions, which ${what} needs; nothing was changed`,
      hint,
      { url: this.url },
    );
  }
}
