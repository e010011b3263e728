package provider

import (
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognito"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/redact"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/tokenstore"
)

// The one place that words refresh-token store failures for users. Every
// diagnostic is scoped to the store attribute that is set, names the store
// (tokenstore.Store.Name, never its value), says whether the rotated token
// was lost, and gives the recovery step.

// putTokenBack is the recovery whenever the chain of tokens is broken.
func putTokenBack(store string) string {
	return "Sign in again (as the user the token belongs to) and put the new refresh token into " + store + "; from then on the provider keeps it current."
}

// addStoreCycleError turns a failed store cycle into a diagnostic.
func addStoreCycleError(diags *diag.Diagnostics, err error, store string, cfg storeConfig) {
	at := cfg.attributePath()
	var storeErr *tokenstore.Error
	var refreshErr *cognito.Error
	switch {
	case errors.As(err, &storeErr):
		summary, detail := storeErrorText(storeErr, cfg)
		diags.AddAttributeError(at, summary, detail)
	case errors.As(err, &refreshErr) && refreshErr.Code == refreshTokenReuse:
		diags.AddAttributeError(at, "Refresh token in the store already rotated",
			fmt.Sprintf("%s holds a refresh token that Cognito has already rotated (RefreshTokenReuseException), and no other run stored a newer one within the provider's `timeout`. "+
				"The chain of tokens is broken: a run rotated the token and could not store the new one, or an old token was put into the store. %s",
				store, putTokenBack(store)))
	case errors.As(err, &refreshErr) && refreshErr.Attribute == "refresh_token":
		// Cognito refused the token itself: it came from the store.
		diags.AddAttributeError(at, refreshErr.Summary,
			refreshErr.Detail+"\n\nThe refresh token came from "+store+", which is unchanged. "+putTokenBack(store))
	case errors.As(err, &refreshErr):
		addRefreshError(diags, err)
	default:
		diags.AddAttributeError(at, "Refresh-token store failed", "Unexpected failure of the refresh-token cycle with "+store+".")
	}
}

// storeErrorText words one store failure: what happened, whether the
// rotated token was lost, and what to do.
func storeErrorText(e *tokenstore.Error, cfg storeConfig) (summary, detail string) {
	secretsManager := cfg.file == ""
	op := "Reading the refresh token from"
	if e.Op == "write" {
		op = "Writing the rotated refresh token to"
	}
	what, fix := storeReasonText(e, secretsManager)
	summary = "Refresh-token store: " + what
	detail = fmt.Sprintf("%s %s failed: %s", op, e.Store, what)
	if e.Code != "" { // printable and value-free (tokenstore.Error)
		detail += " (" + e.Code + ")"
	}
	if e.Attempts > 1 {
		detail += ", " + redact.AttemptsMade(e.Attempts)
	}
	detail += ". " + fix
	if e.TokenLost {
		summary += "; new refresh token lost"
		detail += "\n\nThe new refresh token was lost: Cognito had already rotated the token, so the one in the store stops working (at once, or after the app client's grace period), and the new one could not be stored. " +
			putTokenBack(e.Store)
	} else if e.Op != "write" {
		detail += "\n\nNothing was spent: Cognito was not called, and the token in the store is unchanged."
	}
	return summary, detail
}

// storeReasonText is the reason's wording and its recovery step.
func storeReasonText(e *tokenstore.Error, secretsManager bool) (what, fix string) {
	switch e.Reason {
	case tokenstore.NotFound:
		if secretsManager {
			return "secret not found", "Secrets Manager has no such secret in this region, or it is scheduled for deletion. Check `secretsmanager_secret_id` and the region (an ARN's, else `region`, else the provider's), " +
				"or create the secret with the refresh token from the user's sign-in as its value (`aws secretsmanager create-secret --name <name> --secret-string file://<token-file>`)."
		}
		return "file not found", "Check `file` (a relative path is relative to the directory Terraform or OpenTofu runs in), " +
			"or create the file with the refresh token from the user's sign-in as its only line, readable by its owner only (mode 0600)."
	case tokenstore.Empty:
		return "no refresh token in the store", "Put the refresh token from the user's sign-in into the store, as the whole value."
	case tokenstore.Malformed:
		return "the store does not hold a refresh token", "The value must be the refresh token alone (letters, digits and `-_=.`; surrounding white space is ignored), " +
			"not a JSON document, a binary secret or a file larger than 1 MiB. Put the plain refresh token into the store."
	case tokenstore.AccessDenied:
		if secretsManager {
			return "access denied", "The AWS identity in use lacks a permission on the secret: `secretsmanager:GetSecretValue` to read; `secretsmanager:PutSecretValue` and `secretsmanager:UpdateSecretVersionStage` to store a rotated token; " +
				"with a customer managed KMS key also `kms:Decrypt` and `kms:GenerateDataKey` on that key. Grant them (IAM policy or the secret's resource policy) and run again."
		}
		return "permission denied", "The provider must be able to read the file and, to store a rotated token, to create files in its directory (a `.lock` file and a temporary file renamed over it). Fix the permissions."
	case tokenstore.NoCredentials:
		return "no AWS credentials", "The Secrets Manager store needs AWS credentials (Cognito does not), found by the AWS SDK's default chain: the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY environment variables, AWS_PROFILE with the shared config and credentials files, SSO, web identity, or an EC2 or ECS role. " +
			"Provide credentials to the Terraform or OpenTofu run (for example `aws sso login` and AWS_PROFILE)."
	case tokenstore.InvalidCredentials:
		return "AWS refused the credentials", "The credentials found (by the AWS SDK's default chain) are unknown, expired or do not sign correctly. Refresh them (for example `aws sso login`) or check which profile or environment variables the run uses."
	case tokenstore.Unreachable:
		if secretsManager {
			return "Secrets Manager unreachable", "No usable answer after every retry (network failure or server errors). Check network access to Secrets Manager in the secret's region, and AWS_ENDPOINT_URL_SECRETS_MANAGER if set, then run again."
		}
		return "file unreachable", "The file system failed. Check the file's volume and run again."
	case tokenstore.Throttled:
		return "Secrets Manager throttled the requests", "Secrets Manager kept throttling after every retry. Lower Terraform's `-parallelism` or the number of runs sharing the secret, raise the provider's `max_retries` and `timeout`, or request a quota increase."
	case tokenstore.Timeout:
		return "the store did not answer in time", "It took longer than the provider's `timeout`. Check access to the store, or raise `timeout`."
	case tokenstore.Canceled:
		return "cancelled", "The run was cancelled (for example by Ctrl-C) before the store answered. Run again."
	default:
		return "unexpected failure", "Check the store and run again; the provider's DEBUG log (TF_LOG=DEBUG) has the cause."
	}
}
