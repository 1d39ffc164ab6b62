CREATE TABLE "role_policies" (
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"role" text NOT NULL,
	"permissions" jsonb NOT NULL,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "role_policies_account_id_livemode_role_pk" PRIMARY KEY("account_id","livemode","role")
);
--> statement-breakpoint
ALTER TABLE "action_runs" ADD COLUMN "user_roles" jsonb DEFAULT '[]'::jsonb NOT NULL;