import Link from "next/link";
import type { ReactNode } from "react";

/**
 * A dashboard list of things keyed by a name the user chose (event types, consumers): a heading
 * with its Add button, a table paged by that key ("More …" / "First …"), and, while the account
 * has none, an explanation with the Add form open beneath it.
 */
export function KeyedListPage({
  title,
  intro,
  add,
  addOpen,
  emptyTitle,
  emptyText,
  columns,
  rows,
  cursor,
  nextCursor,
  path,
  plural,
}: {
  title: string;
  intro: string;
  /** The Add button above a list that has rows, and the same form open below the empty state. */
  add: ReactNode;
  addOpen: ReactNode;
  emptyTitle: string;
  emptyText: ReactNode;
  columns: string[];
  /** The page's table rows (`<tr>`s), one per item. */
  rows: ReactNode[];
  cursor: string | undefined;
  nextCursor: string | null;
  /** The list's own path, for "First …". */
  path: string;
  /** "consumers", "event types": in the paging links and the empty page. */
  plural: string;
}) {
  const empty = rows.length === 0 && !cursor;
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
          <p className="mt-1 text-sm text-slate-600">{intro}</p>
        </div>
        {!empty && add}
      </div>
      {empty ? (
        <div className="space-y-4">
          <div className="rounded-xl border border-dashed border-slate-300 bg-white p-8 text-center">
            <h2 className="font-medium">{emptyTitle}</h2>
            <p className="mx-auto mt-1 max-w-2xl text-sm text-slate-600">{emptyText}</p>
          </div>
          {addOpen}
        </div>
      ) : (
        <>
          <div className="overflow-x-auto rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
            <table className="min-w-full divide-y divide-slate-200 text-sm">
              <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
                <tr>
                  {columns.map((column) => (
                    <th key={column} scope="col" className="px-4 py-3">
                      {column}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {rows.length === 0 ? (
                  <tr>
                    <td colSpan={columns.length} className="px-4 py-8 text-center text-slate-600">
                      No more {plural}.
                    </td>
                  </tr>
                ) : (
                  rows
                )}
              </tbody>
            </table>
          </div>
          <div className="flex gap-4">
            {cursor && (
              <Link href={path} className="text-sm font-medium text-indigo-700 underline">
                First {plural}
              </Link>
            )}
            {nextCursor && (
              <Link href={`?${new URLSearchParams({ cursor: nextCursor })}`} className="text-sm font-medium text-indigo-700 underline">
                More {plural}
              </Link>
            )}
          </div>
        </>
      )}
    </div>
  );
}
