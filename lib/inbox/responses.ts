// The inbox's refusals, shared by its route and by scripts/server.ts (which asks for the token
// before Next reads a body). Plain JSON, as the inbox has always answered: it is not the REST API.
export const INBOX_TOO_LARGE = { error: "Too large for the inbox." };
export const noInboxResponse = () => Response.json({ error: "No inbox here." }, { status: 404 });
export const inboxTooLargeResponse = (headers: Record<string, string> = {}) => Response.json(INBOX_TOO_LARGE, { status: 413, headers });
