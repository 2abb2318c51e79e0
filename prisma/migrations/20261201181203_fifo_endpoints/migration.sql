-- AlterTable
ALTER TABLE "Event" ADD COLUMN "orderingKey" TEXT;

-- CreateTable
CREATE TABLE "FifoQueue" (
    "deliveryId" TEXT NOT NULL PRIMARY KEY,
    "endpointId" TEXT NOT NULL,
    "orderingKey" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    CONSTRAINT "FifoQueue_deliveryId_fkey" FOREIGN KEY ("deliveryId") REFERENCES "Delivery" ("id") ON DELETE CASCADE ON UPDATE CASCADE
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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Endpoint_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Endpoint" ("circuitOpenUntil", "consecutiveFailures", "createdAt", "deletedAt", "description", "disabledReason", "enabled", "eventTypes", "failingSince", "headers", "id", "name", "previousSecret", "previousSecretUntil", "rateLimitPerSecond", "rateTokens", "rateTokensAt", "secret", "updatedAt", "url", "userId") SELECT "circuitOpenUntil", "consecutiveFailures", "createdAt", "deletedAt", "description", "disabledReason", "enabled", "eventTypes", "failingSince", "headers", "id", "name", "previousSecret", "previousSecretUntil", "rateLimitPerSecond", "rateTokens", "rateTokensAt", "secret", "updatedAt", "url", "userId" FROM "Endpoint";
DROP TABLE "Endpoint";
ALTER TABLE "new_Endpoint" RENAME TO "Endpoint";
CREATE INDEX "Endpoint_userId_deletedAt_idx" ON "Endpoint"("userId", "deletedAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "FifoQueue_endpointId_orderingKey_seq_key" ON "FifoQueue"("endpointId", "orderingKey", "seq");
