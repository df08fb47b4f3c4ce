// A POST of a large body to the portal, in 1 MB pieces, that stops sending as soon as the portal answers: for the
// tests that a body over a route's limit is refused with its answer, unread and unbuffered.
import http from "node:http";

/** `bytes` to `url` with `key`, its length declared (`declare`) or chunked; the status, error code and MB sent. */
export function sendLargeBody(url: string, key: string, bytes: number, { declare }: { declare: boolean }) {
  return new Promise<{ status: number; error?: string; sentMb: number }>((resolve, reject) => {
    const chunk = Buffer.alloc(2 ** 20, 0x20);
    let sent = 0;
    let answered = false;
    const request = http.request(url, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${key}`,
        "Content-Type": "application/json",
        ...(declare ? { "Content-Length": String(bytes) } : { "Transfer-Encoding": "chunked" }),
      },
    });
    request.on("response", async (response) => {
      answered = true;
      let text = "";
      for await (const part of response) text += part;
      request.destroy();
      resolve({ status: response.statusCode ?? 0, error: JSON.parse(text).error, sentMb: sent / 2 ** 20 });
    });
    request.on("error", (error) => {
      if (!answered) reject(error);
    });
    const pump = () => {
      while (!answered && sent < bytes) {
        sent += chunk.length;
        if (!request.write(chunk)) return void request.once("drain", pump);
      }
      if (!answered) request.end();
    };
    pump();
  });
}
