// Package tokenstore keeps a rotating Cognito refresh token current in a
// file or in an AWS Secrets Manager secret, with compare-and-swap writes so
// concurrent runs never lose it.
//
// It classifies failures (Reason) and never words them for a user: the
// caller does. No error string, log line or panic carries a token.
//
// # IAM permissions for a Secrets Manager store
//
// The narrowest set that works, on the secret's ARN (sources: the Secrets
// Manager API reference pages GetSecretValue, ListSecretVersionIds,
// PutSecretValue and UpdateSecretVersionStage, section "Required
// permissions"):
//
//   - secretsmanager:GetSecretValue (every open: read the current token)
//   - secretsmanager:ListSecretVersionIds (every open: the version-quota
//     check and the pending version; before a write: is the token read
//     still current)
//   - secretsmanager:PutSecretValue (only when Cognito rotated the token)
//   - secretsmanager:UpdateSecretVersionStage (idem: the compare-and-swap;
//     and promoting a pending version)
//
// With a customer managed KMS key on the secret, also on that key (user
// guide, "Secret encryption and decryption in AWS Secrets Manager"):
//
//   - kms:Decrypt (reading the secret value)
//   - kms:GenerateDataKey (writing a new secret value)
//
// The AWS managed key aws/secretsmanager needs no KMS permission in the
// secret's own account. DescribeSecret is not called.
//
// A write that stored the new value but could not make it current leaves
// it in a version labelled PendingStage (Error.PendingVersion, with
// Error.CurrentVersion). The next Read that finds that label on a version
// newer than AWSCURRENT's moves AWSCURRENT to it by compare-and-swap, so
// the chain goes on by itself; moving it by hand does the same.
//
// Pacing: AWS advises against calling PutSecretValue more than once every
// 10 minutes at a sustained rate, since versions younger than 24 hours are
// never removed, and refuses a version past the quota with
// LimitExceededException (PutSecretValue API reference; user guide,
// "AWS Secrets Manager quotas"). Each rotation writes one version, a run
// that lost the race none. Preflight refuses a rotation before Cognito
// spends the token once SecretVersionQuota-VersionReserve versions are
// held (younger than 24 hours, or labelled): at most 90 rotations a day
// per secret. LimitExceededException is not retried.
package tokenstore
