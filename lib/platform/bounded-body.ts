// Reading a body without trusting its size: a declared Content-Length over the limit is refused before anything is
// read, and a streamed body is counted chunk by chunk and cancelled at the limit (not drained). Used for what Anaplan
// answers and for what callers send the portal, so neither can make a process buffer a large body.

/** The body's bytes, or undefined when it is over `limitBytes`. */
export async function readBounded(
  message: { headers: Headers; body: ReadableStream<Uint8Array> | null },
  limitBytes: number,
): Promise<Uint8Array | undefined> {
  if (Number(message.headers.get("content-length") ?? Number.NaN) > limitBytes) {
    message.body?.cancel().catch(() => {});
    return undefined;
  }
  if (!message.body) return new Uint8Array();
  const reader = message.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    size += next.value.byteLength;
    if (size > limitBytes) {
      reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(next.value);
  }
  return Buffer.concat(chunks);
}
