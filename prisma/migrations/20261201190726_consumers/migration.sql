-- CreateTable
CREATE TABLE "Consumer" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "uid" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Consumer_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Endpoint" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "disabledReason" TEXT,
    "eventTypes" TEXT NOT NULL DEFAULT '[]',
    "headers" TEXT NOT NULL DEFAULT '{}',
    "secret" TEXT NOT NULL,
    "previousSecret" TEXT,
    "previousSecretUntil" DATETIME,
    "deletedAt" DATETIME,
    "consecutiveFailures" INTEGER NOT NULL DEFAULT 0,
    "failingSince" DATETIME,
    "rateLimitPerSecond" INTEGER,
    "rateTokens" REAL,
    "rateTokensAt" DATETIME,
    "circuitOpenUntil" DATETIME,
    "ordering" TEXT NOT NULL DEFAULT 'unordered',
    "consumerId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Endpoint_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Endpoint_consumerId_fkey" FOREIGN KEY ("consumerId") REFERENCES "Consumer" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Endpoint" ("circuitOpenUntil", "consecutiveFailures", "createdAt", "deletedAt", "description", "disabledReason", "enabled", "eventTypes", "failingSince", "headers", "id", "name", "ordering", "previousSecret", "previousSecretUntil", "rateLimitPerSecond", "rateTokens", "rateTokensAt", "secret", "updatedAt", "url", "userId") SELECT "circuitOpenUntil", "consecutiveFailures", "createdAt", "deletedAt", "description", "disabledReason", "enabled", "eventTypes", "failingSince", "headers", "id", "name", "ordering", "previousSecret", "previousSecretUntil", "rateLimitPerSecond", "rateTokens", "rateTokensAt", "secret", "updatedAt", "url", "userId" FROM "Endpoint";
DROP TABLE "Endpoint";
ALTER TABLE "new_Endpoint" RENAME TO "Endpoint";
CREATE INDEX "Endpoint_userId_deletedAt_idx" ON "Endpoint"("userId", "deletedAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- AlterTable: a column, not Prisma's copy of the whole table (Event holds the whole history: a
-- copy would take minutes on a large database, and drop the search index's triggers with it).
ALTER TABLE "Event" ADD COLUMN "consumerId" TEXT REFERENCES "Consumer" ("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- CreateIndex
CREATE UNIQUE INDEX "Consumer_userId_uid_key" ON "Consumer"("userId", "uid");
