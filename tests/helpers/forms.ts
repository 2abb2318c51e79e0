/**
 * Submits a dashboard form over plain HTTP, the way a browser without JavaScript does: fetch the
 * page, take the hidden fields React renders for the form's server action, add the visible
 * fields, and POST it all as multipart/form-data to the same page. For tests that drive server
 * actions (sign-up, sign-in, settings) without a browser.
 */
export interface FormResult {
  status: number;
  location: string | null;
  /** `name=value` pairs from Set-Cookie, ready for a Cookie header. */
  cookies: string[];
  html: string;
}

const decode = (text: string) =>
  text.replace(/&quot;/g, '"').replace(/&#x27;|&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

export interface FormOptions {
  cookie?: string;
  /** Which of the page's forms (default: the first). */
  pick?: (formHtml: string) => boolean;
  /** Extra request headers, e.g. `x-forwarded-for` as a reverse proxy would set it. */
  headers?: Record<string, string>;
}

/** The hidden fields React renders for a form's server action (they name the action). */
export async function actionFields(url: string, options: FormOptions = {}): Promise<Array<[string, string]>> {
  const headers: Record<string, string> = { ...(options.cookie ? { cookie: options.cookie } : {}), ...options.headers };
  const page = await fetch(url, { headers });
  if (page.status !== 200) throw new Error(`GET ${url} answered ${page.status}`);
  const forms = (await page.text()).match(/<form\b[\s\S]*?<\/form>/g) ?? [];
  const form = forms.find(options.pick ?? (() => true));
  if (!form) throw new Error(`no matching form on ${url}`);
  return [...form.matchAll(/<input type="hidden" name="([^"]+)"(?: value="([^"]*)")?\/?>/g)].map((input) => [decode(input[1]), decode(input[2] ?? "")]);
}

/**
 * POSTs a form's action with `fields`, given its hidden fields (from actionFields: they stay
 * valid for the same build, so a test can post an action whose form a page no longer shows).
 */
export async function postForm(url: string, hidden: Array<[string, string]>, fields: Record<string, string>, options: FormOptions = {}): Promise<FormResult> {
  const headers: Record<string, string> = { ...(options.cookie ? { cookie: options.cookie } : {}), ...options.headers };
  const body = new FormData();
  for (const [name, value] of hidden) body.append(name, value);
  for (const [name, value] of Object.entries(fields)) body.append(name, value);
  // A browser sends its origin with a form POST; Next checks it against the host for actions.
  const response = await fetch(url, { method: "POST", body, redirect: "manual", headers: { ...headers, origin: new URL(url).origin } });
  return {
    status: response.status,
    location: response.headers.get("location"),
    cookies: response.headers.getSetCookie().map((cookie) => cookie.split(";")[0]),
    html: await response.text(),
  };
}

export async function submitForm(url: string, fields: Record<string, string>, options: FormOptions = {}): Promise<FormResult> {
  return postForm(url, await actionFields(url, options), fields, options);
}

/** Signs in through /sign-in and returns the session cookie (`hl_session=…`). */
export async function signIn(origin: string, email: string, password: string): Promise<string> {
  const result = await submitForm(`${origin}/sign-in`, { email, password });
  const cookie = result.cookies.find((pair) => pair.startsWith("hl_session="));
  if (result.status !== 303 || !cookie) throw new Error(`sign-in as ${email} answered ${result.status} without a session`);
  return cookie;
}

/** Makes an account through /sign-up, then signs it in: its session cookie. */
export async function signUpAndSignIn(origin: string, email: string, password: string): Promise<string> {
  const signUp = await submitForm(`${origin}/sign-up`, { email, password });
  if (signUp.status !== 303) throw new Error(`sign-up as ${email} answered ${signUp.status}`);
  return signIn(origin, email, password);
}
