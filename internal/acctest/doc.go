// Package acctest is the test-support package of the provider's real-CLI
// and protocol tests (the role internal/acctest plays in
// terraform-provider-aws). It holds no test of its own in non-test files:
//
//   - CLI runs a real Terraform or OpenTofu binary against provider builds
//     made once per test process and installed through dev_overrides, with
//     TF_LOG capture for the leak search.
//   - Protocol drives a tfprotov6 provider server in process the way a CLI
//     does (validate, configure, then open or read), for bad-input tests.
//   - TokenTap and FindLeaks know every secret in play and find any
//     rendering of one in what a run left behind.
//
// The black-box suites that use them live in this directory as package
// acctest_test and see the provider only as a user does: through the CLI.
// acctest itself never imports internal/provider, so the provider's own
// tests can import it without a cycle.
package acctest
