// One line of push progress from the per-layer events: layers done and bytes sent.
import type { LayerProgress } from './push-stream';

export interface PushProgressSummary {
  layersDone: number;
  layers: number;
  bytesSent: number;
  /** Bytes of the layers being sent (layers already in the registry are not counted). */
  bytesTotal: number;
  /** Compressed so far of the layers facetsctl still compresses (native push; their size is not known yet). */
  bytesCompressing: number;
}

const isDone = (status: string): boolean => status === 'Pushed' || status === 'Layer already exists' || status.startsWith('Mounted from');

/** `expectedLayers`: the image's layer count, known before the stream has named every layer (its first line names one). */
export function summarizePushProgress(layers: LayerProgress[], expectedLayers = 0): PushProgressSummary {
  const summary: PushProgressSummary = { layersDone: 0, layers: Math.max(layers.length, expectedLayers), bytesSent: 0, bytesTotal: 0, bytesCompressing: 0 };
  for (const layer of layers) {
    if (isDone(layer.status)) summary.layersDone += 1;
    if (layer.status === 'Compressing') summary.bytesCompressing += layer.current;
    if (layer.total <= 0) continue;
    summary.bytesTotal += layer.total;
    // The engine counts tar framing too, so `current` may pass `total`.
    summary.bytesSent += layer.status === 'Pushed' ? layer.total : Math.min(layer.current, layer.total);
  }
  return summary;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

export function formatPushProgress(summary: PushProgressSummary): string {
  const bytes = summary.bytesTotal > 0 ? `, ${formatBytes(summary.bytesSent)} / ${formatBytes(summary.bytesTotal)}` : '';
  const compressing = summary.bytesCompressing > 0 ? `, ${formatBytes(summary.bytesCompressing)} compressed` : '';
  return `${summary.layersDone}/${summary.layers} layers${bytes}${compressing}`;
}
