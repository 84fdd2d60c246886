// Ids that sort in creation order (time, then a per-process counter), so ties on createdAt still order.
import { randomBytes } from 'node:crypto';

let lastTime = 0;
let counter = 0;

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
  return `${prefix}_${time}${count}${randomBytes(4).toString('hex')}`;
}
