import { indentedJson, MAX_INDENTED_LENGTH } from "@/lib/json-text";

/**
 * A JSON value shown indented, or compact (with a line saying why) when indenting it would pass
 * `limit` characters: deep data grows many times its size when indented (lib/json-text.ts).
 */
export function JsonBlock({ value, className = "overflow-x-auto", limit = MAX_INDENTED_LENGTH }: { value: unknown; className?: string; limit?: number }) {
  const { text, indented } = indentedJson(value, limit);
  return (
    <>
      <pre className={`${className} rounded-md bg-slate-100 p-3 font-mono text-xs`}>{text}</pre>
      {!indented && <p className="text-xs text-slate-600">{`Shown unindented: indented, it would be over ${limit / 1024} KiB of text.`}</p>}
    </>
  );
}
