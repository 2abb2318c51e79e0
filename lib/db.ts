/**
 * Prisma's model API for ordinary reads and writes, on whichever engine DATABASE_URL names.
 * Anything that needs SQL, a driver, or changes a delivery's status goes through lib/store/.
 */
import { store } from "./store/connection";

export const prisma = store().prisma;

