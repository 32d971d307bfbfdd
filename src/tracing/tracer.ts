import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { Tracer } from '@opentelemetry/api';

/**
 * OpenTelemetry tracing for `--enable-trace` (SMG's flags). `--otlp-traces-endpoint` is, as
 * in SMG, `host:port` of an OTLP/gRPC collector (default localhost:4317); collie also accepts
 * an `http://` or `https://` URL for OTLP/HTTP (JSON; `/v1/traces` appended when the URL has
 * no path). Spans are batched and exported off the request path.
 */
export interface Tracing {
  readonly tracer: Tracer;
  /** Exports what is buffered (tests, shutdown). */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  readonly endpoint: string;
  readonly serviceName?: string;
  readonly serviceVersion?: string;
  /** Batch export delay, ms (default 1000). */
  readonly exportDelayMs?: number;
}

/** The exporter for an endpoint string: URL → OTLP/HTTP, host:port → OTLP/gRPC. */
export function createExporter(endpoint: string): SpanExporter {
  if (/^https?:\/\//i.test(endpoint)) {
    const { OTLPTraceExporter } =
      require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http'); // eslint-disable-line @typescript-eslint/no-require-imports
    const url = new URL(endpoint);
    if (url.pathname === '/' || url.pathname === '') url.pathname = '/v1/traces';
    return new OTLPTraceExporter({ url: url.toString() });
  }
  const { OTLPTraceExporter } =
    require('@opentelemetry/exporter-trace-otlp-grpc') as typeof import('@opentelemetry/exporter-trace-otlp-grpc'); // eslint-disable-line @typescript-eslint/no-require-imports
  return new OTLPTraceExporter({ url: `http://${endpoint}` });
}

export function createTracing(opts: TracingOptions): Tracing {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: opts.serviceName ?? 'collie',
      [ATTR_SERVICE_VERSION]: opts.serviceVersion ?? 'unknown',
    }),
    spanProcessors: [
      new BatchSpanProcessor(createExporter(opts.endpoint), {
        scheduledDelayMillis: opts.exportDelayMs ?? 1000,
        maxQueueSize: 8192,
      }),
    ],
  });
  return {
    tracer: provider.getTracer('collie'),
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
