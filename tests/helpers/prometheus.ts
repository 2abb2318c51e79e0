/**
 * Reads a Prometheus text exposition the way a scraper would: every line must be a comment
 * (`# HELP`, `# TYPE`) or a sample, then parse-prometheus-text-format turns it into metric
 * families. Throws on anything a scraper would refuse.
 */
import parsePrometheusTextFormat from "parse-prometheus-text-format";

export interface MetricFamily {
  name: string;
  help: string;
  type: "COUNTER" | "GAUGE" | "HISTOGRAM" | "SUMMARY" | "UNTYPED";
  metrics: Array<{ value?: string; labels?: Record<string, string>; buckets?: Record<string, string>; count?: string; sum?: string }>;
}

const NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
const LABELS = `\\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\.)*",?)*\\}`;
// Like Prometheus's own parser (Go's ParseFloat), Inf and NaN in any letter case.
const VALUE = "(?:[-+]?(?:\\d+\\.?\\d*(?:[eE][-+]?\\d+)?|\\.\\d+)|[-+]?[Ii][Nn][Ff]|[Nn][Aa][Nn])";
const SAMPLE = new RegExp(`^${NAME}(?:${LABELS})? ${VALUE}(?: -?\\d+)?$`);
const COMMENT = new RegExp(`^# (?:HELP ${NAME} .*|TYPE ${NAME} (?:counter|gauge|histogram|summary|untyped))$`);

export function parseExposition(text: string): Map<string, MetricFamily> {
  text.split("\n").forEach((line, index) => {
    if (line === "" || COMMENT.test(line) || SAMPLE.test(line)) return;
    throw new Error(`line ${index + 1} is not Prometheus text format: ${JSON.stringify(line)}`);
  });
  const families = parsePrometheusTextFormat(text) as MetricFamily[];
  return new Map(families.map((family) => [family.name, family]));
}

/** The value of the sample of `name` whose labels include `labels` (a number; throws if absent). */
export function sampleValue(families: Map<string, MetricFamily>, name: string, labels: Record<string, string> = {}): number {
  const family = families.get(name);
  if (!family) throw new Error(`no metric ${name}`);
  const metric = family.metrics.find((candidate) => Object.entries(labels).every(([key, value]) => candidate.labels?.[key] === value));
  if (!metric) throw new Error(`no sample of ${name} with ${JSON.stringify(labels)}`);
  return Number(family.type === "HISTOGRAM" ? metric.count : metric.value);
}
