/**
 * An endpoint's event-type filter as the dashboard edits it: free text. Kept apart from
 * endpoint.ts (which reads the server's configuration) so the settings form splits the text
 * exactly as its action does while the user types.
 */

/** "order.* invoice.paid" or one per line → ["order.*", "invoice.paid"]. */
export function splitEventTypes(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}
