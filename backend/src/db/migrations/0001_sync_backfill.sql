CREATE TABLE "sync_seen" (
	"run_id" uuid NOT NULL,
	"object_type" text NOT NULL,
	"id" text NOT NULL,
	CONSTRAINT "sync_seen_run_id_object_type_id_pk" PRIMARY KEY("run_id","object_type","id")
);
--> statement-breakpoint
ALTER TABLE "sync_tasks" ADD COLUMN "cursor_created" bigint;--> statement-breakpoint
ALTER TABLE "sync_tasks" ADD COLUMN "stats" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
-- Synced objects are 1–5 kB of JSON each: lz4 compresses them several times faster than the default
-- pglz (an import writes hundreds of thousands). Builds without lz4 (PGlite) keep pglz.
DO $$
BEGIN
  ALTER TABLE "stripe_customers" ALTER COLUMN "data" SET COMPRESSION lz4;
  ALTER TABLE "stripe_subscriptions" ALTER COLUMN "data" SET COMPRESSION lz4;
  ALTER TABLE "stripe_subscription_items" ALTER COLUMN "data" SET COMPRESSION lz4;
  ALTER TABLE "stripe_prices" ALTER COLUMN "data" SET COMPRESSION lz4;
  ALTER TABLE "stripe_products" ALTER COLUMN "data" SET COMPRESSION lz4;
  ALTER TABLE "stripe_coupons" ALTER COLUMN "data" SET COMPRESSION lz4;
  ALTER TABLE "stripe_promotion_codes" ALTER COLUMN "data" SET COMPRESSION lz4;
  ALTER TABLE "stripe_discounts" ALTER COLUMN "data" SET COMPRESSION lz4;
  ALTER TABLE "stripe_invoices" ALTER COLUMN "data" SET COMPRESSION lz4;
  ALTER TABLE "stripe_invoice_payments" ALTER COLUMN "data" SET COMPRESSION lz4;
  ALTER TABLE "stripe_charges" ALTER COLUMN "data" SET COMPRESSION lz4;
  ALTER TABLE "stripe_payment_methods" ALTER COLUMN "data" SET COMPRESSION lz4;
  ALTER TABLE "stripe_events" ALTER COLUMN "payload" SET COMPRESSION lz4;
EXCEPTION WHEN OTHERS THEN
  NULL;
END $$;
