package provider

import (
	"errors"
	"fmt"
	"runtime"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/tokenstore"
)

// The one place that words refresh-token store failures for users. Every
// diagnostic is scoped to the store attribute that is set, names the store
// (tokenstore.Store.Name, never its value), says whether the rotated token
// was lost, and gives the recovery step.

// putTokenBack is the recovery whenever the chain of tokens is broken, with
// the command for the store in use.
func putTokenBack(store string, cfg storeConfig) string {
	step := fmt.Sprintf("`(umask 077; printf %%s \"$REFRESH_TOKEN\" > %s)`", shellQuote(cfg.file))
	if cfg.file == "" {
		step = fmt.Sprintf("`aws secretsmanager put-secret-value --secret-id %s --secret-string \"$REFRESH_TOKEN\"`", shellQuote(cfg.secretID))
	}
	return "Sign in again (as the user the token belongs to) and put the new refresh token into " + store + ", for example with " + step + "; from then on the provider keeps it current."
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_.-:+=@") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// lostAnswerIfRetried: after more than one attempt the first answer may
// have been lost, which only a grace period survives.
func lostAnswerIfRetried(e *failure.Error) string {
	if e.Attempts > 1 {
		return fmt.Sprintf("This refresh took %s, so an answer may have been lost. %s ", attemptsMade(e.Attempts), lostAnswerAdvice)
	}
	return ""
}

// addStoreCycleError turns a failed store cycle into a diagnostic.
func addStoreCycleError(diags *diag.Diagnostics, err error, store string, cfg storeConfig) {
	at := cfg.attributePath()
	var classified *failure.Error
	switch {
	case errors.As(err, &classified) && classified.Store != "":
		summary, detail := storeErrorText(classified, cfg)
		diags.AddAttributeError(at, summary, detail)
	case errors.As(err, &classified) && classified.Reason == failure.RefreshTokenReused:
		diags.AddAttributeError(at, "Refresh token in the store already rotated",
			fmt.Sprintf("%s holds a refresh token that Cognito has already rotated (RefreshTokenReuseException), and no other run stored a newer one within %s (a run that rotates the token stores it within milliseconds, so the provider waits no longer, whatever `timeout` is). "+
				"The chain of tokens is broken: a run rotated the token and could not store the new one (its answer was lost, or the write failed), or an old token was put into the store. %s%s",
				store, tokenstore.WinnerWait, lostAnswerIfRetried(classified), putTokenBack(store, cfg)))
	case errors.As(err, &classified) && classified.Input == failure.RefreshToken:
		// Cognito refused the token itself: it came from the store.
		summary, detail := refreshText(classified)
		diags.AddAttributeError(at, summary, detail+"\n\nThe refresh token came from "+store+", which is unchanged. "+putTokenBack(store, cfg))
	case errors.As(err, &classified):
		addFailure(diags, err, refreshWording)
	default:
		diags.AddAttributeError(at, "Refresh-token store failed", "Unexpected failure of the refresh-token cycle with "+store+".")
	}
}

// addExposedStoreWarning warns of a token file other users can read.
func addExposedStoreWarning(diags *diag.Diagnostics, store string, cfg storeConfig) {
	diags.AddAttributeWarning(cfg.attributePath(), "Refresh-token file readable by other users",
		fmt.Sprintf("%s can be read by its group or by other users, and it holds a refresh token that signs in as its user. Make it readable by its owner only, for example `chmod 600 %q`. "+
			"The provider writes it with mode 0600 after each rotation.", store, cfg.file))
}

// storeErrorText words one store failure: what happened, whether the
// rotated token was lost, and what to do.
func storeErrorText(e *failure.Error, cfg storeConfig) (summary, detail string) {
	secretsManager := cfg.file == ""
	op := "Reading the refresh token from"
	switch e.Op {
	case failure.StoreWrite:
		op = "Writing the rotated refresh token to"
	case failure.StoreCheck:
		op = "Checking, before calling Cognito, that the rotated token can be written to"
	case failure.StoreLock:
		op = "Locking"
	}
	what, fix := storeReasonText(e, secretsManager)
	summary = "Refresh-token store: " + what
	detail = fmt.Sprintf("%s %s failed: %s", op, e.Store, what)
	if e.Code != "" { // printable and value-free (tokenstore classifies)
		detail += " (" + e.Code + ")"
	}
	if e.Attempts > 1 {
		detail += ", " + attemptsMade(e.Attempts)
	}
	detail += ". " + versionQuotaFacts(e) + fix
	if e.Op == failure.StoreLock {
		detail += " Before calling Cognito the provider locks the file (through a `.lock` file beside it) and checks that its directory takes new files, so that a rotated token can always be written back."
	}
	if e.PendingVersion != "" {
		// Not lost: the token is in a version that only needs the label.
		summary += "; new refresh token kept in a pending version"
		detail += "\n\n" + pendingVersionText(e, cfg)
		return summary, detail
	}
	if e.SavedIn != "" {
		summary += "; new refresh token kept in another file"
		detail += fmt.Sprintf("\n\nCognito rotated the token; the new refresh token was not lost: it is in %q. Move that file over the store's file (for example `%s`) before the next run, "+
			"which would otherwise present the spent token.", e.SavedIn, moveFileCommand(runtime.GOOS, e.SavedIn, cfg.file))
	} else if e.TokenLost {
		summary += "; new refresh token lost"
		detail += "\n\nThe new refresh token was lost: Cognito had already rotated the token, so the one in the store stops working (at once, or after the app client's grace period), and the new one could not be stored. " +
			putTokenBack(e.Store, cfg)
	} else if e.Op != failure.StoreWrite {
		detail += "\n\nNothing was spent: Cognito was not called, and the token in the store is unchanged."
	}
	return summary, detail
}

// moveFileCommand moves from over to in the usual shell of goos. On Windows
// that is PowerShell, whose mv (Move-Item) refuses to overwrite without
// -Force and whose single quotes take a path as it is.
func moveFileCommand(goos, from, to string) string {
	if goos == "windows" {
		quote := func(p string) string { return "'" + strings.ReplaceAll(p, "'", "''") + "'" }
		return "Move-Item -Force -LiteralPath " + quote(from) + " -Destination " + quote(to)
	}
	return fmt.Sprintf("mv %q %q", from, to)
}

// versionQuotaFacts says how full the secret is, for VersionQuota.
func versionQuotaFacts(e *failure.Error) string {
	if e.Reason != failure.VersionQuota || e.Versions == 0 {
		return ""
	}
	text := fmt.Sprintf("The secret holds %d versions that Secrets Manager will not remove yet (created in the last 24 hours, or labelled); "+
		"the provider rotates only while fewer than %d are held, leaving %d of the %d for runs writing at the same time. ",
		e.Versions, tokenstore.SecretVersionQuota-tokenstore.VersionReserve, tokenstore.VersionReserve, tokenstore.SecretVersionQuota)
	if !e.VersionsFreeAt.IsZero() {
		text += "Enough of them turn 24 hours old at " + e.VersionsFreeAt.UTC().Format("2006-01-02 15:04 UTC") + ". "
	}
	return text
}

// pendingVersionText says where the new token is after a failed swap, and
// the exact command that makes it current. Version IDs are not secrets.
func pendingVersionText(e *failure.Error, cfg storeConfig) string {
	text := fmt.Sprintf("The new refresh token is not lost: it is in version %s of %s (staging label `%s`), but `AWSCURRENT` is still on version %s, whose token Cognito has already rotated. "+
		"The next run moves `AWSCURRENT` to it by itself once `secretsmanager:UpdateSecretVersionStage` succeeds; to do it now, run (with `--region` if the secret is not in your default region):\n\n",
		e.PendingVersion, e.Store, tokenstore.PendingStage, e.CurrentVersion)
	return text + "    aws secretsmanager update-secret-version-stage --secret-id " + cfg.secretID +
		" --version-stage AWSCURRENT --move-to-version-id " + e.PendingVersion + " --remove-from-version-id " + e.CurrentVersion
}

// storeReasonText is the reason's wording and its recovery step.
func storeReasonText(e *failure.Error, secretsManager bool) (what, fix string) {
	switch e.Reason {
	case failure.NotFound:
		if secretsManager {
			return "secret not found", "Secrets Manager has no such secret in this region, or it is scheduled for deletion. Check `secretsmanager_secret_id` and the region (an ARN's, else `region`, else the provider's), " +
				"or create the secret with the refresh token from the user's sign-in as its value (`aws secretsmanager create-secret --name <name> --secret-string file://<token-file>`)."
		}
		return "file not found", "Check `file` (a relative path is relative to the directory Terraform or OpenTofu runs in), " +
			"or create the file with the refresh token from the user's sign-in as its only line, readable by its owner only (mode 0600)."
	case failure.Empty:
		return "no refresh token in the store", "Put the refresh token from the user's sign-in into the store, as the whole value."
	case failure.Malformed:
		return "the store does not hold a refresh token", "The value must be the refresh token alone (letters, digits and `-_=.`; surrounding white space is ignored), " +
			"not a JSON document, a binary secret or a file larger than 1 MiB. Put the plain refresh token into the store."
	case failure.AccessDenied:
		if secretsManager {
			return "access denied", "The AWS identity in use lacks a permission on the secret: `secretsmanager:GetSecretValue` and `secretsmanager:ListSecretVersionIds` to read; `secretsmanager:PutSecretValue` and `secretsmanager:UpdateSecretVersionStage` to store a rotated token; " +
				"with a customer managed KMS key also `kms:Decrypt` and `kms:GenerateDataKey` on that key. Grant them (IAM policy or the secret's resource policy) and run again."
		}
		return "permission denied", "The provider must be able to read the file and, to store a rotated token, to create files in its directory (a `.lock` file and a temporary file renamed over it). Fix the permissions."
	case failure.NoCredentials:
		return "no AWS credentials", "The Secrets Manager store needs AWS credentials (Cognito does not), found by the AWS SDK's default chain: the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY environment variables, AWS_PROFILE with the shared config and credentials files, SSO, web identity, or an EC2 or ECS role. " +
			"Provide credentials to the Terraform or OpenTofu run (for example `aws sso login` and AWS_PROFILE)."
	case failure.InvalidCredentials:
		return "AWS refused the credentials", "The credentials found (by the AWS SDK's default chain) are unknown, expired or do not sign correctly. Refresh them (for example `aws sso login`) or check which profile or environment variables the run uses."
	case failure.Unreachable:
		if secretsManager {
			return "Secrets Manager unreachable", "No usable answer after every retry (network failure or server errors). Check network access to Secrets Manager in the secret's region, and AWS_ENDPOINT_URL_SECRETS_MANAGER if set, then run again."
		}
		return "file unreachable", "The file system failed. Check the file's volume and run again."
	case failure.Throttled:
		return "Secrets Manager throttled the requests", "Secrets Manager kept throttling after every retry. Lower Terraform's `-parallelism` or the number of runs sharing the secret, raise the provider's `max_retries` and `timeout`, or request a quota increase."
	case failure.Timeout:
		if e.Op == failure.StoreWrite {
			return "the store did not answer in time", fmt.Sprintf("The write of a rotated token runs for up to %s, a fixed bound that holds even past the provider's `timeout` or after Ctrl-C; each request within it follows the provider's `max_retries` and `attempt_timeout`. Check access to the store.", tokenstore.WriteBackTimeout)
		}
		return "the store did not answer in time", "It took longer than the provider's `timeout`. Check access to the store, or raise `timeout`."
	case failure.Other:
		if !secretsManager && e.Code == tokenstore.CodeIsDirectory {
			return "the path is a directory", "`file` must name the file that holds the refresh token, not its directory: add the file name to the path."
		}
		if !secretsManager && e.Code == tokenstore.CodeNotRegularFile {
			return "the path is not a regular file", "`file` names a FIFO, socket or device; the provider reads and replaces only a regular file (or a symlink to one). Point `file` at a regular file holding the refresh token."
		}
		return "unexpected failure", "Check the store and run again; the provider's DEBUG log (TF_LOG=DEBUG) has the cause."
	case failure.Canceled:
		return "cancelled", "The run was cancelled (for example by Ctrl-C) before the store answered. Run again."
	case failure.VersionQuota:
		return "Secrets Manager version quota reached", "Every rotation writes a version of the secret, and Secrets Manager keeps each version for 24 hours, " +
			fmt.Sprintf("%d per secret at most. To go on: wait for older versions to turn 24 hours old; ", tokenstore.SecretVersionQuota) +
			"let runs reuse the stored token set (the default reuses it while half its lifetime is left; leave `min_remaining_validity` unset or below that); open the resource fewer times per run (fewer `for_each` instances or runs sharing the secret); " +
			"or, for frequent runs on one machine, use a `file` store, which has no quota."
	default:
		return "unexpected failure", "Check the store and run again; the provider's DEBUG log (TF_LOG=DEBUG) has the cause."
	}
}
