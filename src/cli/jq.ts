// --jq: jq itself (compiled to WebAssembly, the jq-wasm package), loaded only when a filter is given: no jq binary needed.
import { usage } from '../core/errors';

/** jq's output for `document` (strings raw, as `jq -r` and gh's --jq print them), without the final newline. */
export async function runJq(expression: string, document: unknown): Promise<string> {
  const jq = require('jq-wasm') as typeof import('jq-wasm');
  try {
    return await jq.raw(JSON.stringify(document), expression, ['-r']);
  } catch (e) {
    // jq's own words, one line: "jq: error: syntax error, unexpected INVALID_CHARACTER ... ; jq: 1 compile error".
    const said = ((e as Error).message ?? String(e)).split('\n').map((l) => l.trim()).filter(Boolean).join('; ');
    throw usage(`--jq ${expression}: ${said}`, 'see the jq manual (https://jqlang.org/manual/); the fields are those of the --json document', { expression });
  }
}
