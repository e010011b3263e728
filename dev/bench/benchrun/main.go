// Command benchrun measures what the Go benchmarks cannot: cold start of the
// built provider against an empty framework provider, `apply` of N ephemeral
// instances through a real CLI against the Cognito double, and binary sizes.
// It folds the Go benchmark output in and writes one Markdown report.
// scripts/bench.sh (make bench) builds its inputs and runs it.
package main

import (
	"bufio"
	"cmp"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

func main() {
	var (
		providerBin = flag.String("provider", "", "release-style provider binary (named terraform-provider-cognito)")
		emptyBin    = flag.String("empty", "", "release-style empty framework provider binary")
		cli         = flag.String("cli", "", "terraform or tofu binary")
		gobench     = flag.String("gobench", "", "go test -bench output to fold in")
		coldRuns    = flag.Int("cold-runs", 9, "cold starts per binary")
		scaleList   = flag.String("scale", "1,10,100,1000", "instance counts")
		scaleRuns   = flag.Int("scale-runs", 3, "applies per instance count")
		parallelism = flag.Int("parallelism", 10, "CLI -parallelism")
		work        = flag.String("work", "", "scratch directory")
		out         = flag.String("out", "", "write the Markdown report here too")
		command     = flag.String("command", "make bench", "how the report was produced, for the reproduce section")
		since       = flag.Int64("since", 0, "unix time the whole run started (default: now)")
		ownPkgs     = flag.String("own-packages", "", "comma-separated packages whose init time is reported one by one (the provider's own)")
	)
	flag.Parse()
	if *providerBin == "" || *emptyBin == "" || *cli == "" || *work == "" {
		log.Fatal("benchrun: -provider, -empty, -cli and -work are required")
	}

	r := &report{command: *command, parallelism: *parallelism, started: time.Now()}
	if *ownPkgs != "" {
		r.ownPackages = strings.Split(*ownPkgs, ",")
	}
	if *since > 0 {
		r.started = time.Unix(*since, 0)
	}
	r.meta(*cli)
	if *gobench != "" {
		b, err := os.ReadFile(*gobench)
		if err != nil {
			log.Fatal(err)
		}
		r.benches = parseGoBench(string(b))
	}

	for _, bin := range []string{*providerBin, *emptyBin} {
		fi, err := os.Stat(bin)
		if err != nil {
			log.Fatal(err)
		}
		r.sizes = append(r.sizes, fi.Size())
	}

	logf("cold start: %d runs each, alternating", *coldRuns)
	for range *coldRuns {
		for j, bin := range []string{*providerBin, *emptyBin} {
			cs, err := measureColdStart(bin)
			if err != nil {
				log.Fatal(err)
			}
			r.cold[j] = append(r.cold[j], cs)
			trace, err := measureInit(bin)
			if err != nil {
				log.Fatal(err)
			}
			r.inits[j] = append(r.inits[j], trace)
		}
	}

	env, err := newScaleEnv(*cli, filepath.Dir(*providerBin), *work)
	if err != nil {
		log.Fatal(err)
	}
	defer env.close()
	for field := range strings.SplitSeq(*scaleList, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(field))
		if err != nil {
			log.Fatalf("bad -scale entry %q", field)
		}
		// One untimed apply first warms the page cache and the CLI's own caches.
		if _, err := env.apply(n, *parallelism); err != nil {
			env.close()
			log.Fatal(err)
		}
		var runs []scaleRun
		for range *scaleRuns {
			run, err := env.apply(n, *parallelism)
			if err != nil {
				env.close()
				log.Fatal(err)
			}
			logf("apply N=%d: %v, %d conns, %d requests", n, run.wall.Round(time.Millisecond), run.conns, run.requests)
			runs = append(runs, run)
		}
		r.scale = append(r.scale, scalePoint{n: n, runs: runs})
	}
	r.elapsed = time.Since(r.started)

	text := r.markdown()
	fmt.Print(text)
	if *out != "" {
		if err := os.WriteFile(*out, []byte(text), 0o644); err != nil {
			log.Fatal(err)
		}
	}
}

func logf(format string, args ...any) { fmt.Fprintf(os.Stderr, "==> "+format+"\n", args...) }

// benchStats are the medians of one Go benchmark over its -count runs.
type benchStats struct {
	runs                 int
	nsPerOp, bPerOp, aPO float64
	ns                   []float64 // ns/op of each run, in run order
}

// parseGoBench reads `go test -bench -benchmem` output, keyed by benchmark
// name without the -GOMAXPROCS suffix.
func parseGoBench(text string) map[string]benchStats {
	samples := map[string][][3]float64{}
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 8 || !strings.HasPrefix(f[0], "Benchmark") || f[3] != "ns/op" || f[5] != "B/op" || f[7] != "allocs/op" {
			continue
		}
		name := f[0]
		if i := strings.LastIndex(name, "-"); i > 0 {
			name = name[:i]
		}
		var v [3]float64
		for k, idx := range []int{2, 4, 6} {
			v[k], _ = strconv.ParseFloat(f[idx], 64)
		}
		samples[name] = append(samples[name], v)
	}
	stats := map[string]benchStats{}
	for name, s := range samples {
		col := func(k int) float64 {
			xs := make([]float64, len(s))
			for i := range s {
				xs[i] = s[i][k]
			}
			return median(xs)
		}
		ns := make([]float64, len(s))
		for i := range s {
			ns[i] = s[i][0]
		}
		stats[name] = benchStats{runs: len(s), nsPerOp: col(0), bPerOp: col(1), aPO: col(2), ns: ns}
	}
	return stats
}

func median[T cmp.Ordered](xs []T) T {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		var zero T
		return zero
	}
	return s[len(s)/2]
}

func medianOf[E any, T cmp.Ordered](xs []E, f func(E) T) T {
	vs := make([]T, len(xs))
	for i, x := range xs {
		vs[i] = f(x)
	}
	return median(vs)
}

type scalePoint struct {
	n    int
	runs []scaleRun
}

type report struct {
	command     string
	parallelism int
	started     time.Time
	elapsed     time.Duration
	machine     []string
	benches     map[string]benchStats
	cold        [2][]coldStart // cognito, empty
	inits       [2][]initTrace // cognito, empty
	ownPackages []string
	sizes       []int64 // cognito, empty
	scale       []scalePoint
}

func (r *report) meta(cli string) {
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		if f := strings.Fields(string(b)); len(f) > 1 {
			if kb, err := strconv.ParseInt(f[1], 10, 64); err == nil {
				mem = fmt.Sprintf(", %.0f GiB RAM", float64(kb)/(1<<20))
			}
		}
	}
	kernel := strings.TrimSpace(run("uname", "-sr"))
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(b)); len(f) >= 3 {
			kernel += fmt.Sprintf("; load average at start %s %s %s (above the core count, timings are noisy: trust B/op, allocs/op and counts first)", f[0], f[1], f[2])
		}
	}
	cliVersion, _, _ := strings.Cut(run(cli, "version"), "\n")
	commit := strings.TrimSpace(run("git", "rev-parse", "--short", "HEAD"))
	if strings.TrimSpace(run("git", "status", "--porcelain", "--untracked-files=no")) != "" {
		commit += " + uncommitted changes"
	}
	r.machine = []string{
		fmt.Sprintf("Machine: %s, %d cores visible (GOMAXPROCS %d)%s, %s", cpu, runtime.NumCPU(), runtime.GOMAXPROCS(0), mem, kernel),
		fmt.Sprintf("Go: %s %s/%s", runtime.Version(), runtime.GOOS, runtime.GOARCH),
		fmt.Sprintf("CLI: %s (%s)", strings.TrimSpace(cliVersion), cli),
		"Provider source: " + cmp.Or(commit, "unknown commit"),
	}
	if mods := run("go", "list", "-m", "-f", "{{.Path}} {{.Version}}", "github.com/hashicorp/terraform-plugin-framework",
		"github.com/hashicorp/terraform-plugin-go", "github.com/aws/aws-sdk-go-v2",
		"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider", "github.com/hashicorp/go-plugin"); mods != "" {
		r.machine = append(r.machine, "Modules: "+strings.ReplaceAll(strings.TrimSpace(strings.ReplaceAll(mods, "github.com/", "")), "\n", ", "))
	}
}

func run(name string, args ...string) string {
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		return ""
	}
	return string(out)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }

func us(ns float64) string { return fmt.Sprintf("%.1f µs", ns/1000) }

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }
