/**
 * Timing the dashboard as a browser asks for it: signed in through the real sign-in form (its
 * server action, as tests/helpers/forms.ts posts it), each page fetched whole from the real
 * server (the time to the last byte of the streamed HTML, Suspense boundaries included).
 */

export interface PageTiming {
  median_ms: number;
  max_ms: number;
}

/** GETs a dashboard page with the cookie; throws unless it answers 200 (a redirect to /sign-in is a failure). */
export async function getPage(origin: string, cookie: string, pagePath: string): Promise<string> {
  const response = await fetch(origin + pagePath, { headers: { cookie }, redirect: "manual" });
  const html = await response.text();
  if (response.status !== 200) throw new Error(`GET ${pagePath} answered ${response.status}`);
  return html;
}

/**
 * Every page of the dashboard: the list pages, searches of the logs, then one detail page of
 * each kind, the first one each list links to.
 */
export async function dashboardPages(origin: string, cookie: string): Promise<string[]> {
  const lists = ["/overview", "/endpoints", "/events", "/deliveries", "/event-types", "/schedules", "/inbox", "/settings", "/api-reference"];
  // Search (SPEC §11): the demo data's currency is in every event, `4242` in about 1 in 10,000.
  const searches = ["/events?q=EUR", "/events?q=4242", "/deliveries?q=EUR", "/deliveries?q=4242"];
  const detail = async (list: string, pattern: RegExp) => {
    const match = pattern.exec(await getPage(origin, cookie, list));
    if (!match) throw new Error(`${list} links to no ${pattern.source}`);
    return match[1];
  };
  return [
    ...lists,
    ...searches,
    await detail("/endpoints", /href="(\/endpoints\/ep_[0-9A-Z]+)"/),
    await detail("/events", /href="(\/events\/msg_[0-9A-Z]+)"/),
    await detail("/deliveries", /href="(\/deliveries\/dlv_[0-9A-Z]+)"/),
    await detail("/schedules", /href="(\/schedules\/sch_[0-9A-Z]+)"/),
  ];
}

export interface Site {
  name: string;
  origin: string;
  cookie: string;
  /** Page paths, in the same order on every site (their detail pages name different ids). */
  pages: string[];
}

/**
 * Times the same pages on several sites, `runs` times each after `warmUp` untimed rounds. Rounds
 * interleave the sites request by request, so a burst of load elsewhere on the machine falls on
 * both sides of a comparison alike. Result: per site, per page (index), median and worst.
 */
export async function timePages(sites: Site[], runs: number, warmUp = 3): Promise<PageTiming[][]> {
  const samples = sites.map((site) => site.pages.map((): number[] => []));
  for (let round = 0; round < warmUp + runs; round++) {
    for (let page = 0; page < sites[0].pages.length; page++) {
      for (const [s, site] of sites.entries()) {
        const started = performance.now();
        await getPage(site.origin, site.cookie, site.pages[page]);
        if (round >= warmUp) samples[s][page].push(performance.now() - started);
      }
    }
  }
  return samples.map((pages) =>
    pages.map((timings) => {
      timings.sort((a, b) => a - b);
      return { median_ms: Number(timings[Math.floor(timings.length / 2)].toFixed(1)), max_ms: Number(timings[timings.length - 1].toFixed(1)) };
    }),
  );
}
