/** Name of the session cookie; kept dependency-free so proxy.ts can import it cheaply. */
export const SESSION_COOKIE = "hl_session";
