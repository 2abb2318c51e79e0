-- AlterTable
ALTER TABLE "Endpoint" ADD COLUMN     "ordering" TEXT NOT NULL DEFAULT 'unordered';

-- AlterTable
ALTER TABLE "Event" ADD COLUMN     "orderingKey" TEXT;

-- CreateTable
CREATE TABLE "FifoQueue" (
    "deliveryId" TEXT NOT NULL,
    "endpointId" TEXT NOT NULL,
    "orderingKey" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,

    CONSTRAINT "FifoQueue_pkey" PRIMARY KEY ("deliveryId")
);

-- CreateIndex
CREATE UNIQUE INDEX "FifoQueue_endpointId_orderingKey_seq_key" ON "FifoQueue"("endpointId", "orderingKey", "seq");

-- AddForeignKey
ALTER TABLE "FifoQueue" ADD CONSTRAINT "FifoQueue_deliveryId_fkey" FOREIGN KEY ("deliveryId") REFERENCES "Delivery"("id") ON DELETE CASCADE ON UPDATE CASCADE;
