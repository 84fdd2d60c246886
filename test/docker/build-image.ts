// Builds test images in the real engine without a network: FROM scratch + COPY of random bytes.
import crypto from 'node:crypto';
import Docker from 'dockerode';

/** One ustar entry (header + data padded to 512 bytes). */
function tarEntry(name: string, data: Buffer): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0);
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124);
  header.write(`${Math.floor(Date.now() / 1000).toString(8).padStart(11, '0')}\0`, 136);
  header.write('        ', 148);
  header.write('0', 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return Buffer.concat([header, data, Buffer.alloc((512 - (data.length % 512)) % 512)]);
}

export function buildContext(files: Record<string, Buffer>): Buffer {
  return Buffer.concat([...Object.entries(files).map(([name, data]) => tarEntry(name, data)), Buffer.alloc(1024)]);
}

/** Builds `tag` from `layers` random layers of `bytes` each; returns the image id. */
export async function buildRandomImage(docker: Docker, tag: string, options: { bytes?: number; layers?: number } = {}): Promise<string> {
  const layers = options.layers ?? 1;
  const files: Record<string, Buffer> = {};
  let dockerfile = 'FROM scratch\n';
  for (let i = 0; i < layers; i++) {
    files[`blob${i}`] = crypto.randomBytes(options.bytes ?? 4096);
    dockerfile += `COPY blob${i} /blob${i}\n`;
  }
  const stream = await docker.buildImage(buildContext({ Dockerfile: Buffer.from(dockerfile), ...files }) as unknown as NodeJS.ReadableStream, { t: tag, rm: true });
  const output = await new Promise<Array<{ error?: string; aux?: { ID?: string } }>>((resolve, reject) =>
    docker.modem.followProgress(stream, (error: Error | null, result: Array<{ error?: string }>) => (error ? reject(error) : resolve(result))),
  );
  const failed = output.find((line) => line.error);
  if (failed) throw new Error(`building ${tag} failed: ${failed.error}`);
  return (await docker.getImage(tag).inspect()).Id;
}

/** Collects the engine's raw push stream as it sent it, for the parser tests. */
export async function rawPush(docker: Docker, name: string, tag: string, authconfig?: Docker.AuthConfig): Promise<Buffer> {
  const stream = await docker.getImage(name).push({ tag, ...(authconfig ? { authconfig } : {}) } as Docker.ImagePushOptions);
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}
