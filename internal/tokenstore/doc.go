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
// Manager API reference pages GetSecretValue, PutSecretValue and
// UpdateSecretVersionStage, section "Required permissions"):
//
//   - secretsmanager:GetSecretValue (every open: read the current token)
//   - secretsmanager:PutSecretValue (only when Cognito rotated the token)
//   - secretsmanager:UpdateSecretVersionStage (idem: the compare-and-swap)
//
// With a customer managed KMS key on the secret, also on that key (user
// guide, "Secret encryption and decryption in AWS Secrets Manager"):
//
//   - kms:Decrypt (reading the secret value)
//   - kms:GenerateDataKey (writing a new secret value)
//
// The AWS managed key aws/secretsmanager needs no KMS permission in the
// secret's own account. DescribeSecret is not called. A write that stored
// the new value but could not make it current leaves it in a version
// labelled PendingStage (Error.PendingVersion); moving AWSCURRENT to it
// (UpdateSecretVersionStage) recovers the token.
//
// Pacing: AWS advises against calling PutSecretValue more than once every
// 10 minutes at a sustained rate, since versions younger than 24 hours are
// never removed (PutSecretValue API reference). Each rotation writes once.
package tokenstore
