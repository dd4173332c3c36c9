/**
 * Streams a download: text chunks from an async generator become a `ReadableStream` of UTF-8
 * bytes, pulled one chunk at a time (the reader's pace, so a large export never sits in memory),
 * with a Content-Disposition file name. Web-standard objects only (Response, ReadableStream).
 */

/** Pull-based: the next chunk is produced only when the consumer asks; cancelling stops the generator. */
export function textStream(chunks: AsyncIterable<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator = chunks[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        // Skip empty chunks so that every pull enqueues something or closes.
        for (;;) {
          const { value, done } = await iterator.next();
          if (done) {
            controller.close();
            return;
          }
          if (value.length > 0) {
            controller.enqueue(encoder.encode(value));
            return;
          }
        }
      } catch (error) {
        console.error("[export] stream failed:", error);
        controller.error(error);
      }
    },
    async cancel() {
      await iterator.return?.(undefined);
    },
  });
}

/** `attachment; filename="…"` with an RFC 5987 UTF-8 fallback for names outside plain ASCII. */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

export function downloadResponse(download: { filename: string; contentType: string; chunks: AsyncIterable<string> }): Response {
  return new Response(textStream(download.chunks), {
    headers: {
      "Content-Type": download.contentType,
      "Content-Disposition": contentDisposition(download.filename),
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}

/** A JSON document as a download (small objects: scores, manifest). NaN/±Infinity must already be null. */
export function jsonDownloadResponse(filename: string, value: unknown): Response {
  return new Response(`${JSON.stringify(value, null, 2)}\n`, {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": contentDisposition(filename),
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
