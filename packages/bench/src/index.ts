export { startBenchServers, type BenchServers } from './bench-servers.js';
export { measureCeiling, type Ceiling } from './ceiling.js';
export { rounded, summarize, type LatencySummary } from './latency.js';
export { startOtlpSink, type OtlpSink } from './otlp-sink.js';
export { routerThroughput, rssMb, type ThroughputOptions, type ThroughputResult } from './router-throughput.js';
export { measureScale, type ScaleResult } from './scale.js';
export { type ScaleSize } from './scale-load.js';
export { BenchDesktops, type OfferSample } from './bench-desktops.js';
export { startE2eMesh, type E2eMesh } from './e2e-mesh.js';
