/**
 * A one-off message carried across a redirect ("Endpoint deleted." after leaving its page):
 * a server action sets it (setFlash in lib/actions.ts), the toaster (components/toaster.tsx)
 * shows and clears it. Readable by the page's script on purpose: it holds only that sentence.
 */
export const FLASH_COOKIE = "hookline_flash";
