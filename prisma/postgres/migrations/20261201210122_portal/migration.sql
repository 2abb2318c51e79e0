-- AlterTable
ALTER TABLE "Consumer" ADD COLUMN     "portalKey" TEXT;

-- CreateTable
CREATE TABLE "PortalSettings" (
    "userId" TEXT NOT NULL,
    "brandName" TEXT,
    "accentColor" TEXT,
    "logoUrl" TEXT,
    "allowedOrigins" TEXT NOT NULL DEFAULT '',
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PortalSettings_pkey" PRIMARY KEY ("userId")
);

-- AddForeignKey
ALTER TABLE "PortalSettings" ADD CONSTRAINT "PortalSettings_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
