import http2 from "node:http2";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProviderAnswers } from "../../e2e/provider-answers";

/**
 * The relay between terraform and a provider process, against a stand-in provider: an HTTP/2
 * server on a unix socket that answers as a gRPC server does (headers, messages, trailers) and
 * counts what reaches it.
 */
const dir = mkdtempSync(path.join(tmpdir(), "provider-answers-"));
const providerSocket = path.join(dir, "provider.sock");
const reached: string[] = [];
let failNextSchema = true;

const provider = http2.createServer();
provider.on("stream", (stream, headers) => {
  const method = String(headers[":path"]);
  reached.push(method);
  if (method === "/tfplugin5.Provider/Unimplemented") {
    // A trailers-only answer: grpc-status in the headers, no message.
    stream.respond({ ":status": 200, "content-type": "application/grpc", "grpc-status": "12" }, { endStream: true });
    return;
  }
  if (method === "/plugin.GRPCBroker/StartStream") {
    // A stream both ways: every message the client sends is answered at once, before the client ends.
    stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
    stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
    stream.on("data", (chunk: Buffer) => stream.write(Buffer.concat([Buffer.from("echo:"), chunk])));
    stream.on("end", () => stream.end());
    return;
  }
  const parts: Buffer[] = [];
  stream.on("data", (chunk: Buffer) => parts.push(chunk));
  stream.on("end", () => {
    const failing = method === "/tfplugin5.Provider/GetSchema" && failNextSchema;
    if (method === "/tfplugin5.Provider/GetSchema") failNextSchema = false;
    stream.respond({ ":status": 200, "content-type": "application/grpc", "x-answer": String(reached.length) }, { waitForTrailers: true });
    stream.on("wantTrailers", () =>
      stream.sendTrailers(failing ? { "grpc-status": "14", "grpc-message": "unavailable" } : { "grpc-status": "0" }),
    );
    stream.end(failing ? Buffer.alloc(0) : Buffer.concat([Buffer.from(`answer ${reached.length} to `), ...parts]));
  });
});

let relay: ProviderAnswers;
let client: http2.ClientHttp2Session;

interface Answer {
  headers: http2.IncomingHttpHeaders;
  body: string;
  trailers: http2.IncomingHttpHeaders;
}

function call(method: string, body: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const stream = client.request({ ":method": "POST", ":path": method, "content-type": "application/grpc", te: "trailers" });
    let headers: http2.IncomingHttpHeaders = {};
    let trailers: http2.IncomingHttpHeaders = {};
    const parts: Buffer[] = [];
    stream.on("response", (received) => (headers = received));
    stream.on("trailers", (received) => (trailers = received));
    stream.on("data", (chunk: Buffer) => parts.push(chunk));
    stream.on("end", () => resolve({ headers, body: Buffer.concat(parts).toString(), trailers }));
    stream.on("error", reject);
    stream.end(body);
  });
}

beforeAll(async () => {
  await new Promise<void>((resolve) => provider.listen(providerSocket, () => resolve()));
  relay = await ProviderAnswers.start(providerSocket, path.join(dir, "relay.sock"));
  client = http2.connect("http://localhost", { createConnection: () => net.connect(relay.socket) });
});

afterAll(() => {
  client.destroy();
  relay.stop();
  provider.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the provider relay of the end-to-end suite", () => {
  it("asks the provider once for a repeated validation of the same configuration and gives its answer again, byte for byte", async () => {
    const before = reached.length;
    const first = await call("/tfplugin5.Provider/PrepareProviderConfig", "config A");
    const second = await call("/tfplugin5.Provider/PrepareProviderConfig", "config A");
    expect(reached.length - before).toBe(1);
    expect(first.body).toMatch(/^answer \d+ to config A$/);
    expect(second.body).toBe(first.body);
    expect(second.headers["x-answer"]).toBe(first.headers["x-answer"]);
    expect(second.trailers["grpc-status"]).toBe("0");
  });

  it("asks the provider again when the configuration differs by a byte", async () => {
    const before = reached.length;
    const a = await call("/tfplugin5.Provider/PrepareProviderConfig", "config B");
    const b = await call("/tfplugin5.Provider/PrepareProviderConfig", "config C");
    expect(reached.length - before).toBe(2);
    expect(a.body).toMatch(/to config B$/);
    expect(b.body).toMatch(/to config C$/);
  });

  it("passes every call that changes or reads the world to the provider, each time", async () => {
    const before = reached.length;
    const first = await call("/tfplugin5.Provider/ApplyResourceChange", "same change");
    const second = await call("/tfplugin5.Provider/ApplyResourceChange", "same change");
    await call("/tfplugin5.Provider/Configure", "same role");
    await call("/tfplugin5.Provider/Configure", "same role");
    expect(reached.slice(before)).toEqual([
      "/tfplugin5.Provider/ApplyResourceChange",
      "/tfplugin5.Provider/ApplyResourceChange",
      "/tfplugin5.Provider/Configure",
      "/tfplugin5.Provider/Configure",
    ]);
    expect(second.body).not.toBe(first.body);
  });

  it("keeps no failed answer: the schema call after a failure reaches the provider, and the one after that does not", async () => {
    const before = reached.length;
    const failed = await call("/tfplugin5.Provider/GetSchema", "");
    expect(failed.trailers["grpc-status"]).toBe("14");
    const answered = await call("/tfplugin5.Provider/GetSchema", "");
    const again = await call("/tfplugin5.Provider/GetSchema", "");
    expect(answered.trailers["grpc-status"]).toBe("0");
    expect(again.body).toBe(answered.body);
    expect(reached.slice(before)).toEqual(["/tfplugin5.Provider/GetSchema", "/tfplugin5.Provider/GetSchema"]);
  });

  it("passes a trailers-only answer (an error before any message) as it came", async () => {
    const answer = await call("/tfplugin5.Provider/Unimplemented", "x");
    expect(answer.headers["grpc-status"]).toBe("12");
    expect(answer.body).toBe("");
  });

  it("relays a stream both ways while it is open (the plugin's broker)", async () => {
    const stream = client.request({ ":method": "POST", ":path": "/plugin.GRPCBroker/StartStream", "content-type": "application/grpc" });
    const echoes: string[] = [];
    const next = () => new Promise<string>((resolve) => stream.once("data", (chunk: Buffer) => resolve(chunk.toString())));
    stream.write("one");
    echoes.push(await next());
    stream.write("two");
    echoes.push(await next());
    const trailers = new Promise<http2.IncomingHttpHeaders>((resolve) => stream.once("trailers", resolve));
    stream.end();
    stream.resume();
    expect(echoes).toEqual(["echo:one", "echo:two"]);
    expect((await trailers)["grpc-status"]).toBe("0");
  });

  it("answers a second relay's first validation from a cache the two share, and never from a cache it does not share", async () => {
    const shared = new Map();
    const first = await ProviderAnswers.start(providerSocket, path.join(dir, "first.sock"), shared);
    const second = await ProviderAnswers.start(providerSocket, path.join(dir, "second.sock"), shared);
    const own = await ProviderAnswers.start(providerSocket, path.join(dir, "own.sock"));
    const through = (relay: ProviderAnswers) => http2.connect("http://localhost", { createConnection: () => net.connect(relay.socket) });
    const clients = [through(first), through(second), through(own)];
    try {
      const ask = (session: http2.ClientHttp2Session) =>
        new Promise<string>((resolve, reject) => {
          const stream = session.request({ ":method": "POST", ":path": "/tfplugin5.Provider/PrepareProviderConfig" });
          const parts: Buffer[] = [];
          stream.on("data", (chunk: Buffer) => parts.push(chunk));
          stream.on("end", () => resolve(Buffer.concat(parts).toString()));
          stream.on("error", reject);
          stream.end("config shared");
        });
      const before = reached.length;
      const [a, b, c] = clients as [http2.ClientHttp2Session, http2.ClientHttp2Session, http2.ClientHttp2Session];
      const answerA = await ask(a);
      const answerB = await ask(b);
      await ask(c);
      expect(answerB).toBe(answerA);
      expect(reached.length - before).toBe(2);
      expect([first.counts, second.counts, own.counts]).toEqual([
        { fromCache: 0, fromProvider: 1 },
        { fromCache: 1, fromProvider: 0 },
        { fromCache: 0, fromProvider: 1 },
      ]);
    } finally {
      for (const session of clients) session.destroy();
      for (const relay of [first, second, own]) relay.stop();
    }
  });

  it("counts the cached calls answered from the cache and by the provider", () => {
    // Above: validations A, A (cache), B, C; schema failed, answered, again (cache).
    expect(relay.counts).toEqual({ fromCache: 2, fromProvider: 5 });
  });
});
