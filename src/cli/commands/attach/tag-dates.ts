// Build times for "newest first": the image config's `created` of the likeliest-newest tags, a few lookups at a time.
import type { RegistryReader } from '../../../workflow/context';
import { orderTagsNewestFirst } from './tag-order';

export interface TagDatesOptions {
  /** How many tags get a lookup (the first by version order); default 50. */
  limit?: number;
  /** Lookups in flight at once; default 4. */
  concurrency?: number;
  /** After this long the list is shown ordered by version alone, rather than keep a person waiting; default 10 s. */
  budgetMs?: number;
  /** Told about each lookup that failed (the tag just has no date) and about giving up. */
  onProblem?: (message: string) => void;
}

// The registry as a whole cannot answer: asking about the remaining tags would only repeat the failure.
const REGISTRY_WIDE = new Set(['UNREACHABLE', 'TLS', 'UNAUTHORIZED', 'DENIED']);

function reasonOf(error: unknown): string | undefined {
  return (error as { details?: { reason?: string } } | null)?.details?.reason;
}

/** tag -> `created` for those of the first `limit` tags whose config has one; never rejects. */
export async function tagCreatedTimes(reader: RegistryReader, repository: string, tags: readonly string[], options: TagDatesOptions = {}): Promise<Map<string, string>> {
  const { limit = 50, concurrency = 4, budgetMs = 10_000, onProblem = () => {} } = options;
  const queue = orderTagsNewestFirst(tags).slice(0, limit);
  const created = new Map<string, string>();
  let stopped = false;
  const worker = async () => {
    for (let tag = queue.shift(); tag !== undefined && !stopped; tag = queue.shift()) {
      try {
        const time = await reader.imageCreated(repository, tag);
        if (time !== null) created.set(tag, time);
      } catch (error) {
        onProblem(`no build time for ${repository}:${tag}: ${(error as Error).message}`);
        if (REGISTRY_WIDE.has(reasonOf(error) ?? '')) stopped = true;
      }
    }
  };
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'expired'>((resolve) => {
    timer = setTimeout(() => resolve('expired'), budgetMs);
  });
  const work = Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker)).then(() => 'done' as const);
  const outcome = await Promise.race([work, expired]);
  clearTimeout(timer);
  if (outcome === 'expired') {
    stopped = true;
    // A partial set of dates would put older dated tags above newer undated ones: order by version alone instead.
    onProblem(`build times of ${repository}'s tags took longer than ${budgetMs} ms; ordering tags by version`);
    return new Map();
  }
  return created;
}
