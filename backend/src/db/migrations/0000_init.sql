CREATE TABLE "accounts" (
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"status" text DEFAULT 'installing' NOT NULL,
	"connection" text NOT NULL,
	"scope" text,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"installed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"uninstalled_at" timestamp with time zone,
	"purge_after" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "accounts_account_id_livemode_pk" PRIMARY KEY("account_id","livemode")
);
--> statement-breakpoint
CREATE TABLE "action_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"user_id" text NOT NULL,
	"client_key" text NOT NULL,
	"kind" text NOT NULL,
	"customer_id" text,
	"subscription_id" text,
	"offer_id" uuid,
	"params" jsonb NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"stripe_request_id" text,
	"result" jsonb,
	"error" text,
	"mrr_before" jsonb,
	"outcome" jsonb,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "credentials" (
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"kind" text NOT NULL,
	"access_token_enc" text,
	"refresh_token_enc" text,
	"api_key_enc" text,
	"access_expires_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "credentials_account_id_livemode_pk" PRIMARY KEY("account_id","livemode")
);
--> statement-breakpoint
CREATE TABLE "customer_stages" (
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"customer_id" text NOT NULL,
	"stage" text NOT NULL,
	"since" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customer_stages_account_id_livemode_customer_id_pk" PRIMARY KEY("account_id","livemode","customer_id")
);
--> statement-breakpoint
CREATE TABLE "customer_traits" (
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"customer_id" text NOT NULL,
	"traits" jsonb NOT NULL,
	"last_activity_at" timestamp with time zone,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customer_traits_account_id_livemode_customer_id_pk" PRIMARY KEY("account_id","livemode","customer_id")
);
--> statement-breakpoint
CREATE TABLE "ingest_keys" (
	"key_hash" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "oauth_states" (
	"nonce" text PRIMARY KEY NOT NULL,
	"livemode" boolean NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "offers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"params" jsonb NOT NULL,
	"coupon_id" text,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbound_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"endpoint_id" uuid NOT NULL,
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"event_type" text NOT NULL,
	"payload" jsonb NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_status" integer,
	"last_error" text,
	"next_attempt_at" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbound_endpoints" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"url" text NOT NULL,
	"secret_enc" text NOT NULL,
	"event_types" jsonb NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rate_limit_buckets" (
	"key" text PRIMARY KEY NOT NULL,
	"tokens" double precision NOT NULL,
	"rate_per_second" double precision NOT NULL,
	"refilled_at" timestamp with time zone DEFAULT now() NOT NULL,
	"blocked_until" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "segment_memberships" (
	"segment_id" uuid NOT NULL,
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"customer_id" text NOT NULL,
	"entered_at" timestamp with time zone DEFAULT now() NOT NULL,
	"explanation" jsonb,
	CONSTRAINT "segment_memberships_segment_id_customer_id_pk" PRIMARY KEY("segment_id","customer_id")
);
--> statement-breakpoint
CREATE TABLE "segment_transitions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"segment_id" uuid NOT NULL,
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"customer_id" text NOT NULL,
	"kind" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "segments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"predefined_key" text,
	"name" text NOT NULL,
	"description" text,
	"rule" jsonb NOT NULL,
	"hidden" boolean DEFAULT false NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stage_transitions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"customer_id" text NOT NULL,
	"from_stage" text,
	"to_stage" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stripe_charges" (
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"id" text NOT NULL,
	"created" bigint,
	"data" jsonb NOT NULL,
	"last_event_at" bigint,
	"last_event_id" text,
	"deleted_at" timestamp with time zone,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"customer_id" text,
	"status" text,
	CONSTRAINT "stripe_charges_account_id_livemode_id_pk" PRIMARY KEY("account_id","livemode","id")
);
--> statement-breakpoint
CREATE TABLE "stripe_coupons" (
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"id" text NOT NULL,
	"created" bigint,
	"data" jsonb NOT NULL,
	"last_event_at" bigint,
	"last_event_id" text,
	"deleted_at" timestamp with time zone,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stripe_coupons_account_id_livemode_id_pk" PRIMARY KEY("account_id","livemode","id")
);
--> statement-breakpoint
CREATE TABLE "stripe_customers" (
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"id" text NOT NULL,
	"created" bigint,
	"data" jsonb NOT NULL,
	"last_event_at" bigint,
	"last_event_id" text,
	"deleted_at" timestamp with time zone,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"email" text,
	"name" text,
	CONSTRAINT "stripe_customers_account_id_livemode_id_pk" PRIMARY KEY("account_id","livemode","id")
);
--> statement-breakpoint
CREATE TABLE "stripe_discounts" (
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"id" text NOT NULL,
	"created" bigint,
	"data" jsonb NOT NULL,
	"last_event_at" bigint,
	"last_event_id" text,
	"deleted_at" timestamp with time zone,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"customer_id" text,
	"subscription_id" text,
	"coupon_id" text,
	CONSTRAINT "stripe_discounts_account_id_livemode_id_pk" PRIMARY KEY("account_id","livemode","id")
);
--> statement-breakpoint
CREATE TABLE "stripe_events" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text,
	"livemode" boolean NOT NULL,
	"type" text NOT NULL,
	"created" bigint NOT NULL,
	"api_version" text,
	"payload" jsonb NOT NULL,
	"source" text DEFAULT 'webhook' NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone,
	"outcome" text,
	"error" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"claimed_until" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "stripe_invoice_payments" (
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"id" text NOT NULL,
	"created" bigint,
	"data" jsonb NOT NULL,
	"last_event_at" bigint,
	"last_event_id" text,
	"deleted_at" timestamp with time zone,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"invoice_id" text,
	CONSTRAINT "stripe_invoice_payments_account_id_livemode_id_pk" PRIMARY KEY("account_id","livemode","id")
);
--> statement-breakpoint
CREATE TABLE "stripe_invoices" (
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"id" text NOT NULL,
	"created" bigint,
	"data" jsonb NOT NULL,
	"last_event_at" bigint,
	"last_event_id" text,
	"deleted_at" timestamp with time zone,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"customer_id" text,
	"subscription_id" text,
	"status" text,
	CONSTRAINT "stripe_invoices_account_id_livemode_id_pk" PRIMARY KEY("account_id","livemode","id")
);
--> statement-breakpoint
CREATE TABLE "stripe_payment_methods" (
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"id" text NOT NULL,
	"created" bigint,
	"data" jsonb NOT NULL,
	"last_event_at" bigint,
	"last_event_id" text,
	"deleted_at" timestamp with time zone,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"customer_id" text,
	"type" text,
	CONSTRAINT "stripe_payment_methods_account_id_livemode_id_pk" PRIMARY KEY("account_id","livemode","id")
);
--> statement-breakpoint
CREATE TABLE "stripe_prices" (
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"id" text NOT NULL,
	"created" bigint,
	"data" jsonb NOT NULL,
	"last_event_at" bigint,
	"last_event_id" text,
	"deleted_at" timestamp with time zone,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"product_id" text,
	CONSTRAINT "stripe_prices_account_id_livemode_id_pk" PRIMARY KEY("account_id","livemode","id")
);
--> statement-breakpoint
CREATE TABLE "stripe_products" (
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"id" text NOT NULL,
	"created" bigint,
	"data" jsonb NOT NULL,
	"last_event_at" bigint,
	"last_event_id" text,
	"deleted_at" timestamp with time zone,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stripe_products_account_id_livemode_id_pk" PRIMARY KEY("account_id","livemode","id")
);
--> statement-breakpoint
CREATE TABLE "stripe_promotion_codes" (
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"id" text NOT NULL,
	"created" bigint,
	"data" jsonb NOT NULL,
	"last_event_at" bigint,
	"last_event_id" text,
	"deleted_at" timestamp with time zone,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"coupon_id" text,
	"code" text,
	CONSTRAINT "stripe_promotion_codes_account_id_livemode_id_pk" PRIMARY KEY("account_id","livemode","id")
);
--> statement-breakpoint
CREATE TABLE "stripe_subscription_items" (
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"id" text NOT NULL,
	"created" bigint,
	"data" jsonb NOT NULL,
	"last_event_at" bigint,
	"last_event_id" text,
	"deleted_at" timestamp with time zone,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"subscription_id" text,
	"price_id" text,
	CONSTRAINT "stripe_subscription_items_account_id_livemode_id_pk" PRIMARY KEY("account_id","livemode","id")
);
--> statement-breakpoint
CREATE TABLE "stripe_subscriptions" (
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"id" text NOT NULL,
	"created" bigint,
	"data" jsonb NOT NULL,
	"last_event_at" bigint,
	"last_event_id" text,
	"deleted_at" timestamp with time zone,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"customer_id" text,
	"status" text,
	CONSTRAINT "stripe_subscriptions_account_id_livemode_id_pk" PRIMARY KEY("account_id","livemode","id")
);
--> statement-breakpoint
CREATE TABLE "sync_cursors" (
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"name" text NOT NULL,
	"value" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sync_cursors_account_id_livemode_name_pk" PRIMARY KEY("account_id","livemode","name")
);
--> statement-breakpoint
CREATE TABLE "sync_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"kind" text NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"summary" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_tasks" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"run_id" uuid NOT NULL,
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"object_type" text NOT NULL,
	"window_start" bigint,
	"window_end" bigint,
	"cursor" text,
	"state" text DEFAULT 'pending' NOT NULL,
	"fetched" integer DEFAULT 0 NOT NULL,
	"pages" integer DEFAULT 0 NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"error" text,
	"locked_by" text,
	"locked_until" timestamp with time zone,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "timeline_entries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"customer_id" text NOT NULL,
	"source_id" text NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"details" jsonb,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_secrets" (
	"endpoint_id" text PRIMARY KEY NOT NULL,
	"livemode" boolean NOT NULL,
	"url" text NOT NULL,
	"secret_enc" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "action_runs_client_key_idx" ON "action_runs" USING btree ("account_id","livemode","client_key");--> statement-breakpoint
CREATE INDEX "action_runs_customer_idx" ON "action_runs" USING btree ("account_id","livemode","customer_id");--> statement-breakpoint
CREATE INDEX "ingest_keys_account_idx" ON "ingest_keys" USING btree ("account_id","livemode");--> statement-breakpoint
CREATE INDEX "offers_account_idx" ON "offers" USING btree ("account_id","livemode");--> statement-breakpoint
CREATE INDEX "outbound_deliveries_endpoint_idx" ON "outbound_deliveries" USING btree ("endpoint_id","created_at");--> statement-breakpoint
CREATE INDEX "outbound_endpoints_account_idx" ON "outbound_endpoints" USING btree ("account_id","livemode");--> statement-breakpoint
CREATE INDEX "segment_memberships_customer_idx" ON "segment_memberships" USING btree ("account_id","livemode","customer_id");--> statement-breakpoint
CREATE INDEX "segment_transitions_customer_idx" ON "segment_transitions" USING btree ("account_id","livemode","customer_id");--> statement-breakpoint
CREATE INDEX "segments_account_idx" ON "segments" USING btree ("account_id","livemode");--> statement-breakpoint
CREATE UNIQUE INDEX "segments_predefined_idx" ON "segments" USING btree ("account_id","livemode","predefined_key");--> statement-breakpoint
CREATE INDEX "stage_transitions_customer_idx" ON "stage_transitions" USING btree ("account_id","livemode","customer_id");--> statement-breakpoint
CREATE INDEX "stripe_charges_customer_idx" ON "stripe_charges" USING btree ("account_id","livemode","customer_id");--> statement-breakpoint
CREATE INDEX "stripe_customers_email_idx" ON "stripe_customers" USING btree ("account_id","livemode","email");--> statement-breakpoint
CREATE INDEX "stripe_discounts_customer_idx" ON "stripe_discounts" USING btree ("account_id","livemode","customer_id");--> statement-breakpoint
CREATE INDEX "stripe_events_account_idx" ON "stripe_events" USING btree ("account_id","livemode","created");--> statement-breakpoint
CREATE INDEX "stripe_events_unprocessed_idx" ON "stripe_events" USING btree ("created","received_at") WHERE "stripe_events"."processed_at" is null;--> statement-breakpoint
CREATE INDEX "stripe_invoices_customer_idx" ON "stripe_invoices" USING btree ("account_id","livemode","customer_id");--> statement-breakpoint
CREATE INDEX "stripe_payment_methods_customer_idx" ON "stripe_payment_methods" USING btree ("account_id","livemode","customer_id");--> statement-breakpoint
CREATE INDEX "stripe_subscription_items_sub_idx" ON "stripe_subscription_items" USING btree ("account_id","livemode","subscription_id");--> statement-breakpoint
CREATE INDEX "stripe_subscriptions_customer_idx" ON "stripe_subscriptions" USING btree ("account_id","livemode","customer_id");--> statement-breakpoint
CREATE INDEX "sync_runs_account_idx" ON "sync_runs" USING btree ("account_id","livemode","created_at");--> statement-breakpoint
CREATE INDEX "sync_tasks_run_idx" ON "sync_tasks" USING btree ("run_id","state");--> statement-breakpoint
CREATE INDEX "sync_tasks_account_idx" ON "sync_tasks" USING btree ("account_id","livemode","object_type");--> statement-breakpoint
CREATE INDEX "timeline_entries_customer_idx" ON "timeline_entries" USING btree ("account_id","livemode","customer_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "timeline_entries_source_idx" ON "timeline_entries" USING btree ("account_id","livemode","source_id");