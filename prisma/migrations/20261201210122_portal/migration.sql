-- AlterTable
ALTER TABLE "Consumer" ADD COLUMN "portalKey" TEXT;

-- CreateTable
CREATE TABLE "PortalSettings" (
    "userId" TEXT NOT NULL PRIMARY KEY,
    "brandName" TEXT,
    "accentColor" TEXT,
    "logoUrl" TEXT,
    "allowedOrigins" TEXT NOT NULL DEFAULT '',
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "PortalSettings_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
