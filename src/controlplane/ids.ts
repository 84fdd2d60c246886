// Ids that sort in creation order (time, then a per-process counter), so ties on createdAt still order.
import { randomFillSync } from 'node:crypto';

let lastTime = 0;
let counter = 0;

// One call into the random source per 512 ids: each randomBytes(4) cost ~8 µs, twice per registration.
const RANDOM_BYTES_PER_ID = 4;
const pool = Buffer.alloc(RANDOM_BYTES_PER_ID * 512);
let taken = pool.length;

function randomHex(): string {
  if (taken + RANDOM_BYTES_PER_ID > pool.length) {
    randomFillSync(pool);
    taken = 0;
  }
  taken += RANDOM_BYTES_PER_ID;
  return pool.toString('hex', taken - RANDOM_BYTES_PER_ID, taken);
}

export function monotonicId(prefix: string): string {
  const now = Date.now();
  if (now > lastTime) {
    lastTime = now;
    counter = 0;
  } else {
    counter += 1;
  }
  const time = lastTime.toString(36).padStart(9, '0');
  const count = counter.toString(36).padStart(4, '0');
  return `${prefix}_${time}${count}${randomHex()}`;
}
