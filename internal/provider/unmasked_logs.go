//go:build unmasked_logs_for_leak_test

package provider

// This file exists only for TestAccNoSecretLeaks: a provider binary built
// with -tags unmasked_logs_for_leak_test logs without masking, so the test
// can prove that its leak detector finds what masking normally hides.
// Never build a release with this tag.
func init() { maskLogs = false }
