-- AlterTable
ALTER TABLE "User" ADD COLUMN "inboxToken" TEXT;

-- CreateTable
CREATE TABLE "InboxRequest" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "headers" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "InboxRequest_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "InboxRequest_userId_id_idx" ON "InboxRequest"("userId", "id");

-- CreateIndex
CREATE UNIQUE INDEX "User_inboxToken_key" ON "User"("inboxToken");
