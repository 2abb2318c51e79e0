// The package ships no types; tests/helpers/prometheus.ts describes its output.
declare module "parse-prometheus-text-format" {
  export default function parsePrometheusTextFormat(text: string): unknown[];
}
