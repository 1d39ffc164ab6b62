CREATE TABLE "customer_refresh_queue" (
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"customer_id" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"queued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"claimed_until" timestamp with time zone,
	CONSTRAINT "customer_refresh_queue_account_id_livemode_customer_id_pk" PRIMARY KEY("account_id","livemode","customer_id")
);
--> statement-breakpoint
CREATE INDEX "customer_refresh_queue_queued_idx" ON "customer_refresh_queue" USING btree ("queued_at");