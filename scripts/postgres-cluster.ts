/**
 * A throw-away PostgreSQL cluster for manual use (benchmarks, trying the app on PostgreSQL):
 *   npm run postgres:throwaway
 * starts one (lib/store/postgres/cluster.ts), prints its DATABASE_URL and keeps it until Ctrl-C,
 * which stops the server and removes its folder.
 */
import { startThrowawayCluster } from "../lib/store/postgres/cluster";

const startedAt = Date.now();
startThrowawayCluster().then(
  (cluster) => {
    console.log(`PostgreSQL is running (started in ${Date.now() - startedAt} ms).`);
    console.log(`DATABASE_URL=${cluster.url}`);
    console.log(`Folder ${cluster.dir}; Ctrl-C stops it and removes the folder.`);
    setInterval(() => {}, 1 << 30);
  },
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
