package acctest_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/acctest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
)

// reusingWorkflow is a workflow whose block asks for tokens lasting 10
// minutes: the store's token set is reused while it does.
func reusingWorkflow(t *testing.T, cli *acctest.CLI, kind string, sf storeFactory) *workflow {
	t.Helper()
	w := newWorkflowOn(t, cli, kind, sf.new, cognitotest.PoolConfig{})
	w.store.hcl += "\n  min_remaining_validity = \"10m\""
	return w
}

// TestAccStoreDefaultReusePlanThenApply: plan, then apply, with a store and
// no min_remaining_validity: the set the first open stores has more than
// half its (one-hour) life left at every later open, so it is reused. One
// Cognito call.
func TestAccStoreDefaultReusePlanThenApply(t *testing.T) {
	requireAcc(t)
	cli := acctest.NewCLI(t)
	for _, kind := range []string{"ephemeral", "data source"} {
		for _, sf := range workflowStores() {
			t.Run(kind+"/"+sf.kind, func(t *testing.T) {
				t.Parallel()
				w := newWorkflowOn(t, cli, kind, sf.new, cognitotest.PoolConfig{})
				dir := w.newDir(t, false)
				w.check(t, "seeding", 0, true)
				w.mustRun(t, dir, "plan", "plan")
				w.mustRun(t, dir, "apply", "apply", "-auto-approve")
				if got := w.p.RequestCount(); got != 1 {
					t.Errorf("%s: plan then apply made %d Cognito calls, want 1", cli.Version, got)
				}
				w.check(t, "plan then apply", 1, true)
				w.finalRefresh(t)
			})
		}
	}
}

// TestAccStoreTokenSetPlanThenApply: plan, then apply (which plans again),
// with a store and min_remaining_validity: the first open refreshes and
// stores the token set, every later open reuses it. One Cognito call.
func TestAccStoreTokenSetPlanThenApply(t *testing.T) {
	requireAcc(t)
	cli := acctest.NewCLI(t)
	for _, kind := range []string{"ephemeral", "data source"} {
		for _, sf := range workflowStores() {
			t.Run(kind+"/"+sf.kind, func(t *testing.T) {
				t.Parallel()
				w := reusingWorkflow(t, cli, kind, sf)
				dir := w.newDir(t, false)
				w.check(t, "seeding", 0, true)
				w.mustRun(t, dir, "plan", "plan")
				w.mustRun(t, dir, "apply", "apply", "-auto-approve")
				if got := w.p.RequestCount(); got != 1 {
					t.Errorf("%s: plan then apply made %d Cognito calls, want 1", cli.Version, got)
				}
				w.check(t, "plan then apply", 1, true)
				w.finalRefresh(t)
			})
		}
	}
}

// TestAccStoreTokenSetConcurrentApplies: 20 applies at once on one file
// store with min_remaining_validity. The runs serialize on the file's lock;
// the first refreshes and stores the set, the others reuse it: all succeed,
// Cognito is called once, and the store's refresh token still works.
func TestAccStoreTokenSetConcurrentApplies(t *testing.T) {
	requireAcc(t)
	cli := acctest.NewCLI(t)
	const runs = 20
	sf := workflowStores()[0] // file
	w := reusingWorkflow(t, cli, "ephemeral", sf)
	w.check(t, "seeding", 0, true)
	dirs := make([]string, runs)
	for i := range dirs {
		dirs[i] = w.newDir(t, false)
	}
	var wg sync.WaitGroup
	ok := make([]bool, runs)
	for i, dir := range dirs {
		wg.Go(func() { ok[i] = w.run(t, dir, "apply", "apply", "-auto-approve", "-input=false", "-no-color") })
	}
	wg.Wait()
	for i, dir := range dirs {
		if !ok[i] {
			t.Errorf("%s: concurrent apply %d of %d failed:\n%s", cli.Version, i+1, runs, acctest.ReadAll(t, dir, "apply.stderr"))
		}
	}
	if got := w.p.RequestCount(); got != 1 {
		t.Errorf("%s: %d concurrent applies made %d Cognito calls, want 1", cli.Version, runs, got)
	}
	w.check(t, fmt.Sprintf("%d concurrent applies", runs), 1, true)
	w.finalRefresh(t)
}
