/**
 * Figures read from the database for the metrics snapshot (snapshot.ts): they hold for the whole
 * installation, whichever process runs the worker. The statements live in the storage layer
 * (lib/store/metrics-snapshot.ts); counting deliveries is the one cost that grows with history
 * (60–90 ms at 1M deliveries on SQLite), hence the snapshot.
 */
export { DELIVERY_STATUSES, type DeliveryStatus } from "../store/delivery-states";
export { readDatabaseSnapshot, type DatabaseSnapshot } from "../store/metrics-snapshot";
