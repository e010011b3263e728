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
// With a customer managed KMS key on the secret, also on that key:
//
//   - kms:Decrypt (GetSecretValue and PutSecretValue)
//   - kms:GenerateDataKey (PutSecretValue)
//
// The secret under the default key aws/secretsmanager needs no KMS
// permission. DescribeSecret is not called.
package tokenstore
