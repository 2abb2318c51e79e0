/** `2026-11-28 07:39:41 UTC`: the same on server and client, so hydration never disagrees. */
export function formatTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}
