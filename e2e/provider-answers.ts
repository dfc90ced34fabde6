/**
 * A caching relay between terraform and one AWS provider process (TF_REATTACH_PROVIDERS points at
 * it): every gRPC call is passed through unchanged, except that the provider's answers to the two
 * calls that depend on nothing but their request are kept and given again when the same request
 * comes back:
 * - `PrepareProviderConfig` (terraform's ValidateProviderConfig): the AWS provider's SDKv2 half
 *   runs `InternalValidate` over the schema of every resource and data source it has before it
 *   looks at the configuration (terraform-plugin-sdk v2, helper/schema/provider.go, `Validate`),
 *   about 2.8 s of CPU, and terraform asks two or three times per command (validate walk,
 *   ConfigureProvider of the plan walk, of the apply walk). The answer is a function of the request's
 *   bytes, the binary and the process's environment, none of which changes during a run.
 * - `GetSchema`: the whole provider schema, the same for every process of one binary.
 *
 * The answers can be shared by the relays of every process started from one provider binary with
 * one environment (an {@link AnswerCache} per binary): a new process's first validation of a
 * configuration another process of the run has validated is answered too.
 *
 * Nothing else is cached: ConfigureProvider (credentials, the assumed role), every read, plan,
 * apply and import reach the provider as terraform sent them. Only answers with grpc-status 0 are
 * kept. docs/testing.md, "Provider answers", says what it saves.
 */
import { createHash } from "node:crypto";
import { rmSync } from "node:fs";
import http2 from "node:http2";
import net from "node:net";

/** The gRPC methods whose answers are kept (tfplugin5; the AWS provider speaks protocol 5). */
const CACHED_METHODS: readonly string[] = ["/tfplugin5.Provider/PrepareProviderConfig", "/tfplugin5.Provider/GetSchema"];

/** HTTP/2 settings for both sides: the schema answer is megabytes, in one message. */
const SETTINGS: http2.Settings = { initialWindowSize: 16 * 1024 * 1024 };
const SESSION_MEMORY_MB = 512;

interface Answer {
  readonly headers: http2.OutgoingHttpHeaders;
  readonly body: Buffer;
  readonly trailers: http2.OutgoingHttpHeaders;
}

/**
 * Answers by method and request digest. Share one only between relays of processes started from
 * the same provider binary with the same environment.
 */
export type AnswerCache = Map<string, Answer>;

/** Counts of the cached methods' calls, answered from the cache or by the provider. */
export interface AnswerCounts {
  fromCache: number;
  fromProvider: number;
}

/** Response headers as a server stream may send them again: `:status` and the non-pseudo headers. */
function responseHeaders(headers: http2.IncomingHttpHeaders): http2.OutgoingHttpHeaders {
  const out: http2.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (name === ":status" || !name.startsWith(":")) out[name] = value;
  return out;
}

/** Request headers for the provider: method, path and the gRPC headers (authority and scheme are the client's own). */
function requestHeaders(headers: http2.IncomingHttpHeaders): http2.OutgoingHttpHeaders {
  const out: http2.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers))
    if (!name.startsWith(":") || name === ":method" || name === ":path") out[name] = value;
  return out;
}

export class ProviderAnswers {
  /** What the cached methods cost: answered here, or asked of the provider. */
  readonly counts: AnswerCounts = { fromCache: 0, fromProvider: 0 };

  private constructor(
    /** The socket terraform connects to (put into TF_REATTACH_PROVIDERS' Addr.String). */
    readonly socket: string,
    private readonly server: http2.Http2Server,
    private readonly upstream: http2.ClientHttp2Session,
    private readonly answers: AnswerCache,
  ) {}

  /**
   * Listens on `socket` (a unix socket path, removed first) and relays to the provider's socket.
   * @param providerSocket the Addr.String the provider printed in its TF_REATTACH_PROVIDERS
   * @param answers the cache to read and fill
   * @default answers: a cache of this relay's own
   */
  static async start(providerSocket: string, socket: string, answers: AnswerCache = new Map()): Promise<ProviderAnswers> {
    rmSync(socket, { force: true });
    const upstream = http2.connect("http://localhost", {
      createConnection: () => net.connect(providerSocket),
      settings: SETTINGS,
      maxSessionMemory: SESSION_MEMORY_MB,
    });
    await new Promise<void>((resolve, reject) => {
      upstream.once("connect", () => resolve());
      upstream.once("error", reject);
    });
    const server = http2.createServer({ settings: SETTINGS, maxSessionMemory: SESSION_MEMORY_MB });
    const relay = new ProviderAnswers(socket, server, upstream, answers);
    // A provider that went away fails the calls in flight (terraform reports them); nothing to add here.
    upstream.on("error", () => undefined);
    server.on("stream", (stream, headers) => relay.onStream(stream, headers));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(socket, () => resolve());
    });
    return relay;
  }

  stop(): void {
    this.server.close();
    this.upstream.destroy();
    rmSync(this.socket, { force: true });
  }

  private onStream(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
    stream.on("error", () => undefined);
    const method = headers[":path"] ?? "";
    if (!CACHED_METHODS.includes(method)) {
      this.relay(stream, headers);
      return;
    }
    const parts: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => parts.push(chunk));
    stream.on("end", () => {
      const body = Buffer.concat(parts);
      const key = `${method} ${createHash("sha256").update(body).digest("hex")}`;
      const kept = this.answers.get(key);
      if (kept !== undefined) {
        this.counts.fromCache += 1;
        stream.respond(kept.headers, { waitForTrailers: true });
        stream.on("wantTrailers", () => stream.sendTrailers(kept.trailers));
        stream.end(kept.body);
        return;
      }
      this.counts.fromProvider += 1;
      this.relay(stream, headers, body, (answer) => {
        if (answer.trailers["grpc-status"] === "0") this.answers.set(key, answer);
      });
    });
  }

  /**
   * Passes one call to the provider and its answer back, streaming both ways (the plugin's broker
   * and stdio calls are streams). With `body`, the request was read already; `onAnswer` gets a
   * complete answer (headers, body, trailers), for the cache.
   */
  private relay(
    stream: http2.ServerHttp2Stream,
    headers: http2.IncomingHttpHeaders,
    body?: Buffer,
    onAnswer?: (answer: Answer) => void,
  ): void {
    let call: http2.ClientHttp2Stream;
    try {
      call = this.upstream.request(requestHeaders(headers), { endStream: false });
    } catch (error) {
      stream.destroy(error as Error);
      return;
    }
    const chunks: Buffer[] = [];
    let answerHeaders: http2.OutgoingHttpHeaders | undefined;
    let trailers: http2.OutgoingHttpHeaders | undefined;
    call.on("response", (received) => {
      answerHeaders = responseHeaders(received);
      // A trailers-only answer (an error before any message) carries grpc-status in its headers.
      stream.respond(answerHeaders, { waitForTrailers: received["grpc-status"] === undefined });
    });
    call.on("data", (chunk: Buffer) => {
      if (onAnswer !== undefined) chunks.push(chunk);
      stream.write(chunk);
    });
    call.on("trailers", (received) => (trailers = responseHeaders(received)));
    stream.on("wantTrailers", () =>
      stream.sendTrailers(trailers ?? { "grpc-status": "13", "grpc-message": "e2e relay: the provider's answer ended without trailers" }),
    );
    call.on("end", () => {
      stream.end();
      if (onAnswer !== undefined && answerHeaders !== undefined && trailers !== undefined)
        onAnswer({ headers: answerHeaders, body: Buffer.concat(chunks), trailers });
    });
    call.on("error", (error) => stream.destroy(error));
    stream.on("close", () => {
      if (!call.closed) call.close(http2.constants.NGHTTP2_CANCEL);
    });
    if (body !== undefined) call.end(body);
    else stream.pipe(call);
  }
}
