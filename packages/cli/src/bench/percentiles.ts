// Percentiles live in @switchboard/bench now (the router, scale and e2e figures use them too).
export { summarize, type LatencySummary } from '@switchboard/bench';
